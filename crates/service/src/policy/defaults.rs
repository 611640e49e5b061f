//! Policy defaults registered by code — oslo.policy's `RuleDefault`,
//! `DocumentedRuleDefault` and `DeprecatedRule`: a name, its check string, what it guards,
//! and the older rule it replaces.

/// One API operation a rule guards (`{'method': 'GET', 'path': '/volumes'}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
}

/// A rule a newer default replaces: its name (the same or an older one) and its old check
/// string. With `[oslo_policy] enforce_new_defaults = false` the old check string is OR-ed
/// with the new one; an operator override of an old *name* keeps applying to the new rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeprecatedRule {
    pub name: String,
    pub check_str: String,
    pub deprecated_reason: Option<String>,
    pub deprecated_since: Option<String>,
}

impl DeprecatedRule {
    pub fn new(name: &str, check_str: &str) -> DeprecatedRule {
        DeprecatedRule {
            name: name.to_string(),
            check_str: check_str.to_string(),
            deprecated_reason: None,
            deprecated_since: None,
        }
    }

    pub fn reason(mut self, reason: &str) -> DeprecatedRule {
        self.deprecated_reason = Some(reason.to_string());
        self
    }

    pub fn since(mut self, since: &str) -> DeprecatedRule {
        self.deprecated_since = Some(since.to_string());
        self
    }
}

/// A default rule as registered by a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDefault {
    pub name: String,
    pub check_str: String,
    pub description: Option<String>,
    /// Empty for a plain `RuleDefault` (aliases such as `admin_api`).
    pub operations: Vec<Operation>,
    /// `None`: any scope. Otherwise the token scopes (`system`, `domain`, `project`) allowed.
    pub scope_types: Option<Vec<String>>,
    pub deprecated_rule: Option<DeprecatedRule>,
    pub deprecated_for_removal: bool,
    pub deprecated_reason: Option<String>,
    pub deprecated_since: Option<String>,
}

impl RuleDefault {
    /// A plain rule (oslo.policy's `RuleDefault`).
    pub fn new(name: &str, check_str: &str) -> RuleDefault {
        RuleDefault {
            name: name.to_string(),
            check_str: check_str.to_string(),
            description: None,
            operations: Vec::new(),
            scope_types: None,
            deprecated_rule: None,
            deprecated_for_removal: false,
            deprecated_reason: None,
            deprecated_since: None,
        }
    }

    /// A rule that guards API operations (`DocumentedRuleDefault`); `operations` are
    /// `(method, path)` pairs.
    pub fn documented(
        name: &str,
        check_str: &str,
        description: &str,
        operations: &[(&str, &str)],
    ) -> RuleDefault {
        let mut rule = RuleDefault::new(name, check_str).description(description);
        rule.operations = operations
            .iter()
            .map(|(method, path)| Operation {
                method: method.to_string(),
                path: path.to_string(),
            })
            .collect();
        rule
    }

    pub fn description(mut self, description: &str) -> RuleDefault {
        self.description = Some(description.to_string());
        self
    }

    pub fn deprecated_rule(mut self, deprecated: DeprecatedRule) -> RuleDefault {
        self.deprecated_rule = Some(deprecated);
        self
    }

    pub fn scope_types(mut self, scopes: &[&str]) -> RuleDefault {
        self.scope_types = Some(scopes.iter().map(|s| s.to_string()).collect());
        self
    }

    /// The rule will go away; an operator override of it is warned about.
    pub fn deprecated_for_removal(mut self, reason: &str, since: &str) -> RuleDefault {
        self.deprecated_for_removal = true;
        self.deprecated_reason = Some(reason.to_string());
        self.deprecated_since = Some(since.to_string());
        self
    }
}
