//! Values that cross the database boundary, the same on all three backends.
//!
//! A bound parameter is a [`Value`]; a NULL carries the [`Kind`] it stands for, because
//! PostgreSQL types every parameter. Booleans are written as BOOLEAN on PostgreSQL and as
//! 0/1 on SQLite and MySQL (`TINYINT(1)`), like SQLAlchemy's `Boolean`; timestamps are
//! naive UTC, native `TIMESTAMP`/`DATETIME` on PostgreSQL/MySQL and SQLAlchemy's text form
//! on SQLite (see [`crate::datetime`]). Reading goes through [`FromSql`], which accepts each
//! backend's spelling (a SQLite boolean is an integer, a SQLite timestamp is text).

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::datetime;

/// The type a NULL parameter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    Float,
    Text,
    DateTime,
    Bytes,
}

/// One parameter or one column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null(Kind),
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Naive UTC.
    DateTime(PrimitiveDateTime),
    Bytes(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }
}

/// A Rust type that binds as one [`Kind`] (so `Option<T>::None` binds as a typed NULL).
pub trait Typed {
    const KIND: Kind;
}

macro_rules! value_from {
    ($($t:ty => $kind:ident, |$v:ident| $conv:expr;)*) => {$(
        impl From<$t> for Value {
            fn from($v: $t) -> Value {
                $conv
            }
        }
        impl Typed for $t {
            const KIND: Kind = Kind::$kind;
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Value {
                match v {
                    Some(v) => Value::from(v),
                    None => Value::Null(Kind::$kind),
                }
            }
        }
    )*};
}

value_from! {
    bool => Bool, |v| Value::Bool(v);
    i64 => Int, |v| Value::Int(v);
    i32 => Int, |v| Value::Int(i64::from(v));
    u32 => Int, |v| Value::Int(i64::from(v));
    i16 => Int, |v| Value::Int(i64::from(v));
    u16 => Int, |v| Value::Int(i64::from(v));
    f64 => Float, |v| Value::Float(v);
    String => Text, |v| Value::Text(v);
    &str => Text, |v| Value::Text(v.to_string());
    &String => Text, |v| Value::Text(v.clone());
    PrimitiveDateTime => DateTime, |v| Value::DateTime(v);
    OffsetDateTime => DateTime, |v| Value::DateTime(datetime::to_naive_utc(v));
    Vec<u8> => Bytes, |v| Value::Bytes(v);
}

/// Reads a column value as a Rust type, whichever backend produced it.
pub trait FromSql: Sized {
    /// An error message when the value cannot be this type, saying what it was.
    fn from_sql(v: &Value) -> Result<Self, String>;
}

fn mismatch(v: &Value, want: &str) -> String {
    let got = match v {
        Value::Null(_) => "NULL".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Int(i) => format!("integer {i}"),
        Value::Float(f) => format!("float {f}"),
        Value::Text(t) => format!("text '{}'", t.chars().take(40).collect::<String>()),
        Value::DateTime(d) => format!("timestamp {d}"),
        Value::Bytes(b) => format!("{} bytes", b.len()),
    };
    format!("expected {want}, found {got}")
}

impl FromSql for Value {
    fn from_sql(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl FromSql for bool {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(*b),
            // SQLAlchemy's int_to_boolean: any non-zero integer is true.
            Value::Int(i) => Ok(*i != 0),
            Value::Text(t) if t == "0" || t.eq_ignore_ascii_case("false") => Ok(false),
            Value::Text(t) if t == "1" || t.eq_ignore_ascii_case("true") => Ok(true),
            other => Err(mismatch(other, "a boolean")),
        }
    }
}

impl FromSql for i64 {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
            other => Err(mismatch(other, "an integer")),
        }
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn from_sql(v: &Value) -> Result<Self, String> {
                let i = i64::from_sql(v)?;
                <$t>::try_from(i).map_err(|_| format!("integer {i} out of range for {}", stringify!($t)))
            }
        }
    )*};
}
narrow_int!(i32, u32, u64, usize);

impl FromSql for f64 {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(mismatch(other, "a number")),
        }
    }
}

impl FromSql for String {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(t) => Ok(t.clone()),
            Value::Bytes(b) => String::from_utf8(b.clone()).map_err(|e| e.to_string()),
            other => Err(mismatch(other, "text")),
        }
    }
}

impl FromSql for PrimitiveDateTime {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::DateTime(d) => Ok(*d),
            Value::Text(t) => datetime::parse(t).ok_or_else(|| mismatch(v, "a timestamp")),
            other => Err(mismatch(other, "a timestamp")),
        }
    }
}

impl FromSql for Vec<u8> {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b.clone()),
            Value::Text(t) => Ok(t.clone().into_bytes()),
            other => Err(mismatch(other, "bytes")),
        }
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null(_) => Ok(None),
            other => T::from_sql(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn typed_nulls() {
        assert_eq!(Value::from(None::<bool>), Value::Null(Kind::Bool));
        assert_eq!(Value::from(None::<&str>), Value::Null(Kind::Text));
        assert_eq!(
            Value::from(None::<PrimitiveDateTime>),
            Value::Null(Kind::DateTime)
        );
        assert_eq!(Value::from(Some(3_i32)), Value::Int(3));
    }

    #[test]
    fn booleans_read_from_every_spelling() {
        assert!(bool::from_sql(&Value::Bool(true)).expect("bool"));
        assert!(bool::from_sql(&Value::Int(1)).expect("int"));
        assert!(!bool::from_sql(&Value::Int(0)).expect("int"));
        assert!(bool::from_sql(&Value::Text("1".into())).expect("text"));
        assert!(bool::from_sql(&Value::Text("volumes".into())).is_err());
        assert_eq!(Option::<bool>::from_sql(&Value::Null(Kind::Int)), Ok(None));
    }

    #[test]
    fn timestamps_read_from_text_and_native() {
        let t = datetime!(2026-11-22 01:33:16.805799);
        assert_eq!(
            PrimitiveDateTime::from_sql(&Value::Text("2026-11-22 01:33:16.805799".into())),
            Ok(t)
        );
        assert_eq!(PrimitiveDateTime::from_sql(&Value::DateTime(t)), Ok(t));
        let e = PrimitiveDateTime::from_sql(&Value::Int(5)).expect_err("int");
        assert_eq!(e, "expected a timestamp, found integer 5");
    }

    #[test]
    fn integers_narrow_with_a_range_check() {
        assert_eq!(i32::from_sql(&Value::Int(7)), Ok(7));
        assert!(u32::from_sql(&Value::Int(-1)).is_err());
        assert_eq!(i64::from_sql(&Value::Bool(true)), Ok(1));
        assert_eq!(i64::from_sql(&Value::Float(1000.0)), Ok(1000));
        assert!(i64::from_sql(&Value::Text("1".into())).is_err());
    }
}
