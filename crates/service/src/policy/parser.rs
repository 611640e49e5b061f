//! The policy language — oslo.policy's `_parser.py`: whitespace-separated tokens, parentheses
//! peeled off the ends of tokens, `and` / `or` / `not` in any case, and the same greedy
//! shift-reduce parse, so a check string yields the same tree (and the same `str()`) as
//! upstream. `not` binds tighter than `and`, which binds tighter than `or`.
//!
//! Where upstream logs an error and fails closed (a token without `:`, an unbalanced
//! expression, an `http:` check), we return a [`ParseError`].
//!
//! Also the legacy list-of-lists form of policy.json (`[["role:a"], ["role:b", "x:y"]]`).

use super::check::{Check, FieldCheck, Template};
use super::error::ParseError;

/// Deepest nesting of parentheses or of consecutive `not`s accepted in one check string.
const MAX_NESTING: usize = 32;

/// Parses a check string. The empty string is [`Check::True`].
pub fn parse_rule(check_str: &str) -> Result<Check, ParseError> {
    if check_str.is_empty() {
        return Ok(Check::True);
    }
    let mut state = State { stack: Vec::new() };
    for token in tokenize(check_str)? {
        state.shift(token);
    }
    match state.stack.as_slice() {
        [Token::Check(_) | Token::AndExpr(_) | Token::OrExpr(_)] => {}
        [] => return Err(ParseError::new(check_str, "no check in it")),
        _ => return Err(ParseError::new(check_str, diagnose(&state.stack))),
    }
    match state.stack.pop() {
        Some(Token::Check(c)) => Ok(c),
        Some(Token::AndExpr(list)) => Ok(Check::And(list)),
        Some(Token::OrExpr(list)) => Ok(Check::Or(list)),
        _ => Err(ParseError::new(check_str, "could not parse rule")),
    }
}

/// The legacy list form: the outer list is joined by `or`, each inner list by `and`; each
/// string is a single check. An empty list allows everything; a list of empty lists nothing.
pub fn parse_list_rule(rule: &[Vec<String>]) -> Result<Check, ParseError> {
    if rule.is_empty() {
        return Ok(Check::True);
    }
    let mut or_list = Vec::new();
    for inner in rule.iter().filter(|inner| !inner.is_empty()) {
        let mut and_list = inner
            .iter()
            .map(|s| parse_single(s, s))
            .collect::<Result<Vec<_>, _>>()?;
        if and_list.len() == 1 {
            or_list.extend(and_list.pop());
        } else {
            or_list.push(Check::And(and_list));
        }
    }
    Ok(match or_list.len() {
        0 => Check::False,
        1 => or_list.pop().unwrap_or(Check::False),
        _ => Check::Or(or_list),
    })
}

#[derive(Debug)]
enum Token {
    Check(Check),
    AndExpr(Vec<Check>),
    OrExpr(Vec<Check>),
    And,
    Or,
    Not,
    LParen,
    RParen,
    /// A whole token in quotes: legal to tokenize, but nothing reduces it.
    Str,
}

fn tokenize(check_str: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let (mut depth, mut nots) = (0usize, 0usize);
    for raw in check_str
        .split(char::is_whitespace)
        .filter(|t| !t.is_empty())
    {
        let tok = raw.trim_start_matches('(');
        for _ in 0..raw.len() - tok.len() {
            out.push(Token::LParen);
            depth += 1;
        }
        if depth > MAX_NESTING {
            return Err(ParseError::new(check_str, "parentheses nest too deep"));
        }
        if tok.is_empty() {
            continue;
        }
        let clean = tok.trim_end_matches(')');
        let trail = tok.len() - clean.len();
        match clean.to_lowercase().as_str() {
            "and" => out.push(Token::And),
            "or" => out.push(Token::Or),
            "not" => {
                nots += 1;
                if nots > MAX_NESTING {
                    return Err(ParseError::new(check_str, "too many 'not's in a row"));
                }
                out.push(Token::Not);
            }
            "" => {}
            _ if is_quoted(tok) => out.push(Token::Str),
            _ => out.push(Token::Check(parse_single(check_str, clean)?)),
        }
        if !clean.eq_ignore_ascii_case("not") {
            nots = 0;
        }
        for _ in 0..trail {
            out.push(Token::RParen);
            depth = depth.saturating_sub(1);
        }
    }
    Ok(out)
}

/// Upstream's test for a quoted token looks at the token before its trailing parentheses
/// are removed.
fn is_quoted(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0]
}

/// One check: `!`, `@`, or `kind:match`.
fn parse_single(check_str: &str, tok: &str) -> Result<Check, ParseError> {
    match tok {
        "!" => return Ok(Check::False),
        "@" => return Ok(Check::True),
        _ => {}
    }
    let Some((kind, matcher)) = tok.split_once(':') else {
        return Err(ParseError::new(
            check_str,
            format!("{tok:?} is not a check (expected kind:match, '@' or '!')"),
        ));
    };
    let template = |raw: &str| Template::parse(raw).map_err(|e| ParseError::new(check_str, e));
    match kind {
        "rule" => Ok(Check::Rule(matcher.to_string())),
        "role" => Ok(Check::Role(template(matcher)?)),
        "http" | "https" => Err(ParseError::new(
            check_str,
            format!("{kind}: checks (remote policy servers) are not supported: {tok:?}"),
        )),
        _ => Ok(Check::Field(FieldCheck {
            kind: kind.to_string(),
            literal: python_literal(kind).map_err(|e| ParseError::new(check_str, e))?,
            matcher: template(matcher)?,
        })),
    }
}

/// `str(ast.literal_eval(kind))` for the literals a check's left side can hold: quoted
/// strings, `True`, `False`, `None`, integers and floats. Anything else is a credential path.
fn python_literal(kind: &str) -> Result<Option<String>, String> {
    let b = kind.as_bytes();
    if let Some(&q) = b.first().filter(|c| **c == b'\'' || **c == b'"') {
        if b.len() >= 2 && b[b.len() - 1] == q {
            return Ok(Some(kind[1..kind.len() - 1].to_string()));
        }
        return Err(format!("unterminated string literal {kind:?}"));
    }
    match kind {
        "True" | "False" | "None" => return Ok(Some(kind.to_string())),
        _ => {}
    }
    let digits = kind.strip_prefix(['-', '+']).unwrap_or(kind);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(n) = kind.parse::<i128>() {
            return Ok(Some(n.to_string()));
        }
    }
    let looks_numeric = digits
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == b'.')
        && digits
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if looks_numeric {
        if let Ok(f) = kind.parse::<f64>() {
            return Ok(Some(super::values::py_float(f)));
        }
    }
    Ok(None)
}

struct State {
    stack: Vec<Token>,
}

impl State {
    fn shift(&mut self, token: Token) {
        self.stack.push(token);
        self.reduce();
    }

    /// Greedy reduction, the same rules in the same order as upstream's `ParseState.reduce`.
    fn reduce(&mut self) {
        loop {
            if !(self.reduce3() || self.reduce_not()) {
                return;
            }
        }
    }

    fn reduce3(&mut self) -> bool {
        use Token as T;
        if self.stack.len() < 3 {
            return false;
        }
        let (Some(c), Some(b), Some(a)) = (self.stack.pop(), self.stack.pop(), self.stack.pop())
        else {
            return false;
        };
        let reduced = match (a, b, c) {
            // `( x )` becomes a plain check.
            (T::LParen, inner @ (T::Check(_) | T::AndExpr(_) | T::OrExpr(_)), T::RParen) => {
                T::Check(into_check(inner))
            }
            (T::Check(a), T::And, T::Check(c)) => T::AndExpr(vec![a, c]),
            (T::AndExpr(mut list), T::And, T::Check(c)) => {
                list.push(c);
                T::AndExpr(list)
            }
            // `a or b and c`: the `and` takes the last operand of the `or`.
            (T::OrExpr(mut list), T::And, T::Check(c)) => {
                let joined = match list.pop() {
                    Some(Check::And(mut inner)) => {
                        inner.push(c);
                        Check::And(inner)
                    }
                    Some(last) => Check::And(vec![last, c]),
                    None => c,
                };
                list.push(joined);
                T::OrExpr(list)
            }
            (a @ (T::Check(_) | T::AndExpr(_)), T::Or, T::Check(c)) => {
                T::OrExpr(vec![into_check(a), c])
            }
            (T::OrExpr(mut list), T::Or, T::Check(c)) => {
                list.push(c);
                T::OrExpr(list)
            }
            (a, b, c) => {
                self.stack.extend([a, b, c]);
                return false;
            }
        };
        self.stack.push(reduced);
        true
    }

    fn reduce_not(&mut self) -> bool {
        let n = self.stack.len();
        if n < 2
            || !matches!(
                (&self.stack[n - 2], &self.stack[n - 1]),
                (Token::Not, Token::Check(_))
            )
        {
            return false;
        }
        if let Some(Token::Check(c)) = self.stack.pop() {
            self.stack.pop();
            self.stack.push(Token::Check(Check::Not(Box::new(c))));
        }
        true
    }
}

/// The check an expression token stands for (only called on those three kinds).
fn into_check(tok: Token) -> Check {
    match tok {
        Token::Check(c) => c,
        Token::AndExpr(list) => Check::And(list),
        Token::OrExpr(list) => Check::Or(list),
        _ => Check::False,
    }
}

/// A one-phrase hint for a check string that did not reduce to a single check.
fn diagnose(stack: &[Token]) -> String {
    let opens = stack.iter().filter(|t| matches!(t, Token::LParen)).count();
    let closes = stack.iter().filter(|t| matches!(t, Token::RParen)).count();
    let empty_parens = stack
        .windows(2)
        .any(|w| matches!(w, [Token::LParen, Token::RParen]));
    if stack.iter().any(|t| matches!(t, Token::Str)) {
        "a quoted string is not a check".into()
    } else if empty_parens {
        "empty parentheses".into()
    } else if opens != closes {
        "unbalanced parentheses".into()
    } else if matches!(stack.last(), Some(Token::And | Token::Or | Token::Not)) {
        "an operator is missing its right-hand check".into()
    } else {
        "operators and checks do not alternate".into()
    }
}

#[cfg(test)]
mod tests;
