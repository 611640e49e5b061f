//! Tables as data, and the DDL each backend needs for them — what SQLAlchemy's
//! `op.create_table` / `op.alter_column` / `op.batch_alter_table` emit for a service's
//! migrations. Types map as SQLAlchemy maps them:
//!
//! | [`ColumnType`] | SQLite | PostgreSQL | MySQL |
//! | --- | --- | --- | --- |
//! | `String(n)` | `VARCHAR(n)` | `VARCHAR(n)` | `VARCHAR(n)` |
//! | `Integer` | `INTEGER` | `INTEGER` (`SERIAL` as auto-increment key) | `INTEGER` (`AUTO_INCREMENT`) |
//! | `Boolean` | `BOOLEAN` (0/1) | `BOOLEAN` | `BOOL` = `TINYINT(1)` |
//! | `DateTime` | `DATETIME` (text) | `TIMESTAMP WITHOUT TIME ZONE` | `DATETIME` |
//! | `DateTimeMicros` | `DATETIME` | `TIMESTAMP WITHOUT TIME ZONE` | `DATETIME(6)` |
//! | `Text` | `TEXT` | `TEXT` | `TEXT` |
//!
//! A `Boolean(create_constraint=True)` column adds `CHECK (col IN (0, 1))` where booleans are
//! integers (SQLite, MySQL). MySQL tables are `ENGINE=InnoDB DEFAULT CHARSET=utf8`.
//! SQLite cannot alter a column: like alembic's batch mode, the table is rebuilt (new table,
//! copy, drop, rename), and like alembic it comes back without its unnamed CHECKs.

use crate::error::DbError;
use crate::query::{sql, Query};
use crate::transaction::Transaction;
use crate::url::Backend;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    String(u32),
    Integer,
    Boolean,
    DateTime,
    /// `DateTime` that keeps microseconds on MySQL (`mysql.DATETIME(fsp=6)`).
    DateTimeMicros,
    Text,
}

/// A server-side default (`server_default=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerDefault {
    True,
    False,
    Int(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
    /// NOT NULL everywhere but on SQLite (cinder's `encryption.provider`).
    pub nullable_on_sqlite_only: bool,
    pub default: Option<ServerDefault>,
    /// `Boolean(create_constraint=True)`: `CHECK (name IN (0, 1))` on SQLite and MySQL.
    pub bool_check: bool,
}

impl Column {
    pub fn new(name: &'static str, ty: ColumnType) -> Column {
        Column {
            name,
            ty,
            nullable: true,
            nullable_on_sqlite_only: false,
            default: None,
            bool_check: false,
        }
    }
    pub fn not_null(mut self) -> Column {
        self.nullable = false;
        self
    }
    /// Nullable on SQLite, NOT NULL on the others.
    pub fn not_null_except_sqlite(mut self) -> Column {
        self.nullable = false;
        self.nullable_on_sqlite_only = true;
        self
    }
    pub fn default(mut self, d: ServerDefault) -> Column {
        self.default = Some(d);
        self
    }
    pub fn bool_check(mut self) -> Column {
        self.bool_check = true;
        self
    }
    fn nullable_on(&self, backend: Backend) -> bool {
        self.nullable || (self.nullable_on_sqlite_only && backend == Backend::Sqlite)
    }
}

/// Shorthands for column declarations.
pub fn string(name: &'static str, n: u32) -> Column {
    Column::new(name, ColumnType::String(n))
}
pub fn integer(name: &'static str) -> Column {
    Column::new(name, ColumnType::Integer)
}
pub fn boolean(name: &'static str) -> Column {
    Column::new(name, ColumnType::Boolean)
}
pub fn datetime(name: &'static str) -> Column {
    Column::new(name, ColumnType::DateTime)
}
pub fn text(name: &'static str) -> Column {
    Column::new(name, ColumnType::Text)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: Option<&'static str>,
    pub column: &'static str,
    pub ref_table: &'static str,
    pub ref_column: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<&'static str>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<Column>,
    pub primary_key: Vec<&'static str>,
    pub uniques: Vec<Vec<&'static str>>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
}

impl Table {
    pub fn new(name: &'static str) -> Table {
        Table {
            name,
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
        }
    }

    pub fn column(mut self, c: Column) -> Table {
        self.columns.push(c);
        self
    }

    /// `created_at`, `updated_at`, `deleted_at` DATETIME and `deleted` BOOLEAN (cinder's
    /// `CinderBase`), in that order.
    pub fn soft_delete_columns(self) -> Table {
        self.column(datetime("created_at"))
            .column(datetime("updated_at"))
            .column(datetime("deleted_at"))
            .column(boolean("deleted"))
    }

    /// The same, with `deleted` as `Boolean(create_constraint=True)`.
    pub fn soft_delete_columns_checked(self) -> Table {
        self.column(datetime("created_at"))
            .column(datetime("updated_at"))
            .column(datetime("deleted_at"))
            .column(boolean("deleted").bool_check())
    }

    /// `primary_key=True`: the columns become NOT NULL, as SQLAlchemy makes them (a key
    /// declared `nullable=True` is made so again with [`Table::with_column`]).
    pub fn primary_key(mut self, cols: &[&'static str]) -> Table {
        self.primary_key = cols.to_vec();
        for c in cols {
            if let Some(col) = self.columns.iter_mut().find(|x| x.name == *c) {
                col.nullable = false;
            }
        }
        self
    }

    pub fn unique(mut self, cols: &[&'static str]) -> Table {
        self.uniques.push(cols.to_vec());
        self
    }

    /// `ForeignKey(ref_table.ref_column)` on `column`.
    pub fn foreign_key(mut self, column: &'static str, reference: &'static str) -> Table {
        let (ref_table, ref_column) = reference.split_once('.').expect("table.column");
        self.foreign_keys.push(ForeignKey {
            name: None,
            column,
            ref_table,
            ref_column,
        });
        self
    }

    /// A foreign key with an explicit constraint name.
    pub fn named_foreign_key(
        mut self,
        name: &'static str,
        column: &'static str,
        reference: &'static str,
    ) -> Table {
        let (ref_table, ref_column) = reference.split_once('.').expect("table.column");
        self.foreign_keys.push(ForeignKey {
            name: Some(name),
            column,
            ref_table,
            ref_column,
        });
        self
    }

    /// `Column(..., index=True)`: an index named `ix_<table>_<column>`.
    pub fn ix(mut self, column: &'static str) -> Table {
        self.indexes.push(Index {
            name: format!("ix_{}_{}", self.name, column),
            columns: vec![column],
            unique: false,
        });
        self
    }

    pub fn index(mut self, name: &str, columns: &[&'static str]) -> Table {
        self.indexes.push(Index {
            name: name.to_string(),
            columns: columns.to_vec(),
            unique: false,
        });
        self
    }

    pub fn unique_index(mut self, name: &str, columns: &[&'static str]) -> Table {
        self.indexes.push(Index {
            name: name.to_string(),
            columns: columns.to_vec(),
            unique: true,
        });
        self
    }

    /// A copy with `f` applied to column `name` (for `alter_column`).
    pub fn with_column(mut self, name: &str, f: impl FnOnce(&mut Column)) -> Table {
        let col = self
            .columns
            .iter_mut()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name} in {}", self.name));
        f(col);
        self
    }

    pub fn get(&self, column: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == column)
    }

    fn autoincrement(&self) -> Option<&'static str> {
        match self.primary_key.as_slice() {
            [only] if self.get(only).is_some_and(|c| c.ty == ColumnType::Integer) => Some(only),
            _ => None,
        }
    }

    /// `CREATE TABLE` and its `CREATE INDEX` statements for `backend`.
    pub fn create_statements(&self, backend: Backend) -> Vec<String> {
        let mut out = vec![self.create_table_sql(backend, self.name, true)];
        if backend != Backend::MySql {
            out.extend(
                self.indexes
                    .iter()
                    .map(|i| create_index_sql(backend, self.name, i)),
            );
        }
        out
    }

    /// `CREATE TABLE <as_name>`; MySQL gets its indexes inline (so InnoDB does not add its
    /// own for the foreign keys). `checks: false` leaves out the boolean CHECKs.
    fn create_table_sql(&self, backend: Backend, as_name: &str, checks: bool) -> String {
        let q = |s: &str| quote(backend, s);
        let auto = self.autoincrement();
        let mut parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| column_def(backend, c, auto == Some(c.name)))
            .collect();
        if !self.primary_key.is_empty() {
            parts.push(format!(
                "PRIMARY KEY ({})",
                list(backend, &self.primary_key)
            ));
        }
        for u in &self.uniques {
            parts.push(format!("UNIQUE ({})", list(backend, u)));
        }
        if backend == Backend::MySql {
            for i in &self.indexes {
                parts.push(format!(
                    "{}KEY {} ({})",
                    if i.unique { "UNIQUE " } else { "" },
                    q(&i.name),
                    list(backend, &i.columns)
                ));
            }
        }
        if checks && backend != Backend::Postgres {
            for c in self.columns.iter().filter(|c| c.bool_check) {
                parts.push(format!("CHECK ({} IN (0, 1))", q(c.name)));
            }
        }
        for fk in &self.foreign_keys {
            let name = fk
                .name
                .map(|n| format!("CONSTRAINT {} ", q(n)))
                .unwrap_or_default();
            parts.push(format!(
                "{name}FOREIGN KEY({}) REFERENCES {} ({})",
                q(fk.column),
                q(fk.ref_table),
                q(fk.ref_column)
            ));
        }
        let mut s = format!(
            "CREATE TABLE {} (\n\t{}\n)",
            q(as_name),
            parts.join(", \n\t")
        );
        if backend == Backend::MySql {
            s.push_str(" ENGINE=InnoDB DEFAULT CHARSET=utf8");
        }
        s
    }
}

/// One column's definition inside CREATE TABLE (and MySQL's `ALTER TABLE … MODIFY`).
fn column_def(backend: Backend, c: &Column, is_auto: bool) -> String {
    let ty = match (backend, c.ty, is_auto) {
        (Backend::Postgres, ColumnType::Integer, true) => "SERIAL".to_string(),
        (_, ColumnType::String(n), _) => format!("VARCHAR({n})"),
        (_, ColumnType::Integer, _) => "INTEGER".to_string(),
        (Backend::MySql, ColumnType::Boolean, _) => "BOOL".to_string(),
        (_, ColumnType::Boolean, _) => "BOOLEAN".to_string(),
        (Backend::Postgres, ColumnType::DateTime | ColumnType::DateTimeMicros, _) => {
            "TIMESTAMP WITHOUT TIME ZONE".to_string()
        }
        (Backend::MySql, ColumnType::DateTimeMicros, _) => "DATETIME(6)".to_string(),
        (_, ColumnType::DateTime | ColumnType::DateTimeMicros, _) => "DATETIME".to_string(),
        (_, ColumnType::Text, _) => "TEXT".to_string(),
    };
    let mut def = format!("{} {ty}", quote(backend, c.name));
    if let Some(d) = c.default {
        def.push_str(" DEFAULT ");
        def.push_str(&render_default(backend, d));
    }
    if !c.nullable_on(backend) {
        def.push_str(" NOT NULL");
    }
    if is_auto && backend == Backend::MySql {
        def.push_str(" AUTO_INCREMENT");
    }
    def
}

fn render_default(backend: Backend, d: ServerDefault) -> String {
    match (backend, d) {
        (Backend::Postgres, ServerDefault::True) => "true".into(),
        (Backend::Postgres, ServerDefault::False) => "false".into(),
        (_, ServerDefault::True) => "1".into(),
        (_, ServerDefault::False) => "0".into(),
        (_, ServerDefault::Int(i)) => i.to_string(),
    }
}

/// `"name"` (SQLite, PostgreSQL) or `` `name` `` (MySQL).
pub fn quote(backend: Backend, ident: &str) -> String {
    match backend {
        Backend::MySql => format!("`{}`", ident.replace('`', "``")),
        _ => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

fn list(backend: Backend, cols: &[&str]) -> String {
    cols.iter()
        .map(|c| quote(backend, c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create_index_sql(backend: Backend, table: &str, i: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        quote(backend, &i.name),
        quote(backend, table),
        list(backend, &i.columns)
    )
}

/// Creates `table` with its indexes (`op.create_table`).
pub async fn create_table(tx: &mut Transaction<'_>, table: &Table) -> Result<(), DbError> {
    for stmt in table.create_statements(tx.backend()) {
        tx.execute(sql(stmt)).await?;
    }
    Ok(())
}

/// `op.create_index`.
pub async fn create_index(
    tx: &mut Transaction<'_>,
    table: &str,
    index: &Index,
) -> Result<(), DbError> {
    let backend = tx.backend();
    tx.execute(sql(create_index_sql(backend, table, index)))
        .await?;
    Ok(())
}

/// Whether index `index` exists on `table`.
pub async fn index_exists(
    tx: &mut Transaction<'_>,
    table: &str,
    index: &str,
) -> Result<bool, DbError> {
    let q = match tx.backend() {
        Backend::Sqlite => {
            sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?")
        }
        Backend::Postgres => sql("SELECT indexname FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = ? AND indexname = ?"),
        Backend::MySql => sql("SELECT index_name FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?"),
    };
    Ok(tx
        .fetch_optional(q.bind(table).bind(index))
        .await?
        .is_some())
}

/// `DROP TABLE IF EXISTS`.
pub async fn drop_table_if_exists(tx: &mut Transaction<'_>, table: &str) -> Result<(), DbError> {
    let backend = tx.backend();
    tx.execute(sql(format!(
        "DROP TABLE IF EXISTS {}",
        quote(backend, table)
    )))
    .await?;
    Ok(())
}

/// Changes column `column` of a table to its definition in `after` (type, nullability,
/// server default): `ALTER TABLE` on PostgreSQL and MySQL, a rebuild on SQLite.
pub async fn alter_column(
    tx: &mut Transaction<'_>,
    after: &Table,
    column: &str,
) -> Result<(), DbError> {
    let backend = tx.backend();
    let c = after
        .get(column)
        .ok_or_else(|| DbError::Schema(format!("no column {column} in {}", after.name)))?;
    match backend {
        Backend::Sqlite => rebuild_sqlite_table(tx, after).await,
        Backend::Postgres => {
            let t = quote(backend, after.name);
            let n = quote(backend, c.name);
            let ty = match c.ty {
                ColumnType::String(len) => format!("VARCHAR({len})"),
                ColumnType::Integer => "INTEGER".into(),
                ColumnType::Boolean => "BOOLEAN".into(),
                ColumnType::DateTime | ColumnType::DateTimeMicros => {
                    "TIMESTAMP WITHOUT TIME ZONE".into()
                }
                ColumnType::Text => "TEXT".into(),
            };
            let mut actions = vec![format!("ALTER COLUMN {n} TYPE {ty}")];
            actions.push(if c.nullable_on(backend) {
                format!("ALTER COLUMN {n} DROP NOT NULL")
            } else {
                format!("ALTER COLUMN {n} SET NOT NULL")
            });
            actions.push(match c.default {
                Some(d) => format!(
                    "ALTER COLUMN {n} SET DEFAULT {}",
                    render_default(backend, d)
                ),
                None => format!("ALTER COLUMN {n} DROP DEFAULT"),
            });
            tx.execute(sql(format!("ALTER TABLE {t} {}", actions.join(", "))))
                .await?;
            Ok(())
        }
        Backend::MySql => {
            let def = column_def(backend, c, after.autoincrement() == Some(c.name));
            tx.execute(sql(format!(
                "ALTER TABLE {} MODIFY {def}",
                quote(backend, after.name)
            )))
            .await?;
            Ok(())
        }
    }
}

/// SQLite's ALTER: `CREATE TABLE _alembic_tmp_<t>` with the new definition, copy the rows,
/// drop the old table, rename, recreate the indexes — alembic's batch "move and copy".
/// Runs with foreign keys off (see [`crate::migration`]).
pub async fn rebuild_sqlite_table(tx: &mut Transaction<'_>, after: &Table) -> Result<(), DbError> {
    let b = Backend::Sqlite;
    let tmp = format!("_alembic_tmp_{}", after.name);
    let existing: Vec<String> = tx
        .fetch_all(sql(format!("PRAGMA table_info({})", quote(b, after.name))))
        .await?
        .iter()
        .map(|r| r.get::<String>("name"))
        .collect::<Result<_, _>>()?;
    let cols: Vec<&str> = after
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|n| existing.iter().any(|e| e == n))
        .collect();
    tx.execute(sql(after.create_table_sql(b, &tmp, false)))
        .await?;
    tx.execute(sql(format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
        quote(b, &tmp),
        quote(b, after.name),
        cols = list(b, &cols)
    )))
    .await?;
    tx.execute(sql(format!("DROP TABLE {}", quote(b, after.name))))
        .await?;
    tx.execute(sql(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote(b, &tmp),
        quote(b, after.name)
    )))
    .await?;
    for i in &after.indexes {
        tx.execute(sql(create_index_sql(b, after.name, i))).await?;
    }
    Ok(())
}

pub(crate) fn table_exists_query(backend: Backend, table: &str) -> Query {
    match backend {
        Backend::Sqlite => sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"),
        Backend::Postgres => sql("SELECT table_name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = ?"),
        Backend::MySql => sql("SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = ?"),
    }
    .bind(table)
}

pub(crate) fn table_names_query(backend: Backend) -> Query {
    match backend {
        Backend::Sqlite => {
            sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
        Backend::Postgres => sql(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        ),
        Backend::MySql => sql("SELECT table_name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers() -> Table {
        Table::new("workers")
            .column(datetime("created_at"))
            .column(Column::new("updated_at", ColumnType::DateTimeMicros))
            .column(datetime("deleted_at"))
            .column(boolean("deleted"))
            .column(integer("id"))
            .column(string("resource_type", 40).not_null())
            .column(integer("service_id"))
            .column(
                integer("race_preventer")
                    .not_null()
                    .default(ServerDefault::Int(0)),
            )
            .primary_key(&["id"])
            .unique(&["resource_type", "service_id"])
            .foreign_key("service_id", "services.id")
            .ix("service_id")
    }

    #[test]
    fn sqlite_ddl() {
        let s = workers().create_statements(Backend::Sqlite);
        assert_eq!(
            s[0],
            "CREATE TABLE \"workers\" (\n\t\"created_at\" DATETIME, \n\t\"updated_at\" DATETIME, \n\t\
             \"deleted_at\" DATETIME, \n\t\"deleted\" BOOLEAN, \n\t\"id\" INTEGER NOT NULL, \n\t\
             \"resource_type\" VARCHAR(40) NOT NULL, \n\t\"service_id\" INTEGER, \n\t\
             \"race_preventer\" INTEGER DEFAULT 0 NOT NULL, \n\tPRIMARY KEY (\"id\"), \n\t\
             UNIQUE (\"resource_type\", \"service_id\"), \n\t\
             FOREIGN KEY(\"service_id\") REFERENCES \"services\" (\"id\")\n)"
        );
        assert_eq!(
            s[1],
            "CREATE INDEX \"ix_workers_service_id\" ON \"workers\" (\"service_id\")"
        );
    }

    #[test]
    fn postgres_ddl_uses_serial_and_timestamps() {
        let s = workers().create_statements(Backend::Postgres);
        assert!(s[0].contains("\"id\" SERIAL NOT NULL"), "{}", s[0]);
        assert!(
            s[0].contains("\"updated_at\" TIMESTAMP WITHOUT TIME ZONE,"),
            "{}",
            s[0]
        );
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn mysql_ddl_inlines_keys() {
        let s = workers().create_statements(Backend::MySql);
        assert_eq!(s.len(), 1);
        assert!(
            s[0].contains("`id` INTEGER NOT NULL AUTO_INCREMENT"),
            "{}",
            s[0]
        );
        assert!(s[0].contains("`updated_at` DATETIME(6),"), "{}", s[0]);
        assert!(
            s[0].contains("KEY `ix_workers_service_id` (`service_id`)"),
            "{}",
            s[0]
        );
        assert!(
            s[0].ends_with(") ENGINE=InnoDB DEFAULT CHARSET=utf8"),
            "{}",
            s[0]
        );
    }

    #[test]
    fn bool_checks_only_where_booleans_are_integers() {
        let t = Table::new("q")
            .soft_delete_columns_checked()
            .column(integer("id"))
            .primary_key(&["id"]);
        let lite = &t.create_statements(Backend::Sqlite)[0];
        assert!(lite.contains("CHECK (\"deleted\" IN (0, 1))"), "{lite}");
        let my = &t.create_statements(Backend::MySql)[0];
        assert!(my.contains("CHECK (`deleted` IN (0, 1))"), "{my}");
        let pg = &t.create_statements(Backend::Postgres)[0];
        assert!(!pg.contains("CHECK"), "{pg}");
        assert!(!t
            .create_table_sql(Backend::Sqlite, "q", false)
            .contains("CHECK"));
    }

    #[test]
    fn defaults_render_per_backend() {
        let t = Table::new("v")
            .column(string("id", 36))
            .column(boolean("use_quota").not_null().default(ServerDefault::True))
            .primary_key(&["id"]);
        assert!(t.create_statements(Backend::Postgres)[0]
            .contains("\"use_quota\" BOOLEAN DEFAULT true NOT NULL"));
        assert!(t.create_statements(Backend::Sqlite)[0]
            .contains("\"use_quota\" BOOLEAN DEFAULT 1 NOT NULL"));
        assert!(
            t.create_statements(Backend::MySql)[0].contains("`use_quota` BOOL DEFAULT 1 NOT NULL")
        );
        assert!(t.create_statements(Backend::Sqlite)[0].contains("\"id\" VARCHAR(36) NOT NULL, "));
        // cinder's encryption_id: a key declared nullable stays so where the backend allows.
        let e = t.with_column("id", |c| c.nullable = true);
        assert!(e.create_statements(Backend::Sqlite)[0].contains("\"id\" VARCHAR(36), "));
    }
}
