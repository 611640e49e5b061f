//! The volume actions of `cinder/volume/api.py` (`reserve_volume`, `unreserve_volume`,
//! `begin_detaching`, `roll_detaching`, `attach`, `detach`, `initialize_connection`,
//! `terminate_connection`, `extend`, `retype`, `update_readonly_flag`, `update` for
//! `bootable`) and the admin actions of `cinder/api/contrib/admin_actions.py`
//! (`os-reset_status`, `os-force_delete`): policy, status preconditions as compare-and-swap
//! updates with upstream's refusal texts, and quota moved in the same transaction.
//!
//! What upstream hands to the scheduler by cast (extend, retype) is left in the state the API
//! alone leaves it (`extending`, `retyping`) until the RPC layer (next issue) carries it on.
//! What upstream asks a volume service by call (attach, detach, initialize and terminate
//! connection) is refused after upstream's API-side checks with the 500 a caller gets when
//! no volume service answers (`MessagingTimeout`), without waiting for the timeout.

use std::collections::BTreeMap;

use openstack_db::{Transaction, Value};
use openstack_service::RequestContext;

use crate::api::v3::state::{write, ApiState};
use crate::db::api::volume_actions::{self as adb, Expect, SetTo};
use crate::db::api::volumes::{self as db, VolumeRow};
use crate::exception::CinderError;
use crate::policies::volume_actions as policy;
use crate::policies::volumes as vol_policy;
use crate::volume::api::target;
use crate::volume::volume_types::{self, VolumeType};

/// `AVAILABLE_MIGRATION_STATUS`: a volume with one of these is not being migrated.
const AVAILABLE_MIGRATION_STATUS: [&str; 3] = ["deleting", "error", "success"];

/// The volume statuses a metadata or attach request refuses.
const MAINTENANCE: &str = "maintenance";

fn status(vol: &VolumeRow) -> &str {
    vol.status.as_deref().unwrap_or("None")
}

fn invalid(reason: impl Into<String>) -> CinderError {
    CinderError::InvalidVolume(reason.into())
}

/// What the API answers where upstream waits for a volume service that is not there.
fn no_volume_service(method: &str, vol: &VolumeRow) -> CinderError {
    let topic = match &vol.host {
        Some(h) => format!("cinder-volume.{h}"),
        None => "cinder-volume".to_string(),
    };
    CinderError::MessagingTimeout(format!(
        "Timed out waiting for a reply to {method} on topic {topic}: the RPC layer is not \
         available to cinder-api yet"
    ))
}

/// `utils.build_or_str`.
fn or_str(values: &[&str]) -> String {
    values.join(" or ")
}

/// Python's `str(bool)`.
pub fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// `volume_api.reserve_volume` (`os-reserve`): `available` (or `in-use` for a multiattach
/// volume) → `attaching`.
pub async fn reserve(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::RESERVE_POLICY, &target(vol))?;
    let multiattach = vol.multiattach.unwrap_or(false);
    let allowed: &[&str] = if multiattach {
        &["available", "in-use"]
    } else {
        &["available"]
    };
    let multi_expect = match vol.multiattach {
        Some(m) => Expect::In("multiattach", vec![Value::from(m)]),
        None => Expect::In("multiattach", vec![Value::from(None::<bool>)]),
    };
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let done = write(db_, |tx| {
        let (id, multi_expect) = (id.clone(), multi_expect.clone());
        Box::pin(async move {
            Ok(adb::conditional_update(
                tx,
                &id,
                &[("status", SetTo::Value(Value::from("attaching")))],
                &[Expect::one_of("status", allowed), multi_expect],
            )
            .await?)
        })
    })
    .await?;
    if !done {
        let msg = format!(
            "Volume status must be {} to reserve, but the status is {}.",
            or_str(allowed),
            status(vol)
        );
        tracing::error!("{msg}");
        return Err(invalid(msg));
    }
    tracing::info!("Reserve volume completed successfully.");
    Ok(())
}

/// `volume_api.unreserve_volume` (`os-unreserve`): `attaching` → `in-use` when the volume
/// has attachments, else `available`; nothing to do otherwise.
pub async fn unreserve(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::UNRESERVE_POLICY, &target(vol))?;
    unreserve_unchecked(state, vol).await
}

async fn unreserve_unchecked(state: &ApiState, vol: &VolumeRow) -> Result<(), CinderError> {
    const CASE: &str = "CASE WHEN EXISTS (SELECT 1 FROM volume_attachment WHERE \
        volume_attachment.volume_id = volumes.id AND volume_attachment.attach_status <> \
        'detached' AND volume_attachment.deleted = false) THEN 'in-use' ELSE 'available' END";
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let done = write(db_, |tx| {
        let id = id.clone();
        Box::pin(async move {
            Ok(adb::conditional_update(
                tx,
                &id,
                &[("status", SetTo::Sql(CASE))],
                &[Expect::one_of("status", &["attaching"])],
            )
            .await?)
        })
    })
    .await?;
    if done {
        tracing::info!("Unreserve volume completed successfully.");
    } else {
        tracing::debug!("Attempted to unreserve volume that was not reserved, nothing to do.");
    }
    Ok(())
}

/// `volume_api.begin_detaching` (`os-begin_detaching`): `in-use` and `attached`, not
/// migrating → `detaching`. A migrating volume is left alone without an error.
pub async fn begin_detaching(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::BEGIN_DETACHING_POLICY, &target(vol))?;
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let done = write(db_, |tx| {
        let id = id.clone();
        Box::pin(async move {
            Ok(adb::conditional_update(
                tx,
                &id,
                &[("status", SetTo::Value(Value::from("detaching")))],
                &[
                    Expect::one_of("status", &["in-use"]),
                    Expect::one_of("attach_status", &["attached"]),
                    Expect::null_or("migration_status", &AVAILABLE_MIGRATION_STATUS),
                ],
            )
            .await?)
        })
    })
    .await?;
    if !(done || is_migrating(vol)) {
        let msg = "Unable to detach volume. Volume status must be 'in-use' and attach_status \
                   must be 'attached' to detach.";
        tracing::error!("{msg}");
        return Err(invalid(msg));
    }
    tracing::info!("Begin detaching volume completed successfully.");
    Ok(())
}

fn is_migrating(vol: &VolumeRow) -> bool {
    match vol.migration_status.as_deref() {
        None => false,
        Some(m) => !AVAILABLE_MIGRATION_STATUS.contains(&m),
    }
}

/// `volume_api.roll_detaching` (`os-roll_detaching`): `detaching` → `in-use`; nothing
/// otherwise.
pub async fn roll_detaching(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::ROLL_DETACHING_POLICY, &target(vol))?;
    let db_ = state.db().await?;
    let id = vol.id.clone();
    write(db_, |tx| {
        let id = id.clone();
        Box::pin(async move {
            Ok(adb::conditional_update(
                tx,
                &id,
                &[("status", SetTo::Value(Value::from("in-use")))],
                &[Expect::one_of("status", &["detaching"])],
            )
            .await?)
        })
    })
    .await?;
    tracing::info!("Roll detaching of volume completed successfully.");
    Ok(())
}

/// What `os-attach` asks for.
#[derive(Clone, Debug)]
pub struct AttachRequest {
    pub instance_uuid: Option<String>,
    pub host_name: Option<String>,
    pub mountpoint: String,
    pub mode: String,
}

/// `volume_api.attach` (`os-attach`): refused in maintenance; the admin metadata
/// `readonly='False'` is added when missing (kept, as upstream keeps it, whatever follows);
/// a read-only volume only attaches `ro`. The attachment itself is the volume service's
/// `attach_volume` call.
pub async fn attach(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    req: &AttachRequest,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::ATTACH_POLICY, &target(vol))?;
    if status(vol) == MAINTENANCE {
        tracing::info!("Unable to attach volume, because it is in maintenance.");
        return Err(invalid(
            "The volume cannot be attached in maintenance mode.",
        ));
    }
    // `update_volume_admin_metadata(context.elevated(), ..., update=False)`: the elevated
    // context passes `volume:update_volume_admin_metadata` by definition.
    let db_ = state.db().await?;
    let id = vol.id.clone();
    let readonly = write(db_, |tx| {
        let id = id.clone();
        Box::pin(async move {
            let current = adb::admin_metadata_get(tx, &id).await?;
            match current.get("readonly") {
                Some(v) => Ok(v.clone()),
                None => {
                    db::admin_metadata_set(tx, &id, "readonly", "False").await?;
                    Ok("False".to_string())
                }
            }
        })
    })
    .await?;
    if readonly == "True" && req.mode != "ro" {
        return Err(CinderError::InvalidVolumeAttachMode {
            mode: req.mode.clone(),
            volume_id: vol.id.clone(),
        });
    }
    Err(no_volume_service("attach_volume", vol))
}

/// `volume_api.detach` (`os-detach`): the attachment must be one a user may remove
/// ([`attachment_deletion_allowed`]), the volume not in maintenance; the detach itself is
/// the volume service's `detach_volume` call.
pub async fn detach(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    attachment_id: Option<&str>,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::DETACH_POLICY, &target(vol))?;
    attachment_deletion_allowed(state, vol, attachment_id).await?;
    if status(vol) == MAINTENANCE {
        tracing::info!("Unable to detach volume, because it is in maintenance.");
        return Err(invalid(
            "The volume cannot be detached in maintenance mode.",
        ));
    }
    Err(no_volume_service("detach_volume", vol))
}

/// `attachment_deletion_allowed` (bug #2004555): a user may remove an attachment only when
/// no instance uses it. With no attachment named, a volume without attachments is fine and
/// one with a single attachment checks that one. An attachment with an instance and a
/// connection needs Nova's word upstream; without a Compute client this refuses it, as
/// upstream does when Nova confirms the instance uses it. (Service-token requests, which
/// upstream lets through, are not recognised yet.)
async fn attachment_deletion_allowed(
    state: &ApiState,
    vol: &VolumeRow,
    attachment_id: Option<&str>,
) -> Result<(), CinderError> {
    let db_ = state.db().await?;
    let (vid, aid) = (vol.id.clone(), attachment_id.map(str::to_string));
    let found = db_
        .read(|tx| {
            let (vid, aid) = (vid.clone(), aid.clone());
            Box::pin(async move {
                match aid {
                    Some(a) => Ok(Some(adb::attachment_get(tx, &a).await?)),
                    None => {
                        let all = adb::attachments_of(tx, &vid).await?;
                        match all.len() {
                            0 => Ok(None),
                            1 => Ok(Some(all.into_iter().next())),
                            _ => Ok(Some(None)),
                        }
                    }
                }
            })
        })
        .await?;
    // `None`: nothing attached at all; `Some(None)`: no single attachment identified.
    let attachment = match found {
        None => return Ok(()),
        Some(a) => a,
    };
    let server_id = match attachment {
        Some(a) => {
            if a.volume_id != vol.id {
                return Err(CinderError::InvalidInput(
                    "Mismatched volume and attachment".into(),
                ));
            }
            let server = a.instance_uuid.clone().unwrap_or_default();
            if server.is_empty() || a.connection_info.as_deref().unwrap_or("").is_empty() {
                return Ok(());
            }
            server
        }
        None => String::new(),
    };
    tracing::error!(
        "Detected user call to delete in-use attachment. Call must come from the nova \
         service and nova must be configured to send the service token. Bug #2004555"
    );
    Err(CinderError::ConflictNovaUsingAttachment(server_id))
}

/// `volume_api.initialize_connection` (`os-initialize_connection`): refused in maintenance;
/// the connection info comes from the volume service's driver.
pub async fn initialize_connection(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<serde_json::Value, CinderError> {
    state.authorize(ctx, policy::INITIALIZE_POLICY, &target(vol))?;
    if status(vol) == MAINTENANCE {
        tracing::info!(
            "Unable to initialize the connection for volume, because it is in maintenance."
        );
        return Err(invalid(
            "The volume connection cannot be initialized in maintenance mode.",
        ));
    }
    Err(no_volume_service("initialize_connection", vol))
}

/// `volume_api.terminate_connection` (`os-terminate_connection`): the attachment check of
/// [`detach`], then the volume service's `terminate_connection` call (and an unreserve).
pub async fn terminate_connection(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::TERMINATE_POLICY, &target(vol))?;
    attachment_deletion_allowed(state, vol, None).await?;
    Err(no_volume_service("terminate_connection", vol))
}

/// `provision_filter_on_size`: the type's `provisioning:min_vol_size` /
/// `provisioning:max_vol_size` bound the size.
fn provision_filter_on_size(vtype: Option<&VolumeType>, size: i64) -> Result<(), CinderError> {
    let Some(t) = vtype else { return Ok(()) };
    let bound = |key: &str| -> Option<(String, i64)> {
        let raw = t.extra_spec(key)?;
        if raw.is_empty() {
            return None;
        }
        Some((raw.to_string(), raw.trim().parse::<i64>().unwrap_or(0)))
    };
    if let Some((raw, min)) = bound("provisioning:min_vol_size") {
        if size < min {
            return Err(CinderError::InvalidInput(format!(
                "Specified volume size of '{size}' is less than the minimum required size of \
                 '{raw}' for volume type '{}'.",
                t.name
            )));
        }
    }
    if let Some((raw, max)) = bound("provisioning:max_vol_size") {
        if size > max {
            return Err(CinderError::InvalidInput(format!(
                "Specified volume size of '{size}' is greater than the maximum allowable size \
                 of '{raw}' for volume type '{}'.",
                t.name
            )));
        }
    }
    Ok(())
}

/// The volume's type (with extra specs), else the configured default, else none.
async fn type_or_default(
    tx: &mut Transaction<'_>,
    state: &ApiState,
    type_id: &str,
) -> Result<Option<VolumeType>, CinderError> {
    if let Some(t) = volume_types::get_by_id(tx, type_id, false).await? {
        return Ok(Some(t));
    }
    let default = state
        .conf
        .get_as::<String>("DEFAULT", "default_volume_type")
        .unwrap_or_else(|_| volume_types::DEFAULT_VOLUME_TYPE.to_string());
    match volume_types::get_default_volume_type(tx, &default, None).await {
        Ok(t) => Ok(Some(t)),
        Err(CinderError::Db(e)) => Err(CinderError::Db(e)),
        Err(_) => Ok(None),
    }
}

/// `volume_api.extend` / `extend_attached_volume` (`os-extend`): a bigger size within the
/// type's bounds, the volume `available` (or `in-use` when `attached`) → `extending` with
/// its previous status kept, the per-volume limit checked and `gigabytes` (+ the type's)
/// charged, all in one transaction: any refusal leaves the volume as it was.
pub async fn extend(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    new_size: i64,
    attached: bool,
) -> Result<(), CinderError> {
    let rule = if attached {
        policy::EXTEND_ATTACHED_POLICY
    } else {
        policy::EXTEND_POLICY
    };
    state.authorize(ctx, rule, &target(vol))?;
    let size = vol.size.unwrap_or(0);
    let increase = new_size - size;
    if increase <= 0 {
        return Err(CinderError::InvalidInput(format!(
            "New size for extend must be greater than current size. (current: {size}, \
             extended: {new_size})."
        )));
    }
    let limit_project = ctx.project_id.clone().unwrap_or_default();
    let owner = vol.project_id.clone().unwrap_or_default();
    let db_ = state.db().await?;
    write(db_, |tx| {
        let (vol, limit_project, owner) = (vol.clone(), limit_project.clone(), owner.clone());
        Box::pin(async move {
            let vtype = type_or_default(tx, state, &vol.volume_type_id).await?;
            provision_filter_on_size(vtype.as_ref(), new_size)?;
            let expected = if attached { "in-use" } else { "available" };
            let done = adb::conditional_update(
                tx,
                &vol.id,
                &[
                    ("previous_status", SetTo::Sql("status")),
                    ("status", SetTo::Value(Value::from("extending"))),
                ],
                &[Expect::one_of("status", &[expected])],
            )
            .await?;
            if !done {
                return Err(invalid(format!(
                    "Volume {} status must be '{{'status': '{expected}'}}' to extend, currently {}.",
                    vol.id,
                    status(&vol)
                )));
            }
            state
                .quotas
                .check_per_volume_size(tx, &limit_project, new_size)
                .await?;
            let mut deltas = vec![("gigabytes".to_string(), increase)];
            if let Some(t) = volume_types::get_by_id(tx, &vol.volume_type_id, true).await? {
                deltas.push((format!("gigabytes_{}", t.name), increase));
            }
            match state.quotas.try_consume(tx, &owner, &deltas).await? {
                Ok(()) => Ok(()),
                Err(over) => Err(over.for_extend(increase)),
            }
        })
    })
    .await?;
    tracing::info!("Extend volume request issued successfully.");
    Ok(())
}

/// `volume_api.update_readonly_flag` (`os-update_readonly_flag`): only on `available`
/// volumes; the admin metadata `readonly` becomes `True` / `False`.
pub async fn update_readonly_flag(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    flag: bool,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::UPDATE_READONLY_POLICY, &target(vol))?;
    if status(vol) != "available" {
        return Err(invalid(format!(
            "Volume {} status must be available to update readonly flag, but current status \
             is: {}.",
            vol.id,
            status(vol)
        )));
    }
    let db_ = state.db().await?;
    let id = vol.id.clone();
    write(db_, |tx| {
        let id = id.clone();
        Box::pin(
            async move { Ok(db::admin_metadata_set(tx, &id, "readonly", py_bool(flag)).await?) },
        )
    })
    .await?;
    tracing::info!("Update readonly setting on volume completed successfully.");
    Ok(())
}

/// `volume_api.update(context, volume, {'bootable': ...})` (`os-set_bootable`).
pub async fn set_bootable(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    bootable: bool,
) -> Result<(), CinderError> {
    state.authorize(ctx, vol_policy::UPDATE_POLICY, &target(vol))?;
    if status(vol) == MAINTENANCE {
        tracing::info!("Unable to update volume, because it is in maintenance.");
        return Err(invalid("The volume cannot be updated during maintenance."));
    }
    let db_ = state.db().await?;
    let id = vol.id.clone();
    write(db_, |tx| {
        let id = id.clone();
        Box::pin(async move {
            Ok(db::volume_update(tx, &id, &[db::Set("bootable", Value::from(bootable))]).await?)
        })
    })
    .await?;
    tracing::info!("Volume updated successfully.");
    Ok(())
}

/// `volume_api.retype` (`os-retype`): the new type by name or id (private ones too, as the
/// elevated lookup upstream), within its size bounds, multiattach rules, then `available` or
/// `in-use`, not migrating, in no group, of another type and QoS-compatible → `retyping`;
/// the per-type quota moves from the old type to the new one in the same transaction.
pub async fn retype(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
    new_type: &str,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::RETYPE_POLICY, &target(vol))?;
    let mut elevated = ctx.clone();
    elevated.is_admin = true;
    let db_ = state.db().await?;
    let tgt_type = db_
        .read(|tx| {
            let (elevated, new_type) = (elevated.clone(), new_type.to_string());
            Box::pin(
                async move { Ok(volume_types::get_by_name_or_id(tx, &elevated, &new_type).await) },
            )
        })
        .await??;
    provision_filter_on_size(Some(&tgt_type), vol.size.unwrap_or(0))?;
    let src_multi = vol.multiattach.unwrap_or(false);
    let tgt_multi = tgt_type.extra_spec("multiattach") == Some("<is> True");
    if src_multi != tgt_multi {
        if status(vol) != "available" {
            let msg = format!(
                "Invalid volume_type passed, retypes affecting multiattach are only allowed on \
                 available volumes, the specified volume however currently has a status of: {}.",
                status(vol)
            );
            tracing::info!("{msg}");
            return Err(CinderError::InvalidInput(msg));
        }
        if tgt_multi {
            state.authorize(ctx, vol_policy::MULTIATTACH_POLICY, &target(vol))?;
        }
    }
    let owner = vol.project_id.clone().unwrap_or_default();
    write(db_, |tx| {
        let (vol, tgt_type, owner) = (vol.clone(), tgt_type.clone(), owner.clone());
        Box::pin(async move {
            if tgt_multi && type_is_encrypted(tx, &tgt_type.id).await? {
                return Err(CinderError::InvalidInput(
                    "Retype requested both encryption and multi-attach, which is not supported."
                        .into(),
                ));
            }
            let snapshots = adb::snapshot_sizes(tx, &vol.id).await?;
            let old_name = volume_types::get_by_id(tx, &vol.volume_type_id, true)
                .await?
                .map(|t| t.name);
            let size = vol.size.unwrap_or(0);
            let new_deltas = type_deltas(state, &tgt_type.name, size, &snapshots);
            if let Err(over) = state.quotas.try_consume(tx, &owner, &new_deltas).await? {
                return Err(over.for_resource("volumes", size));
            }
            if let Some(old) = &old_name {
                let old_deltas = type_deltas(state, old, size, &snapshots);
                state.quotas.release(tx, &owner, &old_deltas).await?;
            }
            let done = adb::conditional_update(
                tx,
                &vol.id,
                &[
                    ("previous_status", SetTo::Sql("status")),
                    ("status", SetTo::Value(Value::from("retyping"))),
                    ("multiattach", SetTo::Value(Value::from(tgt_multi))),
                ],
                &[
                    Expect::one_of("status", &["available", "in-use"]),
                    Expect::null_or("migration_status", &AVAILABLE_MIGRATION_STATUS),
                    Expect::null_or("consistencygroup_id", &[""]),
                    Expect::null_or("group_id", &[""]),
                    Expect::NotEq("volume_type_id", Value::from(tgt_type.id.as_str())),
                    adb::qos_allows_retype(&tgt_type.id),
                ],
            )
            .await?;
            if !done {
                let msg = "Retype needs volume to be in available or in-use state, not be part \
                           of an active migration or a consistency group, requested type has to \
                           be different that the one from the volume, and for in-use volumes \
                           front-end qos specs cannot change.";
                tracing::error!("{msg}");
                return Err(invalid(msg));
            }
            Ok(())
        })
    })
    .await?;
    tracing::info!("Retype volume request issued successfully.");
    Ok(())
}

/// `get_volume_type_reservation(..., reserve_vol_type_only=True)`: the per-type resources a
/// volume (with its snapshots) holds.
fn type_deltas(
    state: &ApiState,
    type_name: &str,
    size: i64,
    snapshots: &[i64],
) -> Vec<(String, i64)> {
    let mut gigabytes = size;
    let mut d = vec![(format!("volumes_{type_name}"), 1)];
    if !snapshots.is_empty() {
        if !state.quotas.no_snapshot_gb_quota {
            gigabytes += snapshots.iter().sum::<i64>();
        }
        d.push((format!("snapshots_{type_name}"), snapshots.len() as i64));
    }
    d.push((format!("gigabytes_{type_name}"), gigabytes));
    d
}

async fn type_is_encrypted(tx: &mut Transaction<'_>, type_id: &str) -> Result<bool, CinderError> {
    Ok(tx
        .fetch_optional(
            openstack_db::sql(
                "SELECT encryption_id FROM encryption WHERE volume_type_id = ? AND deleted = false",
            )
            .bind(type_id),
        )
        .await?
        .is_some())
}

/// The fields `os-reset_status` sets (already lower-cased; `migration_status` `none` is
/// NULL).
#[derive(Clone, Debug, Default)]
pub struct ResetStatus {
    pub status: Option<String>,
    pub attach_status: Option<String>,
    pub migration_status: Option<Option<String>>,
}

/// `VolumeAdminController._reset_status`: an admin sets the statuses as given — not to
/// `deleting`, and to `in-use` only with attachments; the cleanup entry goes, and a reset to
/// `detached` detaches every attachment and drops `attached_mode`.
pub async fn reset_status(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
    update: ResetStatus,
) -> Result<(), CinderError> {
    let vol = get_by_id(state, ctx, id).await?;
    state.authorize(ctx, policy::RESET_STATUS, &target(&vol))?;
    // Upstream's tuple is ('deleting', 'error_deletingdetaching'): a missing comma.
    if let Some(s @ ("deleting" | "error_deletingdetaching")) = update.status.as_deref() {
        return Err(CinderError::bad_request(format!(
            "Cannot reset-state to {s}"
        )));
    }
    let db_ = state.db().await?;
    let vid = vol.id.clone();
    write(db_, |tx| {
        let (vid, update) = (vid.clone(), update.clone());
        Box::pin(async move {
            if update.status.as_deref() == Some("in-use")
                && adb::attachments_of(tx, &vid).await?.is_empty()
            {
                return Err(CinderError::bad_request(
                    "Cannot reset-state to in-use because volume does not have any attachments.",
                ));
            }
            tracing::debug!("Updating volume '{vid}' with '{update:?}'");
            let mut sets = Vec::new();
            if let Some(s) = &update.status {
                sets.push(db::Set("status", Value::from(s.as_str())));
            }
            if let Some(a) = &update.attach_status {
                sets.push(db::Set("attach_status", Value::from(a.as_str())));
            }
            if let Some(m) = &update.migration_status {
                sets.push(db::Set("migration_status", Value::from(m.clone())));
            }
            db::volume_update(tx, &vid, &sets).await?;
            if adb::worker_destroy(tx, &vid).await? > 0 {
                tracing::debug!("Worker entry for volume with id {vid} has been deleted.");
            }
            if update.attach_status.as_deref() == Some("detached") {
                for a in adb::attachments_of(tx, &vid).await? {
                    adb::volume_detached(tx, &vid, &a.id).await?;
                }
                adb::admin_metadata_delete(tx, &vid, "attached_mode").await?;
            }
            Ok(())
        })
    })
    .await
}

/// `VolumeAdminController._force_delete`: the admin rule, then `volume_api.delete(force=True)`.
pub async fn force_delete(
    state: &ApiState,
    ctx: &RequestContext,
    vol: &VolumeRow,
) -> Result<(), CinderError> {
    state.authorize(ctx, policy::FORCE_DELETE_POLICY, &target(vol))?;
    crate::volume::api::delete(state, ctx, vol, false, true).await
}

/// `objects.Volume.get_by_id`: a live volume in the caller's project (any for an admin),
/// without the `volume:get` rule.
async fn get_by_id(
    state: &ApiState,
    ctx: &RequestContext,
    id: &str,
) -> Result<VolumeRow, CinderError> {
    let scope = if ctx.is_admin {
        None
    } else {
        ctx.project_id.clone()
    };
    let db_ = state.db().await?;
    let owned = id.to_string();
    db_.read(|tx| {
        let (id, scope) = (owned.clone(), scope.clone());
        Box::pin(async move { db::volume_get(tx, &id, scope.as_deref()).await })
    })
    .await?
    .ok_or_else(|| CinderError::VolumeNotFound(id.to_string()))
}

/// The admin metadata of a volume (key → value).
pub async fn admin_metadata(
    state: &ApiState,
    volume_id: &str,
) -> Result<BTreeMap<String, String>, CinderError> {
    let db_ = state.db().await?;
    let id = volume_id.to_string();
    Ok(db_
        .read(|tx| {
            let id = id.clone();
            Box::pin(async move { adb::admin_metadata_get(tx, &id).await })
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn or_str_is_upstreams_build_or_str() {
        assert_eq!(or_str(&["available", "in-use"]), "available or in-use");
        assert_eq!(or_str(&["available"]), "available");
    }

    #[test]
    fn provisioning_bounds() {
        let mut t = VolumeType {
            id: "t".into(),
            name: "gold".into(),
            description: None,
            is_public: true,
            qos_specs_id: None,
            extra_specs: BTreeMap::new(),
            created_at: None,
            updated_at: None,
            deleted_at: None,
            deleted: false,
        };
        t.extra_specs
            .insert("provisioning:max_vol_size".into(), Some("5".into()));
        assert!(provision_filter_on_size(Some(&t), 5).is_ok());
        let err = provision_filter_on_size(Some(&t), 6).expect_err("over the max");
        assert_eq!(
            err.to_string(),
            "Invalid input received: Specified volume size of '6' is greater than the maximum \
             allowable size of '5' for volume type 'gold'."
        );
        assert!(provision_filter_on_size(None, 100).is_ok());
    }
}
