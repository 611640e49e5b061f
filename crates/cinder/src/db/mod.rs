//! cinder's database (`cinder/db/`): the schema, as upstream's alembic migrations build it,
//! on SQLite, PostgreSQL or MySQL through `openstack-db`. [`migration`] is
//! `cinder/db/migration.py` (`db_sync`, `db_version`); [`migrations::versions`] holds one
//! module per upstream revision.

pub mod api;
pub mod migration;
pub mod migrations;

pub use migration::{check_schema, db_sync, db_sync_with, db_version, SeedQuotas, HEAD};
