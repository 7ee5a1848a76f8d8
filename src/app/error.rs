//! The one error type of the application's adapters (the JSON API answers it as its envelope,
//! the web pages as an HTML page), and the conversions into it from the domain's errors.
//!
//! Policy: handlers return `Result<_, AppError>`. Expected failures (bad input, missing things,
//! conflicts) get a specific variant with a message meant for the client. Anything unexpected
//! becomes [`AppError::Internal`] through `?` on an `anyhow::Error`: it is logged in full and
//! answered as an opaque 500, so internals never leak to clients.
//!
//! Every error body has the same shape:
//! `{"error": {"code": "not_found", "message": "…"}}`, plus `details` where there is structure to
//! give. The request id travels in the `x-request-id` response header.

use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        FromRequest, FromRequestParts, Request,
    },
    http::{header, HeaderValue, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_secs: u64 },
    #[error("{message}")]
    Unavailable {
        message: String,
        details: serde_json::Value,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

// Faults of the database, a blocking task or our own serialisation are the server's: each
// becomes a 500 whose cause is logged, never shown (but see `refused_text` below).
internal_from!(AppError: sqlx::Error, tokio::task::JoinError, serde_json::Error);

/// The message for text PostgreSQL refused to store, if that is what `err` is: a NUL character
/// (SQLSTATE 22021) or another byte sequence that is not UTF-8 text. Requests are checked for NUL
/// at the edge; this keeps any text that still reaches a query a client's error, never a 500.
fn refused_text(err: &anyhow::Error) -> Option<String> {
    let code = err
        .chain()
        .find_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .and_then(|err| err.as_database_error())
        .and_then(|err| err.code())?;
    matches!(code.as_ref(), "22021" | "22P05")
        .then(|| "text may not hold a NUL character (\\u0000) or bytes that are not UTF-8".to_owned())
}

impl From<crate::problems::fields::FieldError> for AppError {
    fn from(err: crate::problems::fields::FieldError) -> Self {
        Self::Unprocessable(err.to_string())
    }
}

impl From<crate::problems::view::ViewError> for AppError {
    fn from(err: crate::problems::view::ViewError) -> Self {
        use crate::problems::view::ViewError;
        match err {
            ViewError::NotFound(_) => Self::NotFound(err.to_string()),
            ViewError::Invalid(message) => Self::Unprocessable(message),
            ViewError::Internal(err) => Self::Internal(err),
        }
    }
}

impl From<crate::problems::import::ImportError> for AppError {
    fn from(err: crate::problems::import::ImportError) -> Self {
        use crate::problems::import::ImportError;
        match err {
            ImportError::Malformed(message) => Self::BadRequest(message),
            ImportError::Invalid(message) => Self::Unprocessable(message),
            ImportError::TooLarge(message) => Self::PayloadTooLarge(message),
            ImportError::SlugTaken(_) => Self::Conflict(err.to_string()),
            ImportError::Internal(err) => Self::Internal(err),
        }
    }
}

impl From<crate::problems::editing::EditError> for AppError {
    fn from(err: crate::problems::editing::EditError) -> Self {
        use crate::problems::editing::EditError;
        match err {
            EditError::Invalid(message) => Self::Unprocessable(message),
            EditError::NotFound(message) => Self::NotFound(message),
            EditError::Internal(err) => Self::Internal(err),
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable error code, e.g. `not_found`.
    pub code: &'static str,
    /// Human-readable explanation naming the problem.
    pub message: String,
    /// Structured extra information, where there is any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unprocessable(_) => "unprocessable",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable { .. } => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl AppError {
    /// The error a response of `status` stands for, e.g. to answer a rejection of axum's in the
    /// envelope. A status without a variant of its own is a client error named by its message.
    pub fn with_status(status: StatusCode, message: String) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthorized(message),
            StatusCode::FORBIDDEN => Self::Forbidden(message),
            StatusCode::NOT_FOUND => Self::NotFound(message),
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed(message),
            StatusCode::CONFLICT => Self::Conflict(message),
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge(message),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(message),
            StatusCode::UNPROCESSABLE_ENTITY => Self::Unprocessable(message),
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable {
                message,
                details: serde_json::json!({}),
            },
            status if status.is_server_error() => Self::Internal(anyhow::anyhow!(message)),
            _ => Self::BadRequest(message),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let mut retry_after = None;
        if let Self::Internal(err) = &self {
            if let Some(message) = refused_text(err) {
                return Self::Unprocessable(message).into_response();
            }
            if matches!(err.downcast_ref::<sqlx::Error>(), Some(sqlx::Error::PoolTimedOut)) {
                // Overload, not a bug: every database connection is busy. Clients retry.
                tracing::warn!("no database connection free in time; answering 503");
                let mut response = Self::Unavailable {
                    message: "the server is busy: try again in a moment".to_owned(),
                    details: serde_json::json!({ "retry_after_secs": 1 }),
                }
                .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(1));
                return response;
            }
        }
        let (message, details) = match self {
            Self::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                ("internal server error".to_owned(), None)
            }
            Self::Unavailable { message, details } => (message, Some(details)),
            Self::TooManyRequests {
                message,
                retry_after_secs,
            } => {
                retry_after = Some(retry_after_secs);
                (
                    message,
                    Some(serde_json::json!({ "retry_after_secs": retry_after_secs })),
                )
            }
            other => (other.to_string(), None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                details,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Answers a request no route matches.
pub async fn not_found(method: Method, uri: Uri) -> AppError {
    AppError::NotFound(format!("no route for {method} {}", uri.path()))
}

/// Answers a known path called with a method it does not take.
pub async fn method_not_allowed(method: Method, uri: Uri) -> AppError {
    AppError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}

/// `axum::Json`, but a malformed body is answered in our envelope rather than axum's plain text,
/// and a string holding a NUL character (`\u0000`), which PostgreSQL cannot store, is refused
/// (422, naming where it is) before the handler runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state).await?;
        if let Some(at) = nul_at(&value) {
            let at = match at.strip_prefix('.') {
                Some(path) => format!("`{path}` of the JSON body"),
                None if at.is_empty() => "the JSON body".to_owned(),
                None => format!("`{at}` of the JSON body"),
            };
            return Err(AppError::Unprocessable(format!(
                "{at} may not hold a NUL character (\\u0000)"
            )));
        }
        serde_path_to_error::deserialize(value).map(Json).map_err(|err| {
            let at = err.path().to_string();
            let err = err.into_inner();
            AppError::Unprocessable(if at == "." {
                format!("the JSON body does not fit: {err}")
            } else {
                format!("the JSON body does not fit at `{at}`: {err}")
            })
        })
    }
}

/// Where in `value` a string (or an object's key) holds a NUL character: `""` for the body
/// itself, else a path such as `.tests[2].input`.
fn nul_at(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0').then(String::new),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| nul_at(item).map(|rest| format!("[{index}]{rest}"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                return Some(format!(".{}", key.escape_default()));
            }
            nul_at(item).map(|rest| format!(".{key}{rest}"))
        }),
        _ => None,
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        let message = rejection.body_text();
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::UnsupportedMediaType(message),
            JsonRejection::JsonDataError(_) => Self::Unprocessable(message),
            // The body limit's rejection carries its own status.
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge(message),
            _ => Self::BadRequest(message),
        }
    }
}

/// `axum::extract::Query`, but a query string that does not fit is answered in our envelope: a
/// 422 naming the parameter, like a body that does not fit.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        let message = rejection.body_text();
        match rejection {
            QueryRejection::FailedToDeserializeQueryString(_) => Self::Unprocessable(message),
            _ => Self::BadRequest(message),
        }
    }
}
