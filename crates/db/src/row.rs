//! A result row read into backend-neutral [`Value`]s; columns are read by name with
//! [`FromSql`] conversions (`row.get::<bool>("deleted")` works whether the backend
//! returned a BOOLEAN or a 0/1 integer).

use std::sync::Arc;

use crate::error::DbError;
use crate::value::{FromSql, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[String]>, values: Vec<Value>) -> Row {
        Row { columns, values }
    }

    /// The value of `column` as `T`. Names match exactly, else case-insensitively
    /// (MySQL and PostgreSQL fold unquoted aliases differently).
    pub fn get<T: FromSql>(&self, column: &str) -> Result<T, DbError> {
        let i = self.index_of(column).ok_or_else(|| {
            DbError::Other(format!(
                "no column {column} in the result (columns: {})",
                self.columns.join(", ")
            ))
        })?;
        T::from_sql(&self.values[i]).map_err(|e| DbError::Other(format!("column {column}: {e}")))
    }

    /// The value at position `index` as `T`.
    pub fn get_at<T: FromSql>(&self, index: usize) -> Result<T, DbError> {
        let v = self.values.get(index).ok_or_else(|| {
            DbError::Other(format!(
                "no column at index {index} ({} columns)",
                self.values.len()
            ))
        })?;
        T::from_sql(v).map_err(|e| DbError::Other(format!("column {index}: {e}")))
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    fn index_of(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column).or_else(|| {
            self.columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(column))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_by_name_and_index() {
        let row = Row::new(
            vec!["id".to_string(), "DELETED".to_string()].into(),
            vec![Value::Text("v1".into()), Value::Int(0)],
        );
        assert_eq!(row.get::<String>("id").expect("id"), "v1");
        assert!(!row.get::<bool>("deleted").expect("deleted"));
        assert_eq!(row.get_at::<i64>(1).expect("idx"), 0);
        let e = row.get::<String>("size").expect_err("missing");
        assert!(e.to_string().contains("no column size"), "{e}");
        let e = row.get::<i64>("id").expect_err("type");
        assert!(
            e.to_string().contains("column id: expected an integer"),
            "{e}"
        );
    }
}
