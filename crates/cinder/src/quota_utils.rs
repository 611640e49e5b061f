//! Over-quota refusals turned into the errors users see (`cinder/quota_utils.py`
//! `process_reserve_over_quota`, and the extend flow's mapping in `cinder/volume/api.py`).

use std::collections::BTreeMap;

use openstack_http::validation::python::repr_str;

use crate::exception::CinderError;

/// What a project holds of one resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub in_use: i64,
    pub reserved: i64,
}

impl Usage {
    fn consumed(&self) -> i64 {
        self.in_use + self.reserved
    }
}

/// `exception.OverQuota`: the resources a reservation would take over their limits (sorted),
/// with the limits and usages of every resource it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverQuota {
    pub overs: Vec<String>,
    pub quotas: BTreeMap<String, i64>,
    pub usages: BTreeMap<String, Usage>,
}

impl OverQuota {
    /// `process_reserve_over_quota(resource=..., size=...)`: for `resource` `volumes` or
    /// `snapshots`, the first over (in sorted order) with `gigabytes` in its name is
    /// `VolumeSizeExceedsAvailableQuota`, one with the resource in its name
    /// `VolumeLimitExceeded` / `SnapshotLimitExceeded`; anything else `UnexpectedOverQuota`.
    pub fn for_resource(&self, resource: &str, size: i64) -> CinderError {
        let mut sorted = self.overs.clone();
        sorted.sort();
        let mut invalid = Vec::new();
        for over in sorted {
            let quota = self.quotas.get(&over).copied().unwrap_or(0);
            if over.contains("gigabytes") {
                let consumed = self.usages.get(&over).map_or(0, Usage::consumed);
                tracing::warn!(
                    target: "cinder.quota_utils",
                    "Quota exceeded, tried to create {size}G {} ({consumed}G of {quota}G already consumed).",
                    resource.strip_suffix('s').unwrap_or(resource)
                );
                return CinderError::VolumeSizeExceedsAvailableQuota {
                    name: over,
                    requested: size,
                    quota,
                    consumed,
                };
            }
            if over.contains(resource) {
                match resource {
                    "volumes" => {
                        return CinderError::VolumeLimitExceeded {
                            allowed: quota,
                            name: over,
                        }
                    }
                    "snapshots" => return CinderError::SnapshotLimitExceeded { allowed: quota },
                    _ => {}
                }
            }
            invalid.push(over);
        }
        CinderError::UnexpectedOverQuota(invalid.join(", "))
    }

    /// The extend flow's mapping: `VolumeSizeExceedsAvailableQuota` with the project's global
    /// `gigabytes` limit and consumption, whichever gigabytes resource was over.
    pub fn for_extend(&self, size_increase: i64) -> CinderError {
        match (self.usages.get("gigabytes"), self.quotas.get("gigabytes")) {
            (Some(usage), Some(quota)) => CinderError::VolumeSizeExceedsAvailableQuota {
                name: "gigabytes".to_string(),
                requested: size_increase,
                quota: *quota,
                consumed: usage.consumed(),
            },
            // Upstream fails with a KeyError here.
            _ => CinderError::Internal(format!(
                "over quota on {} without a gigabytes usage",
                self.overs.join(", ")
            )),
        }
    }

    /// The mapping the caller's deltas imply: a volume create (`volumes` present), a snapshot
    /// create (`snapshots` present), else an extend; the size is the `gigabytes` delta.
    pub fn into_error(self, deltas: &[(String, i64)]) -> CinderError {
        let delta = |name: &str| {
            deltas
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| *v)
        };
        let size = delta("gigabytes").unwrap_or(0);
        if delta("volumes").is_some() {
            self.for_resource("volumes", size)
        } else if delta("snapshots").is_some() {
            self.for_resource("snapshots", size)
        } else {
            self.for_extend(size)
        }
    }
}

/// Python's `repr()` of a list of strings (`['a', 'b']`), as exception messages print them.
pub fn py_list(items: &[String]) -> String {
    let reprs: Vec<String> = items.iter().map(|s| repr_str(s)).collect();
    format!("[{}]", reprs.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(overs: &[&str], quotas: &[(&str, i64)], usages: &[(&str, i64, i64)]) -> OverQuota {
        OverQuota {
            overs: overs.iter().map(|s| s.to_string()).collect(),
            quotas: quotas.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            usages: usages
                .iter()
                .map(|(k, i, r)| {
                    let u = Usage {
                        in_use: *i,
                        reserved: *r,
                    };
                    (k.to_string(), u)
                })
                .collect(),
        }
    }

    #[test]
    fn gigabytes_over_a_volume_create_is_size_exceeds_available_quota() {
        let o = over(
            &["volumes", "gigabytes"],
            &[("volumes", 1), ("gigabytes", 1000)],
            &[("volumes", 1, 0), ("gigabytes", 2, 0)],
        );
        let e = o.for_resource("volumes", 5000);
        assert_eq!(
            e.to_string(),
            "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5000G, \
             quota is 1000G and 2G has been consumed."
        );
        assert_eq!(e.status().as_u16(), 413);
    }

    #[test]
    fn count_over_is_the_resource_limit_error() {
        let o = over(
            &["volumes_lvm"],
            &[("volumes_lvm", 3), ("gigabytes_lvm", -1)],
            &[("volumes_lvm", 3, 0)],
        );
        assert_eq!(
            o.for_resource("volumes", 1).to_string(),
            "Maximum number of volumes allowed (3) exceeded for quota 'volumes_lvm'."
        );
        let o = over(
            &["snapshots"],
            &[("snapshots", 10)],
            &[("snapshots", 10, 0)],
        );
        assert_eq!(
            o.for_resource("snapshots", 1).to_string(),
            "Maximum number of snapshots allowed (10) exceeded"
        );
        // A snapshot create over a volumes resource is not something it reserved.
        let o = over(&["volumes"], &[("volumes", 1)], &[]);
        assert_eq!(
            o.for_resource("snapshots", 1).to_string(),
            "Unexpected over quota on volumes."
        );
    }

    #[test]
    fn per_type_gigabytes_are_named_and_counted_on_their_own() {
        let o = over(
            &["gigabytes_gold"],
            &[("gigabytes", 1000), ("gigabytes_gold", 10)],
            &[("gigabytes", 50, 0), ("gigabytes_gold", 8, 1)],
        );
        assert_eq!(
            o.clone()
                .into_error(&[("volumes".into(), 1), ("gigabytes".into(), 2)])
                .to_string(),
            "Requested volume or snapshot exceeds allowed gigabytes_gold quota. Requested 2G, \
             quota is 10G and 9G has been consumed."
        );
        // The extend flow reports the global gigabytes numbers.
        assert_eq!(
            o.into_error(&[("gigabytes".into(), 3), ("gigabytes_gold".into(), 3)])
                .to_string(),
            "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 3G, \
             quota is 1000G and 50G has been consumed."
        );
    }

    #[test]
    fn lists_print_like_python() {
        assert_eq!(py_list(&["a".into(), "b'c".into()]), r#"['a', "b'c"]"#);
        assert_eq!(py_list(&[]), "[]");
    }
}
