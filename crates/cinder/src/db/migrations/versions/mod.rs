//! `cinder/db/migrations/versions/`: one module per alembic revision, oldest first. Each
//! exposes `REVISION`, `upgrade`, and the tables it changes as they are after it (SQLite
//! rebuilds a table from that definition).

pub mod r89aa6f9639f9_drop_legacy_migrate_version_table;
pub mod r921e1a36b076_initial;
pub mod r9ab1b092a404_make_use_quota_non_nullable;
pub mod r9c74c1c6971f_quota_add_backup_defaults_in_quota_class;
pub mod rb7b88f50aab5_remove_quota_consistencygroups;
pub mod rb8660621f1b9_update_reservations_resource;
pub mod rc92a3e68beed_make_shared_targets_nullable;
pub mod rdaa98075b90d_add_resource_indexes;
