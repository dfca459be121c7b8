//! `v1/auth/users/get`: what other services need to know about a staff user
//! (vc-server checks the agent a call is booked for or reassigned to).

use vc_protocol::topics::{GetUser, UserSummary};
use vc_runtime::RemoteError;

use crate::state::AuthState;

pub async fn get_user(state: &AuthState, req: &GetUser) -> Result<UserSummary, RemoteError> {
    match state.users.by_id(req.user_id).await {
        Ok(Some(u)) => Ok(UserSummary {
            id: u.id,
            login: u.login,
            name: u.name,
            role: u.role,
            disabled: u.disabled,
            team_id: u.team_id,
        }),
        Ok(None) => Err(RemoteError::new("user_not_found", "no user with this id")),
        Err(e) => Err(RemoteError::new("service_unavailable", e.to_string())),
    }
}
