//! Request-parsing and link helpers shared by the list controllers (`cinder/api/common.py`):
//! webob's last-value-wins query view, Python's `int()`, the default sort keys every list
//! appends, and the query string of a `next` link.

use crate::db::api::pagination::SortKey;
use crate::exception::CinderError;

/// webob's `request.params` as a dict: the last value of a repeated key wins, first-seen order.
pub fn multidict(query: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in query {
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(entry) => entry.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

/// Python's `int(str)`: surrounding spaces, a sign and single underscores between digits.
pub fn python_int(raw: &str) -> Option<i64> {
    let t = raw.trim();
    let digits = t.trim_start_matches(['+', '-']);
    if digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// `urllib.parse.quote_plus`.
pub fn quote_plus(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query of a `next` link: the request's parameters without `marker`, then
/// `marker=<last>` (webob's `params["marker"] = …`).
pub fn next_query(query: &[(String, String)], last: &str) -> String {
    let mut params: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "marker")
        .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
        .collect();
    params.push(format!("marker={}", quote_plus(last)));
    params.join("&")
}

/// `process_sort_params`: the given keys with their directions (the first direction is the
/// default), then `created_at` and `id` unless given; every key must be in `allowed`.
pub fn sort_keys_with_defaults(
    keys: &[String],
    dirs: &[String],
    allowed: &[&str],
) -> Result<Vec<SortKey>, CinderError> {
    let default_dir = dirs.first().map_or("asc", String::as_str);
    let mut out: Vec<SortKey> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| SortKey {
            column: k.clone(),
            descending: dirs.get(i).map_or(default_dir, String::as_str) == "desc",
        })
        .collect();
    for key in ["created_at", "id"] {
        if !keys.iter().any(|k| k == key) {
            out.push(SortKey {
                column: key.into(),
                descending: default_dir == "desc",
            });
        }
    }
    if out.iter().any(|k| !allowed.contains(&k.column.as_str())) {
        return Err(CinderError::InvalidInput("Invalid sort key".into()));
    }
    Ok(out)
}
