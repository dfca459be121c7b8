//! vc-auth: users, roles, passwords (argon2id), access tokens (EdDSA JWTs
//! verified locally by every service) and rotating refresh tokens.

pub mod bootstrap;
pub mod config;
mod handlers;
mod lookup;
pub mod password;
mod state;
pub mod store;
pub mod validate;

use std::sync::Arc;

use actix_web::web;
use futures_util::future::BoxFuture;
use utoipa_actix_web::service_config::ServiceConfig;
use vc_protocol::topics;
use vc_runtime::{RemoteError, Runtime, Service, StartError};

pub use bootstrap::FirstAdmin;
pub use config::AuthSettings;
use state::{AuthMetrics, AuthState};

vc_runtime::service_config! {
    /// The vc-auth binary's configuration file.
    pub struct Config {
        pub auth: AuthSettings,
    }
}

/// The running vc-auth service.
pub struct Auth {
    state: web::Data<AuthState>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// The bus group instances of vc-auth share requests in.
const GROUP: &str = "vc-auth";

impl Auth {
    /// Opens the collections, loads (or creates) the signing key, creates the
    /// first admin if the store is empty, and starts answering on the bus.
    pub async fn start(
        rt: &Runtime,
        cfg: &AuthSettings,
    ) -> Result<(Arc<Self>, Option<FirstAdmin>), StartError> {
        let other = |e: &dyn std::fmt::Display| StartError::Other(format!("vc-auth: {e}"));
        cfg.validate().map_err(|e| other(&e))?;
        let keys = store::keys::load_or_create(&rt.db).await.map_err(|e| other(&e))?;
        let state = AuthState {
            users: store::users::Users::open(&rt.db).await?,
            teams: store::teams::Teams::open(&rt.db).await?,
            sessions: store::sessions::Sessions::open(&rt.db).await?,
            throttle: store::throttle::Throttle::open(&rt.db, &cfg.throttle).await?,
            revocations: store::revocations::Revocations::open(&rt.db, cfg.access_ttl_secs).await?,
            hasher: password::PasswordHasher::new(&cfg.argon2).map_err(|e| other(&e))?,
            keys,
            cfg: cfg.clone(),
            metrics: AuthMetrics::register(&rt.metrics).map_err(|e| other(&e))?,
            bus: rt.bus.clone(),
            trusted_proxies: rt.http.trusted_proxies.clone(),
        };
        // Our own verifier need not wait for the bus round trip; it takes the
        // revocations from the store too, before the first request comes,
        // so a freshly started instance never accepts a revoked token.
        rt.verifier.insert_keys(&state.keys.public);
        for r in state.revocations.recent().await.map_err(|e| other(&e))? {
            rt.verifier.apply_revocation(&r);
        }
        let state = web::Data::new(state);
        let first_admin = bootstrap::ensure_first_admin(&state).await.map_err(|e| other(&e))?;

        let public = state.keys.public.clone();
        let keys_task = rt
            .bus
            .serve(GROUP, &topics::auth::signing_keys(), move |_req| {
                let public = public.clone();
                async move { Ok(public) }
            })
            .await?;
        let s = state.clone();
        let revocations_task = rt
            .bus
            .serve(GROUP, &topics::auth::revocation_list(), move |_req| {
                let s = s.clone();
                async move {
                    s.revocations
                        .recent()
                        .await
                        .map(|entries| topics::RevocationList { entries })
                        .map_err(|e| RemoteError::new("unavailable", e.to_string()))
                }
            })
            .await?;
        let s = state.clone();
        let issue_task = rt
            .bus
            .serve(GROUP, &topics::auth::issue_token(), move |req| {
                let s = s.clone();
                async move { s.issue(&req.body).map_err(|e| RemoteError::new(e.code.as_str(), e.message)) }
            })
            .await?;
        let s = state.clone();
        let users_task = rt
            .bus
            .serve(GROUP, &topics::auth::get_user(), move |req| {
                let s = s.clone();
                async move { lookup::get_user(&s, &req.body).await }
            })
            .await?;
        Ok((
            Arc::new(Self { state, tasks: vec![keys_task, revocations_task, issue_task, users_task] }),
            first_admin,
        ))
    }
}

impl Service for Auth {
    fn configure(&self, cfg: &mut ServiceConfig) {
        cfg.app_data(self.state.clone())
            .service(handlers::login::sign_in)
            .service(handlers::refresh::refresh)
            .service(handlers::logout::logout)
            .service(handlers::me::me)
            .service(handlers::password::change_password)
            .service(handlers::users_list::list_users)
            .service(handlers::users_create::create_user)
            .service(handlers::users_get::get_user)
            .service(handlers::users_update::update_user)
            .service(handlers::teams::list_teams)
            .service(handlers::teams::create_team)
            .service(handlers::teams::update_team)
            .service(handlers::teams::delete_team);
    }

    fn shutdown(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for t in &self.tasks {
                t.abort();
            }
        })
    }
}
