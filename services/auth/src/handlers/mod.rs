//! One file per endpoint.

pub mod login;
pub mod logout;
pub mod me;
pub mod password;
pub mod refresh;
pub mod teams;
pub mod users_create;
pub mod users_get;
pub mod users_list;
pub mod users_update;

use vc_runtime::ApiError;

/// Turns a validation message into a 422.
pub(crate) fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// The metrics label of a handler's outcome: `ok` or the error code.
pub(crate) fn outcome<T>(result: &Result<T, ApiError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code.as_str(),
    }
}
