//! Used limits (`cinder/api/contrib/used_limits.py`): when the `limits_extension:used_limits`
//! policy allows it, `GET /limits` also says how much of each absolute limit the project uses
//! (`totalVolumesUsed`, ...).

use openstack_db::Transaction;
use openstack_service::policy::Target;
use openstack_service::RequestContext;
use serde_json::{json, Map, Value};

use crate::api::v3::state::ApiState;
use crate::exception::CinderError;
use crate::policies::limits as policy;

/// Display name → quota resource, in upstream's order.
const USED: [(&str, &str); 5] = [
    ("totalVolumesUsed", "volumes"),
    ("totalGigabytesUsed", "gigabytes"),
    ("totalSnapshotsUsed", "snapshots"),
    ("totalBackupsUsed", "backups"),
    ("totalBackupGigabytesUsed", "backup_gigabytes"),
];

/// Adds the used values of `project_id` to `absolute` when the caller may see them
/// (`authorize(..., fatal=False)`: a refusal just leaves them out).
pub async fn extend(
    state: &ApiState,
    ctx: &RequestContext,
    tx: &mut Transaction<'_>,
    project_id: &str,
    absolute: &mut Map<String, Value>,
) -> Result<(), CinderError> {
    let allowed = state
        .authorize(
            ctx,
            policy::EXTEND_LIMIT_ATTRIBUTE_POLICY,
            &Target::from_context(ctx),
        )
        .is_ok();
    if !allowed {
        return Ok(());
    }
    let quotas = state
        .quotas
        .get_project_quotas(tx, project_id, true)
        .await?;
    for (display, resource) in USED {
        if let Some((_, q)) = quotas.iter().find(|(name, _)| name == resource) {
            absolute.insert(display.to_string(), json!(q.in_use));
        }
    }
    Ok(())
}
