//! What every v3 controller shares: the service's configuration, the database (connected
//! lazily, in the worker that serves, because the paste app is built in the parent before
//! the workers are forked and a pool must not cross a fork), and the policy enforcer.

use std::sync::Arc;

use openstack_config::ConfigOpts;
use std::sync::Mutex;

use futures_util::future::BoxFuture;
use openstack_db::{Database, DatabaseOpts, DbError, Transaction};
use openstack_service::policy::{Enforcer, PolicyError, Target};
use openstack_service::RequestContext;
use tokio::sync::OnceCell;

use crate::common::config::CinderOpts;
use crate::exception::CinderError;

/// The state of the v3 application.
pub struct ApiState {
    pub conf: ConfigOpts,
    pub opts: CinderOpts,
    pub policy: Enforcer,
    pub quotas: crate::quota::Quotas,
    db_opts: DatabaseOpts,
    db: OnceCell<Database>,
}

impl ApiState {
    /// Reads what the controllers need from `conf`; no connection is made yet.
    pub fn new(conf: &ConfigOpts) -> Result<ApiState, String> {
        let opts: CinderOpts = conf.load().map_err(|e| e.to_string())?;
        let db_opts: DatabaseOpts = conf.load().map_err(|e| e.to_string())?;
        let policy = crate::policies::enforcer(conf).map_err(|e| e.to_string())?;
        Ok(ApiState {
            conf: conf.clone(),
            opts,
            policy,
            quotas: crate::quota::Quotas::new(conf)?,
            db_opts,
            db: OnceCell::new(),
        })
    }

    /// The database of this process, connected on first use.
    pub async fn db(&self) -> Result<&Database, CinderError> {
        self.db
            .get_or_try_init(|| async {
                let mut opts = self.db_opts.clone();
                // Serving requests: fail fast when the database is down (503), reconnect on a
                // later request.
                opts.max_retries = 0;
                Database::connect(&opts).await
            })
            .await
            .map_err(CinderError::from)
    }

    /// `context.authorize(rule, target=...)`: 403 with upstream's message when refused.
    pub fn authorize(
        &self,
        ctx: &RequestContext,
        rule: &str,
        target: &Target,
    ) -> Result<(), CinderError> {
        self.policy
            .authorize(rule, target, ctx)
            .map_err(|e| match e {
                PolicyError::NotAuthorized { .. } => CinderError::PolicyNotAuthorized {
                    action: rule.to_string(),
                },
                other => CinderError::Internal(other.to_string()),
            })
    }

    /// The context a controller sees: `is_admin` decided by the `context_is_admin` rule
    /// when the auth filter did not make the caller an admin (cinder's RequestContext does
    /// this on construction).
    pub fn context(&self, ctx: &Arc<RequestContext>) -> Arc<RequestContext> {
        if ctx.is_admin || !self.policy.check_is_admin(ctx) {
            return Arc::clone(ctx);
        }
        let mut admin = (**ctx).clone();
        admin.is_admin = true;
        Arc::new(admin)
    }
}

/// Runs `f` in one write transaction of `db`: committed when it returns `Ok`, rolled back
/// when it returns any error — a refusal (over quota, bad source) leaves nothing behind —
/// and retried as a whole on a deadlock or a lock timeout.
pub async fn write<'a, T, F>(db: &'a Database, mut f: F) -> Result<T, CinderError>
where
    T: Send + 'static,
    F: for<'t> FnMut(&'t mut Transaction<'a>) -> BoxFuture<'t, Result<T, CinderError>>,
{
    let refusal: Arc<Mutex<Option<CinderError>>> = Arc::new(Mutex::new(None));
    let result = db
        .write(|tx| {
            let fut = f(tx);
            let refusal = Arc::clone(&refusal);
            Box::pin(async move {
                match fut.await {
                    Ok(v) => Ok(v),
                    Err(CinderError::Db(e)) => Err(e),
                    Err(other) => {
                        if let Ok(mut slot) = refusal.lock() {
                            *slot = Some(other);
                        }
                        Err(DbError::Other("refused".into()))
                    }
                }
            })
        })
        .await;
    match result {
        Ok(v) => Ok(v),
        Err(e) => match refusal.lock().ok().and_then(|mut s| s.take()) {
            Some(refused) => Err(refused),
            None => Err(CinderError::Db(e)),
        },
    }
}
