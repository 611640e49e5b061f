//! `921e1a36b076_initial.py`: the squashed initial schema — every table cinder has, as
//! alembic's `op.create_table` calls declare them — plus the seed rows: the `default` quota
//! class, the `workers` sub-second sentinel, the `default_cgsnapshot_type` group type and the
//! `__DEFAULT__` volume type.

use openstack_db::schema::{
    boolean, create_table, datetime, integer, string, text, Column, ColumnType, ServerDefault,
    Table,
};
use openstack_db::{sql, utcnow, DbError, Transaction};

use crate::db::migration::SeedQuotas;

pub const REVISION: &str = "921e1a36b076";

/// `group_types.DEFAULT_CGSNAPSHOT_TYPE`.
pub const DEFAULT_CGSNAPSHOT_TYPE: &str = "default_cgsnapshot_type";
/// `volume_types.DEFAULT_VOLUME_TYPE`.
pub const DEFAULT_VOLUME_TYPE: &str = "__DEFAULT__";

pub fn services() -> Table {
    Table::new("services")
        .soft_delete_columns()
        .column(integer("id"))
        .column(string("host", 255))
        .column(string("binary", 255))
        .column(string("topic", 255))
        .column(integer("report_count").not_null())
        .column(boolean("disabled"))
        .column(string("availability_zone", 255))
        .column(string("disabled_reason", 255))
        .column(datetime("modified_at"))
        .column(string("rpc_current_version", 36))
        .column(string("object_current_version", 36))
        .column(string("replication_status", 36))
        .column(boolean("frozen"))
        .column(string("active_backend_id", 255))
        .column(string("cluster_name", 255))
        .column(string("uuid", 36))
        .primary_key(&["id"])
        .unique_index("services_uuid_idx", &["uuid"])
}

pub fn consistencygroups() -> Table {
    Table::new("consistencygroups")
        .soft_delete_columns_checked()
        .column(string("id", 36))
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("host", 255))
        .column(string("availability_zone", 255))
        .column(string("name", 255))
        .column(string("description", 255))
        .column(string("volume_type_id", 255))
        .column(string("status", 255))
        .column(string("cgsnapshot_id", 36))
        .column(string("source_cgid", 36))
        .column(string("cluster_name", 255))
        .primary_key(&["id"])
}

pub fn cgsnapshots() -> Table {
    Table::new("cgsnapshots")
        .soft_delete_columns_checked()
        .column(string("id", 36))
        .column(string("consistencygroup_id", 36).not_null())
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("name", 255))
        .column(string("description", 255))
        .column(string("status", 255))
        .primary_key(&["id"])
        .foreign_key("consistencygroup_id", "consistencygroups.id")
        .ix("consistencygroup_id")
}

pub fn groups() -> Table {
    Table::new("groups")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("cluster_name", 255))
        .column(string("host", 255))
        .column(string("availability_zone", 255))
        .column(string("name", 255))
        .column(string("description", 255))
        .column(string("group_type_id", 36))
        .column(string("status", 255))
        .column(string("group_snapshot_id", 36))
        .column(string("source_group_id", 36))
        .column(string("replication_status", 255))
        .primary_key(&["id"])
}

pub fn group_snapshots() -> Table {
    Table::new("group_snapshots")
        .soft_delete_columns_checked()
        .column(string("id", 36))
        .column(string("group_id", 36).not_null())
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("name", 255))
        .column(string("description", 255))
        .column(string("status", 255))
        .column(string("group_type_id", 36))
        .primary_key(&["id"])
        .foreign_key("group_id", "groups.id")
        .ix("group_id")
}

pub fn volumes() -> Table {
    Table::new("volumes")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("ec2_id", 255))
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("host", 255))
        .column(integer("size"))
        .column(string("availability_zone", 255))
        .column(string("status", 255))
        .column(string("attach_status", 255))
        .column(datetime("scheduled_at"))
        .column(datetime("launched_at"))
        .column(datetime("terminated_at"))
        .column(string("display_name", 255))
        .column(string("display_description", 255))
        .column(string("provider_location", 256))
        .column(string("provider_auth", 256))
        .column(string("snapshot_id", 36))
        .column(string("volume_type_id", 36).not_null())
        .column(string("source_volid", 36))
        .column(boolean("bootable"))
        .column(string("provider_geometry", 255))
        .column(string("_name_id", 36))
        .column(string("encryption_key_id", 36))
        .column(string("migration_status", 255))
        .column(string("replication_status", 255))
        .column(string("replication_extended_status", 255))
        .column(string("replication_driver_data", 255))
        .column(string("consistencygroup_id", 36))
        .column(string("provider_id", 255))
        .column(boolean("multiattach"))
        .column(string("previous_status", 255))
        .column(string("cluster_name", 255))
        .column(string("group_id", 36))
        .column(string("service_uuid", 36))
        .column(boolean("shared_targets"))
        .column(boolean("use_quota"))
        .primary_key(&["id"])
        .foreign_key("consistencygroup_id", "consistencygroups.id")
        .foreign_key("group_id", "groups.id")
        .foreign_key("service_uuid", "services.uuid")
        .ix("consistencygroup_id")
        .ix("group_id")
        .index("volumes_service_uuid_idx", &["service_uuid", "deleted"])
}

pub fn volume_attachment() -> Table {
    Table::new("volume_attachment")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("volume_id", 36).not_null())
        .column(string("attached_host", 255))
        .column(string("instance_uuid", 36))
        .column(string("mountpoint", 255))
        .column(datetime("attach_time"))
        .column(datetime("detach_time"))
        .column(string("attach_mode", 36))
        .column(string("attach_status", 255))
        .column(text("connection_info"))
        .column(text("connector"))
        .primary_key(&["id"])
        .foreign_key("volume_id", "volumes.id")
        .ix("volume_id")
}

/// The key/value tables (`volume_metadata`, `snapshot_metadata`, …): soft-delete columns,
/// an integer id, the owner's id (NOT NULL, indexed, a foreign key), `key`, `value`.
fn key_value(name: &'static str, owner: &'static str, reference: &'static str) -> Table {
    Table::new(name)
        .soft_delete_columns()
        .column(integer("id"))
        .column(string(owner, 36).not_null())
        .column(string("key", 255))
        .column(string("value", 255))
        .primary_key(&["id"])
        .foreign_key(owner, reference)
        .ix(owner)
}

pub fn attachment_specs() -> Table {
    key_value("attachment_specs", "attachment_id", "volume_attachment.id")
}

pub fn snapshots() -> Table {
    Table::new("snapshots")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("volume_id", 36).not_null())
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("status", 255))
        .column(string("progress", 255))
        .column(integer("volume_size"))
        .column(datetime("scheduled_at"))
        .column(string("display_name", 255))
        .column(string("display_description", 255))
        .column(string("provider_location", 255))
        .column(string("encryption_key_id", 36))
        .column(string("volume_type_id", 36).not_null())
        .column(string("cgsnapshot_id", 36))
        .column(string("provider_id", 255))
        .column(string("provider_auth", 255))
        .column(string("group_snapshot_id", 36))
        .column(boolean("use_quota"))
        .primary_key(&["id"])
        .named_foreign_key("snapshots_volume_id_fkey", "volume_id", "volumes.id")
        .foreign_key("cgsnapshot_id", "cgsnapshots.id")
        .foreign_key("group_snapshot_id", "group_snapshots.id")
        .ix("volume_id")
        .ix("cgsnapshot_id")
        .ix("group_snapshot_id")
}

pub fn snapshot_metadata() -> Table {
    key_value("snapshot_metadata", "snapshot_id", "snapshots.id")
}

pub fn quality_of_service_specs() -> Table {
    Table::new("quality_of_service_specs")
        .soft_delete_columns_checked()
        .column(string("id", 36))
        .column(string("specs_id", 36))
        .column(string("key", 255))
        .column(string("value", 255))
        .primary_key(&["id"])
        .foreign_key("specs_id", "quality_of_service_specs.id")
        .ix("specs_id")
}

pub fn volume_types() -> Table {
    Table::new("volume_types")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("name", 255))
        .column(string("qos_specs_id", 36))
        .column(boolean("is_public"))
        .column(string("description", 255))
        .primary_key(&["id"])
        .foreign_key("qos_specs_id", "quality_of_service_specs.id")
        .ix("qos_specs_id")
}

pub fn volume_type_projects() -> Table {
    Table::new("volume_type_projects")
        .column(integer("id"))
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(string("volume_type_id", 36))
        .column(string("project_id", 255))
        .column(integer("deleted"))
        .primary_key(&["id"])
        .unique(&["volume_type_id", "project_id", "deleted"])
        .foreign_key("volume_type_id", "volume_types.id")
}

pub fn volume_metadata() -> Table {
    key_value("volume_metadata", "volume_id", "volumes.id")
}

pub fn volume_type_extra_specs() -> Table {
    Table::new("volume_type_extra_specs")
        .soft_delete_columns()
        .column(integer("id"))
        .column(string("volume_type_id", 36).not_null())
        .column(string("key", 255))
        .column(string("value", 255))
        .primary_key(&["id"])
        .named_foreign_key(
            "volume_type_extra_specs_ibfk_1",
            "volume_type_id",
            "volume_types.id",
        )
        .ix("volume_type_id")
}

pub fn quotas() -> Table {
    Table::new("quotas")
        .column(integer("id"))
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(boolean("deleted"))
        .column(string("project_id", 255))
        .column(string("resource", 255).not_null())
        .column(integer("hard_limit"))
        .column(integer("allocated"))
        .primary_key(&["id"])
}

pub fn quota_classes() -> Table {
    Table::new("quota_classes")
        .soft_delete_columns_checked()
        .column(integer("id"))
        .column(string("class_name", 255))
        .column(string("resource", 255))
        .column(integer("hard_limit"))
        .primary_key(&["id"])
        .ix("class_name")
}

/// As created; the same migration then widens `resource` to 300 ([`quota_usages`]).
fn quota_usages_created() -> Table {
    Table::new("quota_usages")
        .soft_delete_columns_checked()
        .column(integer("id"))
        .column(string("project_id", 255))
        .column(string("resource", 255))
        .column(integer("in_use").not_null())
        .column(integer("reserved").not_null())
        .column(integer("until_refresh"))
        .column(boolean("race_preventer"))
        .primary_key(&["id"])
        .unique(&["project_id", "resource", "race_preventer"])
        .ix("project_id")
        .index(
            "quota_usage_project_resource_idx",
            &["project_id", "resource"],
        )
}

/// `quota_usages` at the end of this migration.
pub fn quota_usages() -> Table {
    quota_usages_created().with_column("resource", |c| c.ty = ColumnType::String(300))
}

pub fn reservations() -> Table {
    Table::new("reservations")
        .soft_delete_columns_checked()
        .column(integer("id"))
        .column(string("uuid", 36).not_null())
        .column(integer("usage_id"))
        .column(string("project_id", 255))
        .column(string("resource", 255))
        .column(integer("delta").not_null())
        .column(datetime("expire"))
        .column(integer("allocated_id"))
        .primary_key(&["id"])
        .foreign_key("usage_id", "quota_usages.id")
        .foreign_key("allocated_id", "quotas.id")
        .ix("usage_id")
        .ix("project_id")
        .ix("allocated_id")
        .index("reservations_deleted_expire_idx", &["deleted", "expire"])
        .index("reservations_deleted_uuid_idx", &["deleted", "uuid"])
}

pub fn volume_glance_metadata() -> Table {
    Table::new("volume_glance_metadata")
        .soft_delete_columns_checked()
        .column(integer("id"))
        .column(string("volume_id", 36))
        .column(string("snapshot_id", 36))
        .column(string("key", 255))
        .column(text("value"))
        .primary_key(&["id"])
        .foreign_key("volume_id", "volumes.id")
        .foreign_key("snapshot_id", "snapshots.id")
        .ix("volume_id")
        .ix("snapshot_id")
}

pub fn backups() -> Table {
    Table::new("backups")
        .soft_delete_columns_checked()
        .column(string("id", 36))
        .column(string("volume_id", 36).not_null())
        .column(string("user_id", 255))
        .column(string("project_id", 255))
        .column(string("host", 255))
        .column(string("availability_zone", 255))
        .column(string("display_name", 255))
        .column(string("display_description", 255))
        .column(string("container", 255))
        .column(string("status", 255))
        .column(string("fail_reason", 255))
        .column(string("service_metadata", 255))
        .column(string("service", 255))
        .column(integer("size"))
        .column(integer("object_count"))
        .column(string("parent_id", 36))
        .column(string("temp_volume_id", 36))
        .column(string("temp_snapshot_id", 36))
        .column(integer("num_dependent_backups"))
        .column(string("snapshot_id", 36))
        .column(datetime("data_timestamp"))
        .column(string("restore_volume_id", 36))
        .column(string("encryption_key_id", 36))
        .primary_key(&["id"])
}

pub fn backup_metadata() -> Table {
    key_value("backup_metadata", "backup_id", "backups.id")
}

pub fn transfers() -> Table {
    Table::new("transfers")
        .soft_delete_columns()
        .column(string("id", 36))
        .column(string("volume_id", 36).not_null())
        .column(string("display_name", 255))
        .column(string("salt", 255))
        .column(string("crypt_hash", 255))
        .column(datetime("expires_at"))
        .column(boolean("no_snapshots"))
        .column(string("source_project_id", 255))
        .column(string("destination_project_id", 255))
        .column(boolean("accepted"))
        .primary_key(&["id"])
        .foreign_key("volume_id", "volumes.id")
        .ix("volume_id")
}

pub fn encryption() -> Table {
    Table::new("encryption")
        .soft_delete_columns_checked()
        .column(string("cipher", 255))
        .column(string("control_location", 255).not_null_except_sqlite())
        .column(integer("key_size"))
        .column(string("provider", 255).not_null_except_sqlite())
        .column(string("volume_type_id", 36).not_null())
        .column(string("encryption_id", 36))
        .primary_key(&["encryption_id"])
        // Declared nullable=True upstream: SQLite keeps it so, the others make a key NOT NULL.
        .with_column("encryption_id", |c| c.nullable = true)
}

pub fn volume_admin_metadata() -> Table {
    key_value("volume_admin_metadata", "volume_id", "volumes.id")
}

pub fn driver_initiator_data() -> Table {
    Table::new("driver_initiator_data")
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(integer("id"))
        .column(string("initiator", 255).not_null())
        .column(string("namespace", 255).not_null())
        .column(string("key", 255).not_null())
        .column(string("value", 255))
        .primary_key(&["id"])
        .unique(&["initiator", "namespace", "key"])
        .ix("initiator")
}

pub fn image_volume_cache_entries() -> Table {
    Table::new("image_volume_cache_entries")
        .column(datetime("image_updated_at"))
        .column(integer("id"))
        .column(string("host", 255).not_null())
        .column(string("image_id", 36).not_null())
        .column(string("volume_id", 36).not_null())
        .column(integer("size").not_null())
        .column(datetime("last_used").not_null())
        .column(string("cluster_name", 255))
        .primary_key(&["id"])
        .ix("host")
        .ix("image_id")
}

pub fn messages() -> Table {
    Table::new("messages")
        .column(string("id", 36))
        .column(string("project_id", 255).not_null())
        .column(string("request_id", 255))
        .column(string("resource_type", 36))
        .column(string("resource_uuid", 255))
        .column(string("event_id", 255).not_null())
        .column(string("message_level", 255).not_null())
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(boolean("deleted"))
        .column(datetime("expires_at"))
        .column(string("detail_id", 10))
        .column(string("action_id", 10))
        .primary_key(&["id"])
        .ix("expires_at")
}

pub fn clusters() -> Table {
    Table::new("clusters")
        .soft_delete_columns()
        .column(integer("id"))
        .column(string("name", 255).not_null())
        .column(string("binary", 255).not_null())
        .column(boolean("disabled"))
        .column(string("disabled_reason", 255))
        .column(integer("race_preventer").not_null())
        .column(string("replication_status", 36))
        .column(string("active_backend_id", 255))
        .column(boolean("frozen").not_null().default(ServerDefault::False))
        .primary_key(&["id"])
        .unique(&["name", "binary", "race_preventer"])
}

/// `updated_at` keeps microseconds on MySQL (`DATETIME(6)`, altered later in the same
/// migration upstream; created so directly here).
pub fn workers() -> Table {
    Table::new("workers")
        .column(datetime("created_at"))
        .column(Column::new("updated_at", ColumnType::DateTimeMicros))
        .column(datetime("deleted_at"))
        .column(boolean("deleted"))
        .column(integer("id"))
        .column(string("resource_type", 40).not_null())
        .column(string("resource_id", 36).not_null())
        .column(string("status", 255).not_null())
        .column(integer("service_id"))
        .column(
            integer("race_preventer")
                .not_null()
                .default(ServerDefault::Int(0)),
        )
        .primary_key(&["id"])
        .unique(&["resource_type", "resource_id"])
        .foreign_key("service_id", "services.id")
        .ix("service_id")
}

pub fn group_types() -> Table {
    Table::new("group_types")
        .column(string("id", 36))
        .column(string("name", 255).not_null())
        .column(string("description", 255))
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(boolean("deleted"))
        .column(boolean("is_public"))
        .primary_key(&["id"])
}

pub fn group_type_specs() -> Table {
    Table::new("group_type_specs")
        .column(integer("id"))
        .column(string("key", 255))
        .column(string("value", 255))
        .column(string("group_type_id", 36).not_null())
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(boolean("deleted"))
        .primary_key(&["id"])
        .foreign_key("group_type_id", "group_types.id")
        .ix("group_type_id")
}

pub fn group_type_projects() -> Table {
    Table::new("group_type_projects")
        .column(integer("id"))
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(string("group_type_id", 36))
        .column(string("project_id", 255))
        .column(boolean("deleted").bool_check())
        .primary_key(&["id"])
        .unique(&["group_type_id", "project_id", "deleted"])
        .foreign_key("group_type_id", "group_types.id")
}

pub fn group_volume_type_mapping() -> Table {
    Table::new("group_volume_type_mapping")
        .soft_delete_columns()
        .column(integer("id"))
        .column(string("volume_type_id", 36).not_null())
        .column(string("group_id", 36).not_null())
        .primary_key(&["id"])
        .foreign_key("volume_type_id", "volume_types.id")
        .foreign_key("group_id", "groups.id")
        .ix("volume_type_id")
        .ix("group_id")
}

pub fn default_volume_types() -> Table {
    Table::new("default_volume_types")
        .column(datetime("created_at"))
        .column(datetime("updated_at"))
        .column(datetime("deleted_at"))
        .column(string("volume_type_id", 36))
        .column(string("project_id", 255))
        .column(boolean("deleted").bool_check())
        .primary_key(&["project_id"])
        .foreign_key("volume_type_id", "volume_types.id")
        .ix("volume_type_id")
}

/// Every table in upstream's creation order (parents before children, which MySQL and
/// PostgreSQL need for the foreign keys).
fn tables() -> Vec<Table> {
    vec![
        services(),
        consistencygroups(),
        cgsnapshots(),
        groups(),
        group_snapshots(),
        volumes(),
        volume_attachment(),
        attachment_specs(),
        snapshots(),
        snapshot_metadata(),
        quality_of_service_specs(),
        volume_types(),
        volume_type_projects(),
        volume_metadata(),
        volume_type_extra_specs(),
        quotas(),
        quota_classes(),
        quota_usages_created(),
        reservations(),
        volume_glance_metadata(),
        backups(),
        backup_metadata(),
        transfers(),
        encryption(),
        volume_admin_metadata(),
        driver_initiator_data(),
        image_volume_cache_entries(),
        messages(),
        clusters(),
        workers(),
        group_types(),
        group_type_specs(),
        group_type_projects(),
        group_volume_type_mapping(),
        default_volume_types(),
    ]
}

pub async fn upgrade(tx: &mut Transaction<'_>, seed: &SeedQuotas) -> Result<(), DbError> {
    for table in tables() {
        create_table(tx, &table).await?;
    }
    if tx.backend() == openstack_db::Backend::MySql {
        // Upstream converts the database's default character set to utf8 (utf8mb3).
        tx.execute(sql("ALTER DATABASE CHARACTER SET utf8")).await?;
    }
    // "Increase the resource column size to the quota_usages table."
    openstack_db::schema::alter_column(tx, &quota_usages(), "resource").await?;

    let now = utcnow();
    for (resource, limit) in [
        ("volumes", seed.quota_volumes),
        ("snapshots", seed.quota_snapshots),
        ("gigabytes", seed.quota_gigabytes),
        ("per_volume_gigabytes", -1),
        ("groups", seed.quota_groups),
    ] {
        tx.execute(
            sql("INSERT INTO quota_classes (created_at, class_name, resource, hard_limit, deleted) VALUES (?, ?, ?, ?, ?)")
                .bind(now)
                .bind("default")
                .bind(resource)
                .bind(limit)
                .bind(false),
        )
        .await?;
    }

    // The sentinel that tells whether the database keeps sub-second precision.
    let sentinel = now.replace_microsecond(123).unwrap_or(now);
    tx.execute(
        sql("INSERT INTO workers (created_at, updated_at, deleted, resource_type, resource_id, status) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(sentinel)
            .bind(sentinel)
            .bind(false)
            .bind("SENTINEL")
            .bind("SUB-SECOND")
            .bind("OK"),
    )
    .await?;

    let group_type_id = uuid::Uuid::new_v4().to_string();
    tx.execute(
        sql("INSERT INTO group_types (id, name, description, created_at, updated_at, deleted, is_public) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&group_type_id)
            .bind(DEFAULT_CGSNAPSHOT_TYPE)
            .bind("Default group type for migrating cgsnapshot")
            .bind(now)
            .bind(now)
            .bind(false)
            .bind(true),
    )
    .await?;
    tx.execute(
        sql(r#"INSERT INTO group_type_specs ("key", value, group_type_id, created_at, updated_at, deleted) VALUES (?, ?, ?, ?, ?, ?)"#)
            .bind("consistent_group_snapshot_enabled")
            .bind("<is> True")
            .bind(&group_type_id)
            .bind(now)
            .bind(now)
            .bind(false),
    )
    .await?;

    tx.execute(
        sql("INSERT INTO volume_types (id, name, description, created_at, updated_at, deleted, is_public) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(DEFAULT_VOLUME_TYPE)
            .bind("Default Volume Type")
            .bind(now)
            .bind(now)
            .bind(false)
            .bind(true),
    )
    .await?;
    Ok(())
}
