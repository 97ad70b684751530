//! The API's error policy.
//!
//! Every error a client sees is an [`ApiError`] and carries a stable `extensions.code`
//! (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, INTERNAL,
//! SERVICE_UNAVAILABLE; and from the HTTP layer and limits: LIMIT_EXCEEDED, RATE_LIMITED,
//! METHOD_NOT_ALLOWED, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE, BAD_REQUEST,
//! REQUEST_HEADER_TOO_LARGE). Rules:
//! - a record the caller may not see is NOT_FOUND, word for word the same as a record that does not
//!   exist: messages never carry a title, a count or anything else read from a hidden row;
//! - FORBIDDEN means "you can see it but may not do this to it";
//! - internal errors (database, bugs) are logged with `tracing` and reach the client as a generic
//!   message, so no SQL, path or stack trace leaves the server.
//!
//! Resolvers return `ApiError` through `?`; async-graphql keeps it as the error's source and the
//! `graphql::ErrorCodes` extension turns it into `extensions.code` for every error of a response.
//! `anyhow` is used only at start-up and in the CLI.

use async_graphql::ErrorExtensions;

/// An error a resolver or service function returns.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The input is malformed or out of range; `field` names the offending argument when known.
    #[error("{message}")]
    BadInput {
        message: String,
        field: Option<String>,
    },
    /// No token, or a token that failed validation, where one is required.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller can see the record but may not perform the operation.
    #[error("{0}")]
    Forbidden(String),
    /// The record does not exist or the caller may not see it (deliberately indistinguishable).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write conflicts with the current state (stale version, duplicate).
    #[error("{0}")]
    Conflict(String),
    /// Something failed on our side; details are in the server log only.
    #[error("internal server error")]
    Internal,
    /// The database is unreachable, saturated or too slow: retry shortly (HTTP 503).
    #[error("the service is temporarily unavailable; retry shortly")]
    Unavailable,
}

impl ApiError {
    /// A BAD_USER_INPUT error naming the field.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadInput {
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    /// The stable code put in `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadInput { .. } => "BAD_USER_INPUT",
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Internal => "INTERNAL",
            ApiError::Unavailable => "SERVICE_UNAVAILABLE",
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    /// No connection to be had (down, or the pool exhausted past its acquire timeout) and
    /// statements cancelled by the statement timeout are retryable; anything else is a bug.
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        let unavailable = match &err {
            DbErr::ConnectionAcquire(_) => {
                // Requests that waited for a connection and gave up: the pool's queue overflowing.
                metrics::counter!("csp_db_acquire_failures_total").increment(1);
                true
            }
            DbErr::Conn(_) => true,
            other => {
                let text = other.to_string();
                text.contains("statement timeout")
                    || text.contains("database is locked")
                    || text.contains("connection refused")
                    || text.contains("terminating connection")
                    || text.contains("PoolTimedOut")
                    || text.contains("pool timed out")
            }
        };
        if unavailable {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::Unavailable
        } else {
            tracing::error!(error = %err, "database error");
            ApiError::Internal
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| {
            e.set("code", self.code());
            if let ApiError::BadInput {
                field: Some(field), ..
            } = self
            {
                e.set("field", field.as_str());
            }
        })
    }
}

/// Result type of service functions.
pub type ApiResult<T> = Result<T, ApiError>;
