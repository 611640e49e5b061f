//! The vocabulary of user messages (`cinder/message/message_field.py` and the older
//! `defined_messages.py`): the resource types, the actions and the details, each a
//! three-digit id and the text users read. The ids are stored in `messages.action_id` /
//! `detail_id` and shared with Python services, so they and their texts are upstream's.

/// What a message is about (`messages.resource_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Volume,
    VolumeSnapshot,
    VolumeBackup,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Volume => "VOLUME",
            Resource::VolumeSnapshot => "VOLUME_SNAPSHOT",
            Resource::VolumeBackup => "VOLUME_BACKUP",
        }
    }
}

/// An action id and its text (`message_field.Action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action(pub &'static str, pub &'static str);

/// A detail id and its text (`message_field.Detail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail(pub &'static str, pub &'static str);

impl Action {
    pub const SCHEDULE_ALLOCATE_VOLUME: Action = Action("001", "schedule allocate volume");
    pub const ATTACH_VOLUME: Action = Action("002", "attach volume");
    pub const COPY_VOLUME_TO_IMAGE: Action = Action("003", "copy volume to image");
    pub const UPDATE_ATTACHMENT: Action = Action("004", "update attachment");
    pub const COPY_IMAGE_TO_VOLUME: Action = Action("005", "copy image to volume");
    pub const UNMANAGE_VOLUME: Action = Action("006", "unmanage volume");
    pub const EXTEND_VOLUME: Action = Action("007", "extend volume");
    pub const CREATE_VOLUME_FROM_BACKEND: Action =
        Action("008", "create volume from backend storage");
    pub const SNAPSHOT_CREATE: Action = Action("009", "create snapshot");
    pub const SNAPSHOT_DELETE: Action = Action("010", "delete snapshot");
    pub const SNAPSHOT_UPDATE: Action = Action("011", "update snapshot");
    pub const SNAPSHOT_METADATA_UPDATE: Action = Action("012", "update snapshot metadata");
    pub const BACKUP_CREATE: Action = Action("013", "create backup");
    pub const BACKUP_DELETE: Action = Action("014", "delete backup");
    pub const BACKUP_RESTORE: Action = Action("015", "restore backup");
    pub const REIMAGE_VOLUME: Action = Action("016", "reimage volume");

    pub const ALL: [Action; 16] = [
        Action::SCHEDULE_ALLOCATE_VOLUME,
        Action::ATTACH_VOLUME,
        Action::COPY_VOLUME_TO_IMAGE,
        Action::UPDATE_ATTACHMENT,
        Action::COPY_IMAGE_TO_VOLUME,
        Action::UNMANAGE_VOLUME,
        Action::EXTEND_VOLUME,
        Action::CREATE_VOLUME_FROM_BACKEND,
        Action::SNAPSHOT_CREATE,
        Action::SNAPSHOT_DELETE,
        Action::SNAPSHOT_UPDATE,
        Action::SNAPSHOT_METADATA_UPDATE,
        Action::BACKUP_CREATE,
        Action::BACKUP_DELETE,
        Action::BACKUP_RESTORE,
        Action::REIMAGE_VOLUME,
    ];
}

impl Detail {
    pub const UNKNOWN_ERROR: Detail = Detail("001", "An unknown error occurred.");
    pub const DRIVER_NOT_INITIALIZED: Detail =
        Detail("002", "Driver is not initialized at present.");
    pub const NO_BACKEND_AVAILABLE: Detail =
        Detail("003", "Could not find any available weighted backend.");
    pub const FAILED_TO_UPLOAD_VOLUME: Detail =
        Detail("004", "Failed to upload volume to image at backend.");
    pub const VOLUME_ATTACH_MODE_INVALID: Detail =
        Detail("005", "Volume's attach mode is invalid.");
    pub const QUOTA_EXCEED: Detail = Detail("006", "Not enough quota resource for operation.");
    pub const NOT_ENOUGH_SPACE_FOR_IMAGE: Detail = Detail(
        "007",
        "Image used for creating volume exceeds available space.",
    );
    pub const UNMANAGE_ENC_NOT_SUPPORTED: Detail =
        Detail("008", "Unmanaging encrypted volumes is not supported.");
    pub const NOTIFY_COMPUTE_SERVICE_FAILED: Detail =
        Detail("009", "Compute service failed to extend volume.");
    pub const DRIVER_FAILED_EXTEND: Detail =
        Detail("010", "Volume Driver failed to extend volume.");
    pub const SIGNATURE_VERIFICATION_FAILED: Detail =
        Detail("011", "Image signature verification failed.");
    pub const DRIVER_FAILED_CREATE: Detail = Detail("012", "Driver failed to create the volume.");
    pub const SNAPSHOT_CREATE_ERROR: Detail = Detail("013", "Snapshot failed to create.");
    pub const SNAPSHOT_UPDATE_METADATA_FAILED: Detail =
        Detail("014", "Volume snapshot update metadata failed.");
    pub const SNAPSHOT_IS_BUSY: Detail = Detail("015", "Snapshot is busy.");
    pub const SNAPSHOT_DELETE_ERROR: Detail = Detail("016", "Snapshot failed to delete.");
    pub const BACKUP_INVALID_STATE: Detail = Detail("017", "Backup status is invalid.");
    pub const BACKUP_SERVICE_DOWN: Detail = Detail("018", "Backup service is down.");
    pub const BACKUP_CREATE_DEVICE_ERROR: Detail = Detail(
        "019",
        "Failed to get backup device from the volume service.",
    );
    pub const BACKUP_CREATE_DRIVER_ERROR: Detail =
        Detail("020", "Backup driver failed to create backup.");
    pub const ATTACH_ERROR: Detail = Detail("021", "Failed to attach volume.");
    pub const DETACH_ERROR: Detail = Detail("022", "Failed to detach volume.");
    pub const BACKUP_CREATE_CLEANUP_ERROR: Detail =
        Detail("023", "Cleanup of temporary volume/snapshot failed.");
    pub const BACKUP_SCHEDULE_ERROR: Detail = Detail(
        "024",
        "Backup failed to schedule. Service not found for creating backup.",
    );
    pub const BACKUP_DELETE_DRIVER_ERROR: Detail =
        Detail("025", "Backup driver failed to delete backup.");
    pub const BACKUP_RESTORE_ERROR: Detail =
        Detail("026", "Backup driver failed to restore backup.");
    pub const VOLUME_INVALID_STATE: Detail = Detail("027", "Volume status is invalid.");
    pub const REIMAGE_VOLUME_FAILED: Detail =
        Detail("028", "Compute service failed to reimage volume.");
    pub const IMAGE_FORMAT_UNACCEPTABLE: Detail = Detail(
        "029",
        "The image disk format must be the same as the volume format for the volume type you are requesting.",
    );
    pub const INCREMENTAL_BACKUP_FORCES_FULL_BACKUP: Detail = Detail(
        "030",
        "Incremental backup not possible, forcing full backup.",
    );

    pub const ALL: [Detail; 30] = [
        Detail::UNKNOWN_ERROR,
        Detail::DRIVER_NOT_INITIALIZED,
        Detail::NO_BACKEND_AVAILABLE,
        Detail::FAILED_TO_UPLOAD_VOLUME,
        Detail::VOLUME_ATTACH_MODE_INVALID,
        Detail::QUOTA_EXCEED,
        Detail::NOT_ENOUGH_SPACE_FOR_IMAGE,
        Detail::UNMANAGE_ENC_NOT_SUPPORTED,
        Detail::NOTIFY_COMPUTE_SERVICE_FAILED,
        Detail::DRIVER_FAILED_EXTEND,
        Detail::SIGNATURE_VERIFICATION_FAILED,
        Detail::DRIVER_FAILED_CREATE,
        Detail::SNAPSHOT_CREATE_ERROR,
        Detail::SNAPSHOT_UPDATE_METADATA_FAILED,
        Detail::SNAPSHOT_IS_BUSY,
        Detail::SNAPSHOT_DELETE_ERROR,
        Detail::BACKUP_INVALID_STATE,
        Detail::BACKUP_SERVICE_DOWN,
        Detail::BACKUP_CREATE_DEVICE_ERROR,
        Detail::BACKUP_CREATE_DRIVER_ERROR,
        Detail::ATTACH_ERROR,
        Detail::DETACH_ERROR,
        Detail::BACKUP_CREATE_CLEANUP_ERROR,
        Detail::BACKUP_SCHEDULE_ERROR,
        Detail::BACKUP_DELETE_DRIVER_ERROR,
        Detail::BACKUP_RESTORE_ERROR,
        Detail::VOLUME_INVALID_STATE,
        Detail::REIMAGE_VOLUME_FAILED,
        Detail::IMAGE_FORMAT_UNACCEPTABLE,
        Detail::INCREMENTAL_BACKUP_FORCES_FULL_BACKUP,
    ];

    /// `EXCEPTION_DETAIL_MAPPINGS`: the detail an exception (by upstream class name) maps to.
    pub fn for_exception(name: &str) -> Option<Detail> {
        Some(match name {
            "DriverNotInitialized" => Detail::DRIVER_NOT_INITIALIZED,
            "NoValidBackend" => Detail::NO_BACKEND_AVAILABLE,
            "InvalidVolumeAttachMode" => Detail::VOLUME_ATTACH_MODE_INVALID,
            "ImageLimitExceeded" | "BackupLimitExceeded" | "SnapshotLimitExceeded" => {
                Detail::QUOTA_EXCEED
            }
            "ImageTooBig" => Detail::NOT_ENOUGH_SPACE_FOR_IMAGE,
            "SnapshotIsBusy" => Detail::SNAPSHOT_IS_BUSY,
            _ => return None,
        })
    }
}

/// `translate_action`: the text of an action id (`unknown action` for an id we do not know).
pub fn translate_action(action_id: Option<&str>) -> &'static str {
    Action::ALL
        .iter()
        .find(|a| Some(a.0) == action_id)
        .map_or("unknown action", |a| a.1)
}

/// `translate_detail`: the text of a detail id (the unknown-error text for an id we do
/// not know).
pub fn translate_detail(detail_id: Option<&str>) -> &'static str {
    Detail::ALL
        .iter()
        .find(|d| Some(d.0) == detail_id)
        .map_or(Detail::UNKNOWN_ERROR.1, |d| d.1)
}

/// `translate_detail_id`: the detail of the exception (by upstream class name) when it has
/// a mapping, else the given detail, else unknown error.
pub fn translate_detail_id(exception: Option<&str>, detail: Option<Detail>) -> &'static str {
    if let Some(d) = exception.and_then(Detail::for_exception) {
        return d.0;
    }
    match detail {
        Some(d) if Detail::ALL.contains(&d) => d.0,
        _ => Detail::UNKNOWN_ERROR.0,
    }
}

/// `defined_messages.get_message_text`: the text of a pre-3.5-era event id (messages written
/// without an `action_id`).
pub fn event_message_text(event_id: &str) -> Option<&'static str> {
    Some(match event_id {
        "VOLUME_000001" => "An unknown error occurred.",
        "VOLUME_000002" => {
            "No storage could be allocated for this volume request. You may be able to try another size or volume type."
        }
        "VOLUME_000003" => "A readonly volume must be attached as readonly.",
        "VOLUME_000004" => {
            "Failed to copy volume to image as image quota has been met. Please delete images or have your limit increased, then try again."
        }
        "VOLUME_000005" => "Unmanaging encrypted volumes is not supported.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sequential() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(a.0, format!("{:03}", i + 1));
        }
        for (i, d) in Detail::ALL.iter().enumerate() {
            assert_eq!(d.0, format!("{:03}", i + 1));
        }
    }

    #[test]
    fn translations_fall_back_like_upstream() {
        assert_eq!(translate_action(Some("001")), "schedule allocate volume");
        assert_eq!(translate_action(Some("999")), "unknown action");
        assert_eq!(translate_action(None), "unknown action");
        assert_eq!(
            translate_detail(Some("003")),
            "Could not find any available weighted backend."
        );
        assert_eq!(translate_detail(None), "An unknown error occurred.");
        assert_eq!(
            translate_detail_id(Some("NoValidBackend"), Some(Detail::QUOTA_EXCEED)),
            "003"
        );
        assert_eq!(
            translate_detail_id(Some("KeyError"), Some(Detail::QUOTA_EXCEED)),
            "006"
        );
        assert_eq!(translate_detail_id(None, None), "001");
    }
}
