//! The first admin, created when the store has no user at all.

use base64::Engine;
use vc_protocol::auth::Role;
use vc_runtime::ApiError;

use crate::handlers::users_create::new_user;
use crate::password::check_policy;
use crate::state::AuthState;
use crate::store::users::InsertError;
use crate::validate::normalize_login;

/// Who was created, and the password when it was generated (to be shown once).
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub login: String,
    pub generated_password: Option<String>,
}

impl FirstAdmin {
    /// The line printed once at start-up.
    pub fn announcement(&self) -> String {
        match &self.generated_password {
            Some(pw) => format!(
                "First admin created: login `{}`, password `{pw}` (shown once; change it)",
                self.login
            ),
            None => format!("First admin created: login `{}` (password from VC_ADMIN_PASSWORD)", self.login),
        }
    }
}

fn generate_password() -> String {
    let bytes: [u8; 15] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub async fn ensure_first_admin(state: &AuthState) -> Result<Option<FirstAdmin>, ApiError> {
    if state.users.count_all().await? > 0 {
        return Ok(None);
    }
    let login = normalize_login(&state.cfg.admin_login)
        .map_err(|m| ApiError::validation(format!("auth.admin_login: {m}")))?;
    let (password, generated) = match state.cfg.admin_password.clone().filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (generate_password(), true),
    };
    check_policy(&password, &login, state.cfg.password_min_length)
        .map_err(|m| ApiError::validation(format!("VC_ADMIN_PASSWORD / auth.admin_password: {m}")))?;
    let doc = new_user(state, login.clone(), "Administrator".into(), Role::Admin, password.clone()).await?;
    match state.users.insert(&doc).await {
        Ok(()) => {
            tracing::info!(login = %login, generated_password = generated, "created the first admin");
            Ok(Some(FirstAdmin { login, generated_password: generated.then_some(password) }))
        }
        // Another instance created it at the same moment.
        Err(InsertError::LoginTaken) => Ok(None),
        Err(InsertError::Db(e)) => Err(e.into()),
    }
}
