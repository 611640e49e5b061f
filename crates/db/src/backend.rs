//! The three sqlx drivers behind one enum: binding [`Value`]s and reading rows the same way
//! on each. This is the only file that knows sqlx's per-driver types.

use std::sync::Arc;

use sqlx::mysql::{MySql, MySqlArguments, MySqlConnection, MySqlRow};
use sqlx::postgres::{PgArguments, PgConnection, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Column, Row as _, TypeInfo, ValueRef};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::datetime;
use crate::error::DbError;
use crate::row::Row;
use crate::value::{Kind, Value};

/// A borrowed connection of one of the drivers.
pub(crate) enum ConnMut<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
    MySql(&'a mut MySqlConnection),
}

/// What `execute` reports.
pub(crate) struct Done {
    pub rows_affected: u64,
    /// SQLite's `last_insert_rowid()`, MySQL's `LAST_INSERT_ID()`.
    pub last_insert_id: Option<i64>,
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;
type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;
type MySqlQuery<'q> = sqlx::query::Query<'q, MySql, MySqlArguments>;

fn bind_sqlite<'q>(q: SqliteQuery<'q>, v: &'q Value) -> SqliteQuery<'q> {
    match v {
        Value::Null(_) => q.bind(None::<i64>),
        Value::Bool(b) => q.bind(i64::from(*b)),
        Value::Int(i) => q.bind(*i),
        Value::Float(f) => q.bind(*f),
        Value::Text(s) => q.bind(s.as_str()),
        Value::DateTime(d) => q.bind(datetime::format_sqlite(d)),
        Value::Bytes(b) => q.bind(b.as_slice()),
    }
}

/// PostgreSQL and MySQL take every value natively; a NULL is typed by its [`Kind`].
macro_rules! bind_native {
    ($name:ident, $query:ident) => {
        fn $name<'q>(q: $query<'q>, v: &'q Value) -> $query<'q> {
            match v {
                Value::Null(Kind::Bool) => q.bind(None::<bool>),
                Value::Null(Kind::Int) => q.bind(None::<i64>),
                Value::Null(Kind::Float) => q.bind(None::<f64>),
                Value::Null(Kind::Text) => q.bind(None::<&str>),
                Value::Null(Kind::DateTime) => q.bind(None::<PrimitiveDateTime>),
                Value::Null(Kind::Bytes) => q.bind(None::<&[u8]>),
                Value::Bool(b) => q.bind(*b),
                Value::Int(i) => q.bind(*i),
                Value::Float(f) => q.bind(*f),
                Value::Text(s) => q.bind(s.as_str()),
                Value::DateTime(d) => q.bind(*d),
                Value::Bytes(b) => q.bind(b.as_slice()),
            }
        }
    };
}

bind_native!(bind_postgres, PgQuery);
bind_native!(bind_mysql, MySqlQuery);

fn decode_err(column: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Other(format!("cannot read column {column}: {e}"))
}

fn sqlite_values(row: &SqliteRow) -> Result<Vec<Value>, DbError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let err = |e| decode_err(col.name(), e);
        // A SQLite value's type is its storage class, whatever the column declares.
        let v = if raw.is_null() {
            Value::Null(Kind::Text)
        } else {
            match raw.type_info().name() {
                "INTEGER" => Value::Int(row.try_get_unchecked::<i64, _>(i).map_err(err)?),
                "REAL" => Value::Float(row.try_get_unchecked::<f64, _>(i).map_err(err)?),
                "BLOB" => Value::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i).map_err(err)?),
                _ => Value::Text(row.try_get_unchecked::<String, _>(i).map_err(err)?),
            }
        };
        out.push(v);
    }
    Ok(out)
}

fn postgres_values(row: &PgRow) -> Result<Vec<Value>, DbError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let err = |e| decode_err(col.name(), e);
        if raw.is_null() {
            out.push(Value::Null(Kind::Text));
            continue;
        }
        let v = match col.type_info().name() {
            "BOOL" => Value::Bool(row.try_get::<bool, _>(i).map_err(err)?),
            "INT2" => Value::Int(i64::from(row.try_get::<i16, _>(i).map_err(err)?)),
            "INT4" => Value::Int(i64::from(row.try_get::<i32, _>(i).map_err(err)?)),
            "INT8" => Value::Int(row.try_get::<i64, _>(i).map_err(err)?),
            "OID" => Value::Int(i64::from(
                row.try_get::<sqlx::postgres::types::Oid, _>(i)
                    .map_err(err)?
                    .0,
            )),
            "FLOAT4" => Value::Float(f64::from(row.try_get::<f32, _>(i).map_err(err)?)),
            "FLOAT8" => Value::Float(row.try_get::<f64, _>(i).map_err(err)?),
            "NUMERIC" => {
                let bytes = raw.as_bytes().map_err(|e| decode_err(col.name(), e))?;
                pg_numeric(bytes).ok_or_else(|| decode_err(col.name(), "malformed NUMERIC"))?
            }
            "TIMESTAMP" => Value::DateTime(row.try_get::<PrimitiveDateTime, _>(i).map_err(err)?),
            "TIMESTAMPTZ" => Value::DateTime(datetime::to_naive_utc(
                row.try_get::<OffsetDateTime, _>(i).map_err(err)?,
            )),
            "DATE" => Value::DateTime(row.try_get::<Date, _>(i).map_err(err)?.midnight()),
            "BYTEA" => Value::Bytes(row.try_get::<Vec<u8>, _>(i).map_err(err)?),
            _ => Value::Text(row.try_get_unchecked::<String, _>(i).map_err(err)?),
        };
        out.push(v);
    }
    Ok(out)
}

/// PostgreSQL's binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 digits.
/// `SUM()` over an integer column returns one.
pub(crate) fn pg_numeric(b: &[u8]) -> Option<Value> {
    let word = |i: usize| -> Option<i64> {
        Some(i64::from(i16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])))
    };
    let ndigits = word(0)?;
    let weight = word(2)?;
    let sign = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
    let dscale = word(6)?;
    if sign == 0xC000 {
        return Some(Value::Float(f64::NAN));
    }
    let digits: Vec<i64> = (0..ndigits)
        .map(|k| word(8 + 2 * k as usize))
        .collect::<Option<_>>()?;
    let negative = sign == 0x4000;
    let integral = dscale == 0 && weight >= ndigits - 1;
    if integral {
        let mut acc: i128 = 0;
        for k in 0..=weight {
            let d = digits.get(k as usize).copied().unwrap_or(0);
            acc = acc.checked_mul(10_000)?.checked_add(i128::from(d))?;
        }
        let acc = if negative { -acc } else { acc };
        if let Ok(v) = i64::try_from(acc) {
            return Some(Value::Int(v));
        }
    }
    let mut f = 0.0_f64;
    for (k, d) in digits.iter().enumerate() {
        f += *d as f64 * 10_000_f64.powi((weight - k as i64) as i32);
    }
    Some(Value::Float(if negative { -f } else { f }))
}

fn mysql_values(row: &MySqlRow) -> Result<Vec<Value>, DbError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let err = |e| decode_err(col.name(), e);
        if raw.is_null() {
            out.push(Value::Null(Kind::Text));
            continue;
        }
        let name = col.type_info().name();
        let v = match name {
            "BOOLEAN" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR"
            | "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED" => {
                Value::Int(row.try_get_unchecked::<i64, _>(i).map_err(err)?)
            }
            "BIGINT UNSIGNED" => {
                let u = row.try_get_unchecked::<u64, _>(i).map_err(err)?;
                i64::try_from(u)
                    .map(Value::Int)
                    .unwrap_or(Value::Float(u as f64))
            }
            "FLOAT" => Value::Float(f64::from(row.try_get_unchecked::<f32, _>(i).map_err(err)?)),
            "DOUBLE" => Value::Float(row.try_get_unchecked::<f64, _>(i).map_err(err)?),
            "DECIMAL" => {
                let s = row.try_get_unchecked::<String, _>(i).map_err(err)?;
                match s.parse::<i64>() {
                    Ok(v) => Value::Int(v),
                    Err(_) => {
                        Value::Float(s.parse::<f64>().map_err(|e| decode_err(col.name(), e))?)
                    }
                }
            }
            "DATETIME" | "TIMESTAMP" => Value::DateTime(
                row.try_get_unchecked::<PrimitiveDateTime, _>(i)
                    .map_err(err)?,
            ),
            "DATE" => Value::DateTime(row.try_get_unchecked::<Date, _>(i).map_err(err)?.midnight()),
            "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" => {
                Value::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i).map_err(err)?)
            }
            _ => Value::Text(row.try_get_unchecked::<String, _>(i).map_err(err)?),
        };
        out.push(v);
    }
    Ok(out)
}

fn columns_of<R: sqlx::Row>(row: &R) -> Arc<[String]> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

fn rows<R: sqlx::Row>(
    raw: Vec<R>,
    values: fn(&R) -> Result<Vec<Value>, DbError>,
) -> Result<Vec<Row>, DbError> {
    let Some(first) = raw.first() else {
        return Ok(Vec::new());
    };
    let columns = columns_of(first);
    raw.iter()
        .map(|r| Ok(Row::new(columns.clone(), values(r)?)))
        .collect()
}

impl ConnMut<'_> {
    pub(crate) async fn fetch_all(self, text: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match self {
            ConnMut::Sqlite(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_sqlite);
                rows(q.fetch_all(c).await?, sqlite_values)
            }
            ConnMut::Postgres(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_postgres);
                rows(q.fetch_all(c).await?, postgres_values)
            }
            ConnMut::MySql(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_mysql);
                rows(q.fetch_all(c).await?, mysql_values)
            }
        }
    }

    pub(crate) async fn fetch_optional(
        self,
        text: &str,
        params: &[Value],
    ) -> Result<Option<Row>, DbError> {
        fn one<R: sqlx::Row>(
            r: Option<R>,
            values: fn(&R) -> Result<Vec<Value>, DbError>,
        ) -> Result<Option<Row>, DbError> {
            r.map(|r| Ok(Row::new(columns_of(&r), values(&r)?)))
                .transpose()
        }
        match self {
            ConnMut::Sqlite(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_sqlite);
                one(q.fetch_optional(c).await?, sqlite_values)
            }
            ConnMut::Postgres(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_postgres);
                one(q.fetch_optional(c).await?, postgres_values)
            }
            ConnMut::MySql(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_mysql);
                one(q.fetch_optional(c).await?, mysql_values)
            }
        }
    }

    pub(crate) async fn execute(self, text: &str, params: &[Value]) -> Result<Done, DbError> {
        match self {
            ConnMut::Sqlite(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_sqlite);
                let r = q.execute(c).await?;
                Ok(Done {
                    rows_affected: r.rows_affected(),
                    last_insert_id: Some(r.last_insert_rowid()),
                })
            }
            ConnMut::Postgres(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_postgres);
                let r = q.execute(c).await?;
                Ok(Done {
                    rows_affected: r.rows_affected(),
                    last_insert_id: None,
                })
            }
            ConnMut::MySql(c) => {
                let q = params.iter().fold(sqlx::query(text), bind_mysql);
                let r = q.execute(c).await?;
                Ok(Done {
                    rows_affected: r.rows_affected(),
                    last_insert_id: i64::try_from(r.last_insert_id()).ok(),
                })
            }
        }
    }

    /// Runs several statements without parameters (DDL scripts), unprepared.
    pub(crate) async fn execute_raw(self, text: &str) -> Result<(), DbError> {
        use sqlx::Executor;
        match self {
            ConnMut::Sqlite(c) => c.execute(sqlx::raw_sql(text)).await.map(|_| ())?,
            ConnMut::Postgres(c) => c.execute(sqlx::raw_sql(text)).await.map(|_| ())?,
            ConnMut::MySql(c) => c.execute(sqlx::raw_sql(text)).await.map(|_| ())?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(ndigits.to_be_bytes());
        b.extend(weight.to_be_bytes());
        b.extend(sign.to_be_bytes());
        b.extend(dscale.to_be_bytes());
        for d in digits {
            b.extend(d.to_be_bytes());
        }
        b
    }

    #[test]
    fn pg_numeric_decodes_sums() {
        // 0
        assert_eq!(pg_numeric(&numeric(0, 0, 0, 0, &[])), Some(Value::Int(0)));
        // 1000
        assert_eq!(
            pg_numeric(&numeric(1, 0, 0, 0, &[1000])),
            Some(Value::Int(1000))
        );
        // 12345678 = 1234 5678
        assert_eq!(
            pg_numeric(&numeric(2, 1, 0, 0, &[1234, 5678])),
            Some(Value::Int(12_345_678))
        );
        // 20000 = 2 0000, stored with trailing zero digits omitted
        assert_eq!(
            pg_numeric(&numeric(1, 1, 0, 0, &[2])),
            Some(Value::Int(20_000))
        );
        // -5
        assert_eq!(
            pg_numeric(&numeric(1, 0, 0x4000, 0, &[5])),
            Some(Value::Int(-5))
        );
        // 1.5 = 1 . 5000
        assert_eq!(
            pg_numeric(&numeric(2, 0, 0, 1, &[1, 5000])),
            Some(Value::Float(1.5))
        );
        assert_eq!(pg_numeric(&[0, 1]), None);
    }
}
