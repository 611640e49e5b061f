//! cinder's errors (`cinder/exception.py`): one enum whose variants carry upstream's exception
//! names and message texts, and ONE table ([`CinderError::class`]) saying, for each, the HTTP
//! status and how the API edge renders it — as cinder's `ResourceExceptionHandler` and
//! `FaultWrapper` do:
//!
//! - `NotAuthorized` family → 403 fault with the message;
//! - `Invalid` and `NotFound` families → their status with the message;
//! - everything else travels to faultwrap: its status, and the message prefixed with the
//!   exception name only when the exception is "safe" (quota errors); otherwise the generic
//!   text of the status, so nothing internal leaks.

use http::StatusCode;

/// How the API edge renders an error (which upstream handler catches it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `exception.NotAuthorized`: 403 with the message.
    NotAuthorized,
    /// `exception.Invalid` / `exception.NotFound` (and webob HTTP errors raised by controllers):
    /// the status with the message.
    Client,
    /// Caught by faultwrap with `safe = True`: `"<ExceptionName>: <message>"`.
    Safe,
    /// Caught by faultwrap, not safe: the generic text of the status; the message is only logged.
    Internal,
}

/// Every error the Block Storage API and its services raise.
#[derive(Debug, thiserror::Error)]
pub enum CinderError {
    // ---- NotAuthorized (403) ------------------------------------------------------------
    #[error("Policy doesn't allow {action} to be performed.")]
    PolicyNotAuthorized { action: String },
    #[error("User does not have admin privileges")]
    AdminRequired,

    // ---- webob errors raised by controllers (status and explanation as given) -----------
    #[error("{explanation}")]
    Http {
        status: StatusCode,
        explanation: String,
    },

    // ---- Invalid (400 unless noted) -------------------------------------------------------
    #[error("Invalid input received: {0}")]
    InvalidInput(String),
    #[error("{0}")]
    ValidationError(String),
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("Invalid volume: {0}")]
    InvalidVolume(String),
    #[error("Invalid snapshot: {0}")]
    InvalidSnapshot(String),
    #[error("Invalid volume type: {0}")]
    InvalidVolumeType(String),
    #[error(
        "The volume type {0} is the only currently defined volume type and cannot be deleted."
    )]
    VolumeTypeDeletionError(String),
    #[error("The volume type {0} is a default volume type and cannot be deleted.")]
    VolumeTypeDefaultDeletionError(String),
    #[error("Expected a UUID but received {0}.")]
    InvalidUuid(String),
    #[error("Availability zone '{0}' is invalid.")]
    InvalidAvailabilityZone(String),
    #[error("Invalid metadata: {0}")]
    InvalidVolumeMetadata(String),
    #[error("Invalid metadata size: {0}")]
    InvalidVolumeMetadataSize(String),
    #[error("Invalid host: {0}")]
    InvalidHost(String),
    #[error("Change would make usage less than 0 for the following resources: {0}")]
    InvalidQuotaValue(String),
    #[error("Service is unavailable at this time.")]
    ServiceUnavailable,
    #[error("API version {0} is not supported on this method.")]
    VersionNotFoundForApiMethod(String),
    /// `ResourceConflict` (an `Invalid` with status 409).
    #[error("{0}")]
    ResourceConflict(String),

    // ---- NotFound (404) -------------------------------------------------------------------
    #[error("Resource could not be found.")]
    NotFound,
    #[error("Volume {0} could not be found.")]
    VolumeNotFound(String),
    #[error("Snapshot {0} could not be found.")]
    SnapshotNotFound(String),
    #[error("Volume type {0} could not be found.")]
    VolumeTypeNotFound(String),
    #[error("Volume type with name {0} could not be found.")]
    VolumeTypeNotFoundByName(String),
    #[error("Default type for project {0} not found.")]
    VolumeTypeProjectDefaultNotFound(String),
    #[error("Volume type encryption for type {0} does not exist.")]
    VolumeTypeEncryptionNotFound(String),
    #[error("Volume {volume_id} has no metadata with key {key}.")]
    VolumeMetadataNotFound { volume_id: String, key: String },
    #[error("Snapshot {snapshot_id} has no metadata with key {key}.")]
    SnapshotMetadataNotFound { snapshot_id: String, key: String },
    #[error("Volume Type {volume_type_id} has no extra specs with key {key}.")]
    VolumeTypeExtraSpecsNotFound { volume_type_id: String, key: String },
    #[error("Volume type access not found for {volume_type_id} / {project_id} combination.")]
    VolumeTypeAccessNotFound {
        volume_type_id: String,
        project_id: String,
    },
    #[error("Service {0} could not be found.")]
    ServiceNotFound(String),
    #[error("Service {service_id} could not be found on host {host}.")]
    ServiceNotFoundOnHost { service_id: String, host: String },
    #[error("Message {0} could not be found.")]
    MessageNotFound(String),
    #[error("Quota for project {0} could not be found.")]
    ProjectQuotaNotFound(String),
    #[error("Quota class {0} could not be found.")]
    QuotaClassNotFound(String),
    #[error("Unknown quota resources {0}.")]
    QuotaResourceUnknown(String),

    // ---- Duplicate (409) ------------------------------------------------------------------
    #[error("Volume Type {0} already exists.")]
    VolumeTypeExists(String),
    #[error("Volume type access for {volume_type_id} / {project_id} combination already exists.")]
    VolumeTypeAccessExists {
        volume_type_id: String,
        project_id: String,
    },

    // ---- Quota (413, safe) ----------------------------------------------------------------
    #[error("Requested volume or snapshot exceeds allowed {name} quota. Requested {requested}G, quota is {quota}G and {consumed}G has been consumed.")]
    VolumeSizeExceedsAvailableQuota {
        name: String,
        requested: i64,
        quota: i64,
        consumed: i64,
    },
    #[error("Requested volume size {size}G is larger than maximum allowed limit {limit}G.")]
    VolumeSizeExceedsLimit { size: i64, limit: i64 },
    #[error("Maximum number of volumes allowed ({allowed}) exceeded for quota '{name}'.")]
    VolumeLimitExceeded { allowed: i64, name: String },
    #[error("Maximum number of snapshots allowed ({allowed}) exceeded")]
    SnapshotLimitExceeded { allowed: i64 },
    #[error("Unexpected over quota on {0}.")]
    UnexpectedOverQuota(String),
    #[error("Quota usage would overflow for resources: {overs}. The requested operation would exceed the maximum allowed value ({max_int}) for quota tracking.")]
    QuotaUsageOverflow { overs: String, max_int: i64 },
    #[error("Quota exceeded for resources: {0}")]
    OverQuota(String),

    // ---- Volume type in use (400 via faultwrap upstream: not safe → generic text) ---------
    #[error("Volume Type {0} deletion is not allowed with volumes present with the type.")]
    VolumeTypeInUse(String),
    /// `[DEFAULT] default_volume_type` names no type (500, not safe).
    #[error("The request cannot be fulfilled as the default volume type {0} cannot be found.")]
    VolumeTypeDefaultMisconfigured(String),

    // ---- Volume actions ----------------------------------------------------------------------
    #[error("Invalid attaching mode '{mode}' for volume {volume_id}.")]
    InvalidVolumeAttachMode { mode: String, volume_id: String },
    /// A detach only the Compute service may ask for (409, safe).
    #[error("Detach volume from instance {0} using the Compute API")]
    ConflictNovaUsingAttachment(String),
    /// oslo.messaging's `MessagingTimeout`: a call to a volume service nobody answered (500).
    #[error("{0}")]
    MessagingTimeout(String),

    // ---- Internal --------------------------------------------------------------------------
    /// A database error: 503 when the database cannot be reached, else 500.
    #[error("{0}")]
    Db(#[from] openstack_db::DbError),
    /// Anything else that went wrong inside (500).
    #[error("{0}")]
    Internal(String),
}

impl CinderError {
    /// The one table: (upstream exception name, HTTP status, rendering family).
    pub fn class(&self) -> (&'static str, StatusCode, Family) {
        use CinderError as E;
        use Family::*;
        const BAD: StatusCode = StatusCode::BAD_REQUEST;
        const NF: StatusCode = StatusCode::NOT_FOUND;
        const CONFLICT: StatusCode = StatusCode::CONFLICT;
        const TOO_LARGE: StatusCode = StatusCode::PAYLOAD_TOO_LARGE;
        match self {
            E::PolicyNotAuthorized { .. } => {
                ("PolicyNotAuthorized", StatusCode::FORBIDDEN, NotAuthorized)
            }
            E::AdminRequired => ("AdminRequired", StatusCode::FORBIDDEN, NotAuthorized),
            E::Http { status, .. } => ("HTTPException", *status, Client),
            E::InvalidInput(_) => ("InvalidInput", BAD, Client),
            E::ValidationError(_) => ("ValidationError", BAD, Client),
            E::InvalidParameterValue(_) => ("InvalidParameterValue", BAD, Client),
            E::InvalidVolume(_) => ("InvalidVolume", BAD, Client),
            E::InvalidSnapshot(_) => ("InvalidSnapshot", BAD, Client),
            E::InvalidVolumeType(_) => ("InvalidVolumeType", BAD, Client),
            E::VolumeTypeDeletionError(_) => ("VolumeTypeDeletionError", BAD, Client),
            E::VolumeTypeDefaultDeletionError(_) => ("VolumeTypeDefaultDeletionError", BAD, Client),
            E::InvalidUuid(_) => ("InvalidUUID", BAD, Client),
            E::InvalidAvailabilityZone(_) => ("InvalidAvailabilityZone", BAD, Client),
            E::InvalidVolumeMetadata(_) => ("InvalidVolumeMetadata", BAD, Client),
            E::InvalidVolumeMetadataSize(_) => ("InvalidVolumeMetadataSize", BAD, Client),
            E::InvalidHost(_) => ("InvalidHost", BAD, Client),
            E::InvalidQuotaValue(_) => ("InvalidQuotaValue", BAD, Client),
            E::ServiceUnavailable => ("ServiceUnavailable", BAD, Client),
            E::VersionNotFoundForApiMethod(_) => ("VersionNotFoundForAPIMethod", NF, Client),
            E::ResourceConflict(_) => ("ResourceConflict", CONFLICT, Client),
            E::NotFound => ("NotFound", NF, Client),
            E::VolumeNotFound(_) => ("VolumeNotFound", NF, Client),
            E::SnapshotNotFound(_) => ("SnapshotNotFound", NF, Client),
            E::VolumeTypeNotFound(_) => ("VolumeTypeNotFound", NF, Client),
            E::VolumeTypeNotFoundByName(_) => ("VolumeTypeNotFoundByName", NF, Client),
            E::VolumeTypeProjectDefaultNotFound(_) => {
                ("VolumeTypeProjectDefaultNotFound", NF, Client)
            }
            E::VolumeTypeEncryptionNotFound(_) => ("VolumeTypeEncryptionNotFound", NF, Client),
            E::VolumeMetadataNotFound { .. } => ("VolumeMetadataNotFound", NF, Client),
            E::SnapshotMetadataNotFound { .. } => ("SnapshotMetadataNotFound", NF, Client),
            E::VolumeTypeExtraSpecsNotFound { .. } => ("VolumeTypeExtraSpecsNotFound", NF, Client),
            E::VolumeTypeAccessNotFound { .. } => ("VolumeTypeAccessNotFound", NF, Client),
            E::ServiceNotFound(_) => ("ServiceNotFound", NF, Client),
            E::ServiceNotFoundOnHost { .. } => ("ServiceNotFound", NF, Client),
            E::MessageNotFound(_) => ("MessageNotFound", NF, Client),
            E::ProjectQuotaNotFound(_) => ("ProjectQuotaNotFound", NF, Client),
            E::QuotaClassNotFound(_) => ("QuotaClassNotFound", NF, Client),
            E::QuotaResourceUnknown(_) => ("QuotaResourceUnknown", NF, Client),
            E::VolumeTypeExists(_) => ("VolumeTypeExists", CONFLICT, Client),
            E::VolumeTypeAccessExists { .. } => ("VolumeTypeAccessExists", CONFLICT, Client),
            E::VolumeSizeExceedsAvailableQuota { .. } => {
                ("VolumeSizeExceedsAvailableQuota", TOO_LARGE, Safe)
            }
            E::VolumeSizeExceedsLimit { .. } => ("VolumeSizeExceedsLimit", TOO_LARGE, Safe),
            E::VolumeLimitExceeded { .. } => ("VolumeLimitExceeded", TOO_LARGE, Safe),
            E::SnapshotLimitExceeded { .. } => ("SnapshotLimitExceeded", TOO_LARGE, Safe),
            E::UnexpectedOverQuota(_) => ("UnexpectedOverQuota", TOO_LARGE, Safe),
            E::QuotaUsageOverflow { .. } => ("QuotaUsageOverflow", TOO_LARGE, Safe),
            E::OverQuota(_) => ("OverQuota", StatusCode::INTERNAL_SERVER_ERROR, Internal),
            E::VolumeTypeInUse(_) => (
                "VolumeTypeInUse",
                StatusCode::INTERNAL_SERVER_ERROR,
                Internal,
            ),
            E::VolumeTypeDefaultMisconfigured(_) => (
                "VolumeTypeDefaultMisconfiguredError",
                StatusCode::INTERNAL_SERVER_ERROR,
                Internal,
            ),
            E::InvalidVolumeAttachMode { .. } => ("InvalidVolumeAttachMode", BAD, Client),
            E::ConflictNovaUsingAttachment(_) => ("ConflictNovaUsingAttachment", CONFLICT, Safe),
            E::MessagingTimeout(_) => (
                "MessagingTimeout",
                StatusCode::INTERNAL_SERVER_ERROR,
                Internal,
            ),
            E::Db(e) if e.is_disconnect() => (
                "DBConnectionError",
                StatusCode::SERVICE_UNAVAILABLE,
                Internal,
            ),
            E::Db(_) => ("DBError", StatusCode::INTERNAL_SERVER_ERROR, Internal),
            E::Internal(_) => ("Exception", StatusCode::INTERNAL_SERVER_ERROR, Internal),
        }
    }

    /// The HTTP status of this error at the API.
    pub fn status(&self) -> StatusCode {
        self.class().1
    }

    /// The `Retry-After` header upstream's exception carries (`QuotaError`: `0`), which the
    /// fault also shows as `retryAfter`.
    pub fn retry_after(&self) -> Option<&'static str> {
        let (_, status, family) = self.class();
        (status == StatusCode::PAYLOAD_TOO_LARGE && family == Family::Safe).then_some("0")
    }

    /// A webob-style error raised by a controller (`webob.exc.HTTPBadRequest(explanation=...)`).
    pub fn http(status: StatusCode, explanation: impl Into<String>) -> CinderError {
        CinderError::Http {
            status,
            explanation: explanation.into(),
        }
    }

    /// `webob.exc.HTTPBadRequest(explanation=...)`.
    pub fn bad_request(explanation: impl Into<String>) -> CinderError {
        CinderError::http(StatusCode::BAD_REQUEST, explanation)
    }
}

/// A refused request body (`@validation.schema`): upstream's `ValidationError` (400), the
/// exception a format checker raised (its status), or a crash of the validator (500).
impl From<openstack_http::validation::ValidationError> for CinderError {
    fn from(e: openstack_http::validation::ValidationError) -> CinderError {
        use openstack_http::validation::ErrorKind;
        match e.kind {
            ErrorKind::Invalid => CinderError::ValidationError(e.detail),
            ErrorKind::Raised(status) => CinderError::http(status, e.detail),
            ErrorKind::Internal => CinderError::Internal(e.detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_upstreams() {
        assert_eq!(
            CinderError::VolumeNotFound("abc".into()).to_string(),
            "Volume abc could not be found."
        );
        assert_eq!(
            CinderError::PolicyNotAuthorized {
                action: "volume:delete".into()
            }
            .to_string(),
            "Policy doesn't allow volume:delete to be performed."
        );
        assert_eq!(
            CinderError::VolumeLimitExceeded {
                allowed: 10,
                name: "volumes".into()
            }
            .to_string(),
            "Maximum number of volumes allowed (10) exceeded for quota 'volumes'."
        );
    }

    #[test]
    fn families_follow_upstreams_handlers() {
        assert_eq!(
            CinderError::InvalidInput("x".into()).class().2,
            Family::Client
        );
        assert_eq!(
            CinderError::VolumeLimitExceeded {
                allowed: 1,
                name: "volumes".into()
            }
            .class(),
            (
                "VolumeLimitExceeded",
                StatusCode::PAYLOAD_TOO_LARGE,
                Family::Safe
            )
        );
        assert_eq!(
            CinderError::Internal("secret detail".into()).class().2,
            Family::Internal
        );
        assert_eq!(CinderError::AdminRequired.status(), StatusCode::FORBIDDEN);
    }
}
