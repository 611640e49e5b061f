//! `limit` / `marker` / sort pagination (`cinder/common/sqlalchemyutils.py` `paginate_query`):
//! rows ordered by the sort keys (with `id` last as the tie-breaker, as upstream's default
//! `created_at, id`), and a marker row turned into the "after this row" condition
//! `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ...` with each key's direction.

use openstack_db::{Query, Value};

/// One sort key and its direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// The column (already mapped from the API name, e.g. `name` → `display_name`).
    pub column: String,
    pub descending: bool,
}

/// Appends `AND <after-marker condition>` (when `marker` is given) and `ORDER BY` to `q`.
/// `marker` holds the marker row's value for each sort key, in order.
pub fn paginate(mut q: Query, keys: &[SortKey], marker: Option<&[Value]>) -> Query {
    if let Some(values) = marker {
        let mut ors = Vec::new();
        let mut binds = Vec::new();
        for i in 0..keys.len().min(values.len()) {
            let mut ands = Vec::new();
            for (k, v) in keys.iter().zip(values).take(i) {
                if v.is_null() {
                    ands.push(format!("{} IS NULL", k.column));
                } else {
                    ands.push(format!("{} = ?", k.column));
                    binds.push(v.clone());
                }
            }
            let key = &keys[i];
            let value = &values[i];
            let op = if key.descending { "<" } else { ">" };
            if value.is_null() {
                // NULL sorts first ascending (SQLite/MySQL); rows after a NULL marker value
                // are the non-NULL ones when ascending, none when descending.
                if key.descending {
                    continue;
                }
                ands.push(format!("{} IS NOT NULL", key.column));
            } else {
                ands.push(format!("{} {op} ?", key.column));
                binds.push(value.clone());
            }
            ors.push(format!("({})", ands.join(" AND ")));
        }
        if ors.is_empty() {
            q = q.push(" AND 1 = 0");
        } else {
            q = q.push(&format!(" AND ({})", ors.join(" OR ")));
            q = q.bind_all(binds);
        }
    }
    let order: Vec<String> = keys
        .iter()
        .map(|k| format!("{} {}", k.column, if k.descending { "DESC" } else { "ASC" }))
        .collect();
    if !order.is_empty() {
        q = q.push(&format!(" ORDER BY {}", order.join(", ")));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use openstack_db::sql;

    fn key(c: &str, d: bool) -> SortKey {
        SortKey {
            column: c.into(),
            descending: d,
        }
    }

    #[test]
    fn marker_condition_and_order() {
        let q = paginate(
            sql("SELECT id FROM volumes WHERE deleted = false"),
            &[key("created_at", true), key("id", true)],
            Some(&[Value::Text("2026".into()), Value::Text("abc".into())]),
        );
        assert_eq!(
            q.text(),
            "SELECT id FROM volumes WHERE deleted = false AND ((created_at < ?) OR \
             (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC"
        );
        assert_eq!(q.params().len(), 3);
    }

    #[test]
    fn no_marker_only_orders() {
        let q = paginate(sql("SELECT 1"), &[key("size", false)], None);
        assert_eq!(q.text(), "SELECT 1 ORDER BY size ASC");
    }
}
