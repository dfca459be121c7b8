//! `ApiError`: the one error type at the HTTP edge. It always answers
//! `{"code","message"}` with the status its code maps to.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use vc_protocol::{ErrorBody, ErrorCode};

use crate::bus::BusError;
use crate::db::DbError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after: None }
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs.max(1));
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationFailed, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServiceUnavailable, message).with_retry_after(5)
    }

    /// An unexpected failure: logged in full with a reference, answered
    /// without internals.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(error = %error, reference = %reference, "internal error");
        Self::new(ErrorCode::Internal, format!("internal error (reference {reference})"))
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { code: self.code, message: self.message.clone() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        if self.code.http_status() == 401 {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        res.json(self.body())
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Timeout(_) => ApiError::unavailable("the database is not reachable"),
            DbError::Mongo(ref m) if is_unreachable(m) => {
                tracing::warn!(error = %e, "database unreachable");
                ApiError::unavailable("the database is not reachable")
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<mongodb::error::Error> for ApiError {
    fn from(e: mongodb::error::Error) -> Self {
        DbError::from(e).into()
    }
}

fn is_unreachable(e: &mongodb::error::Error) -> bool {
    use mongodb::error::ErrorKind;
    matches!(
        e.kind.as_ref(),
        ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::ConnectionPoolCleared { .. }
    )
}

impl From<BusError> for ApiError {
    fn from(e: BusError) -> Self {
        match e {
            BusError::Timeout { .. } | BusError::Closed => {
                tracing::warn!(error = %e, "bus unavailable");
                ApiError::unavailable("an internal service did not answer in time")
            }
            // A service refused the request with one of our codes: pass it on.
            BusError::Remote { code, message, .. }
                if let Ok(code) =
                    serde_json::from_value::<ErrorCode>(serde_json::Value::String(code.clone())) =>
            {
                ApiError::new(code, message)
            }
            other => ApiError::internal(other),
        }
    }
}

/// Turns actix's extractor errors (bad JSON, bad query, bad path) into our shape.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { length, limit } => ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("body of {length} bytes is over the limit of {limit} bytes"),
        ),
        E::Overflow { limit } => {
            ApiError::new(ErrorCode::PayloadTooLarge, format!("body is over the limit of {limit} bytes"))
        }
        E::ContentType => ApiError::bad_request("expected Content-Type: application/json"),
        E::Deserialize(e) => ApiError::bad_request(format!("invalid JSON body: {e}")),
        other => ApiError::bad_request(format!("could not read the body: {other}")),
    };
    api.into()
}

pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(format!("invalid query string: {err}")).into()
}

pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(ErrorCode::NotFound, format!("invalid path: {err}")).into()
}
