//! The API's error policy.
//!
//! Every error a client sees carries a stable `extensions.code`, one of [`ErrorCode`]: the one
//! vocabulary the resolvers ([`ApiError`]), the request limits, the HTTP layer and the handling
//! of async-graphql's own errors all speak, each code with its HTTP status. Rules:
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

/// Every `extensions.code` the API sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// An argument, variable or header value is malformed or out of range.
    BadUserInput,
    /// No token, or one that failed validation, where one is required.
    Unauthenticated,
    /// The caller can see the record but may not do this to it.
    Forbidden,
    /// The record does not exist or the caller may not see it.
    NotFound,
    /// The change conflicts with the current state.
    Conflict,
    /// A fault on our side.
    Internal,
    /// The database is unreachable, saturated or too slow, or the request ran out of time.
    ServiceUnavailable,
    /// The document does not parse or validate against the schema.
    GraphqlValidationFailed,
    /// The document is over a limit (size, depth, cost, aliases, root fields).
    LimitExceeded,
    /// The caller's cost budget is spent.
    RateLimited,
    /// The method cannot carry this operation (a mutation by GET, a query over the WebSocket).
    MethodNotAllowed,
    /// The request body is not `application/json`.
    UnsupportedMediaType,
    /// Nothing the client accepts can be produced.
    NotAcceptable,
    /// The HTTP request is not a GraphQL request (no query, bad JSON, a batch).
    BadRequest,
    /// The `Authorization` header is over its limit.
    RequestHeaderTooLarge,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::BadUserInput,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Internal,
        ErrorCode::ServiceUnavailable,
        ErrorCode::GraphqlValidationFailed,
        ErrorCode::LimitExceeded,
        ErrorCode::RateLimited,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::NotAcceptable,
        ErrorCode::BadRequest,
        ErrorCode::RequestHeaderTooLarge,
    ];

    /// The text in `extensions.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::NotAcceptable => "NOT_ACCEPTABLE",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::RequestHeaderTooLarge => "REQUEST_HEADER_TOO_LARGE",
        }
    }

    /// The code for a text from `extensions.code`.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The HTTP status of a response that this error alone answers (nothing executed). Errors
    /// beside data keep 200, as GraphQL over HTTP has it; see `http::respond` for the choice.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::BadUserInput
            | ErrorCode::GraphqlValidationFailed
            | ErrorCode::LimitExceeded
            | ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::NotAcceptable => 406,
            ErrorCode::Conflict => 409,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::RequestHeaderTooLarge => 431,
            ErrorCode::Internal => 500,
            ErrorCode::ServiceUnavailable => 503,
        }
    }

    /// An error async-graphql can carry, with this code in its extensions.
    pub fn server_error(self, message: impl Into<String>) -> async_graphql::ServerError {
        let mut err = async_graphql::ServerError::new(message, None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", self.as_str());
        err.extensions = Some(ext);
        err
    }

    /// The code an error of a response carries, if it carries one of ours.
    pub fn of(error: &async_graphql::ServerError) -> Option<ErrorCode> {
        match error.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(text) => ErrorCode::parse(text),
            _ => None,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// A partnership requires a stated purpose (the `X-Access-Purpose` header) for this read or
    /// change, and none was given: BAD_USER_INPUT naming the header.
    #[error("{0}")]
    PurposeRequired(String),
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

    /// The caller must state why they are reading restricted records (`X-Access-Purpose`).
    pub fn purpose_required(message: impl Into<String>) -> Self {
        ApiError::PurposeRequired(message.into())
    }

    /// The stable code put in `extensions.code`.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadInput { .. } | ApiError::PurposeRequired(_) => ErrorCode::BadUserInput,
            ApiError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Internal => ErrorCode::Internal,
            ApiError::Unavailable => ErrorCode::ServiceUnavailable,
        }
    }

    /// The argument or header at fault, when known (`extensions.field`).
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadInput { field, .. } => field.as_deref(),
            ApiError::PurposeRequired(_) => Some(PURPOSE_HEADER),
            _ => None,
        }
    }

    /// The error async-graphql carries for a refusal raised outside a resolver.
    pub fn server_error(&self) -> async_graphql::ServerError {
        let mut err = self.code().server_error(self.to_string());
        if let (Some(field), Some(ext)) = (self.field(), err.extensions.as_mut()) {
            ext.set("field", field);
        }
        err
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
            e.set("code", self.code().as_str());
            if let Some(field) = self.field() {
                e.set("field", field);
            }
        })
    }
}

/// What async-graphql raised itself, told apart by its English message: the one place those
/// texts are read, so the unit test below, which makes async-graphql raise each of them, fails
/// loudly when an upgrade rewords one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raised {
    /// The depth limit (`limit_depth`).
    TooDeep,
    /// The complexity limit (`limit_complexity`).
    TooComplex,
    /// A value that does not coerce to its type (a bad enum, date or ID).
    BadValue,
    /// The automatic-persisted-query protocol's "send the document" answer: clients match on
    /// its text, so it is never rewritten.
    PersistedQuery,
    /// Anything else without a path: syntax, validation.
    Invalid,
    /// Anything else with a path: a bug.
    Internal,
}

impl Raised {
    /// Classifies an error async-graphql raised.
    pub fn of(error: &async_graphql::ServerError) -> Raised {
        let message = error.message.as_str();
        if message.starts_with("Query is nested too deep") {
            Raised::TooDeep
        } else if message.starts_with("Query is too complex") {
            Raised::TooComplex
        } else if message.starts_with("Invalid value") || message.starts_with("Failed to parse") {
            Raised::BadValue
        } else if message.starts_with("PersistedQuery") {
            Raised::PersistedQuery
        } else if error.path.is_empty() {
            Raised::Invalid
        } else {
            Raised::Internal
        }
    }
}

/// The header in which a caller states their purpose.
pub const PURPOSE_HEADER: &str = "X-Access-Purpose";

/// Result type of service functions.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Enum, Object, Schema};

    #[derive(Enum, Clone, Copy, PartialEq, Eq)]
    enum Colour {
        Red,
    }

    struct Query;

    #[Object]
    impl Query {
        async fn nested(&self) -> Query {
            Query
        }
        async fn colour(&self, colour: Colour) -> Colour {
            colour
        }
        async fn day(&self, day: chrono::NaiveDate) -> chrono::NaiveDate {
            day
        }
        async fn fails(&self) -> async_graphql::Result<i32> {
            Err("boom".into())
        }
    }

    /// The first error async-graphql raises for `query` on a schema with depth 3 and cost 5.
    async fn raised(query: &str) -> async_graphql::ServerError {
        use async_graphql::extensions::apollo_persisted_queries::{
            ApolloPersistedQueries, LruCacheStorage,
        };
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .limit_depth(3)
            .limit_complexity(5)
            .extension(ApolloPersistedQueries::new(LruCacheStorage::new(10)))
            .finish();
        let mut request = async_graphql::Request::new(query);
        if query.is_empty() {
            request.extensions.insert(
                "persistedQuery".into(),
                async_graphql::Value::from_json(serde_json::json!({
                    "version": 1,
                    "sha256Hash": "0000000000000000000000000000000000000000000000000000000000000000"
                }))
                .expect("json value"),
            );
        }
        let response = schema.execute(request).await;
        response.errors.into_iter().next().expect("an error")
    }

    /// Pins async-graphql's messages: each of its refusals is classified as it should be.
    #[tokio::test]
    async fn async_graphqls_own_messages_are_recognised() {
        let cases = [
            (
                "{ nested { nested { nested { nested { __typename } } } } }",
                Raised::TooDeep,
            ),
            (
                "{ a: fails b: fails c: fails d: fails e: fails f: fails }",
                Raised::TooComplex,
            ),
            ("{ colour(colour: BLUE) }", Raised::BadValue),
            (r#"{ day(day: "2026-13-45") }"#, Raised::BadValue),
            ("", Raised::PersistedQuery),
            ("{ nosuchfield }", Raised::Invalid),
            ("{ fails }", Raised::Internal),
        ];
        for (query, expected) in cases {
            let error = raised(query).await;
            assert_eq!(Raised::of(&error), expected, "{query}: {}", error.message);
        }
    }

    #[test]
    fn every_code_parses_back_from_its_text() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
    }
}
