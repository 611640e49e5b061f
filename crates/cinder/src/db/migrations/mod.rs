//! `cinder/db/migrations/`: the alembic history of cinder's schema, as a list openstack-db
//! applies and records in `alembic_version` under upstream's revision ids.

pub mod versions;

use std::sync::Arc;

use openstack_db::{Migration, Migrations};

use crate::db::migration::SeedQuotas;
use versions::*;

/// Every migration up to cinder 29.0.0's head, oldest first. `seed` gives the quota limits
/// the data migrations write into the `default` quota class.
pub fn all(seed: SeedQuotas) -> Migrations {
    let seed = Arc::new(seed);
    let initial_seed = seed.clone();
    let backup_seed = seed;
    Migrations::new(
        "cinder-manage",
        vec![
            Migration::new(
                r921e1a36b076_initial::REVISION,
                None,
                "Initial migration.",
                move |tx| {
                    let seed = initial_seed.clone();
                    Box::pin(async move { r921e1a36b076_initial::upgrade(tx, &seed).await })
                },
            ),
            Migration::new(
                rc92a3e68beed_make_shared_targets_nullable::REVISION,
                Some(r921e1a36b076_initial::REVISION),
                "Make shared_targets nullable",
                |tx| Box::pin(rc92a3e68beed_make_shared_targets_nullable::upgrade(tx)),
            ),
            Migration::new(
                rdaa98075b90d_add_resource_indexes::REVISION,
                Some(rc92a3e68beed_make_shared_targets_nullable::REVISION),
                "Add resource indexes",
                |tx| Box::pin(rdaa98075b90d_add_resource_indexes::upgrade(tx)),
            ),
            Migration::new(
                r89aa6f9639f9_drop_legacy_migrate_version_table::REVISION,
                Some(rdaa98075b90d_add_resource_indexes::REVISION),
                "Drop legacy migrate_version table",
                |tx| Box::pin(r89aa6f9639f9_drop_legacy_migrate_version_table::upgrade(tx)),
            ),
            Migration::new(
                rb8660621f1b9_update_reservations_resource::REVISION,
                Some(r89aa6f9639f9_drop_legacy_migrate_version_table::REVISION),
                "Update reservations resource",
                |tx| Box::pin(rb8660621f1b9_update_reservations_resource::upgrade(tx)),
            ),
            Migration::new(
                r9ab1b092a404_make_use_quota_non_nullable::REVISION,
                Some(rb8660621f1b9_update_reservations_resource::REVISION),
                "Make use_quota non nullable",
                |tx| Box::pin(r9ab1b092a404_make_use_quota_non_nullable::upgrade(tx)),
            ),
            Migration::new(
                rb7b88f50aab5_remove_quota_consistencygroups::REVISION,
                Some(r9ab1b092a404_make_use_quota_non_nullable::REVISION),
                "Remove quota consistencygroups",
                |tx| Box::pin(rb7b88f50aab5_remove_quota_consistencygroups::upgrade(tx)),
            ),
            Migration::new(
                r9c74c1c6971f_quota_add_backup_defaults_in_quota_class::REVISION,
                Some(rb7b88f50aab5_remove_quota_consistencygroups::REVISION),
                "Quota: Add backup defaults in quota class",
                move |tx| {
                    let seed = backup_seed.clone();
                    Box::pin(async move {
                        r9c74c1c6971f_quota_add_backup_defaults_in_quota_class::upgrade(tx, &seed)
                            .await
                    })
                },
            ),
        ],
    )
}
