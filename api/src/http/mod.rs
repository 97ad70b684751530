//! GraphQL over HTTP: the `/graphql` endpoint as the GraphQL-over-HTTP specification describes
//! it, and the WebSocket endpoint for subscriptions.
//!
//! - POST takes `application/json` only (anything else is 415, which also blocks cross-site form
//!   posts); GET takes queries only (a mutation is 405 with `Allow: POST`). Batches are refused.
//! - The response is `application/graphql-response+json` when the client accepts it, with 400
//!   for a request that could not start executing (no `data` key); otherwise `application/json`
//!   with 200, as legacy clients expect. Rate limits are 429, an unavailable database or a
//!   request over its time limit 503, both with `Retry-After`.
//! - Every response carries the caller's remaining rate budget (`RateLimit-Limit`,
//!   `RateLimit-Remaining`) once a query has been costed.
//! - Restricted reads are audited before the response leaves; if that fails it is withheld.

pub mod calendar;
mod caller;
pub mod export;
pub mod frontend;
pub mod import;
pub mod items;
pub mod metrics;
pub mod scim;
mod state;

use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::limits::HttpInfo;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// Seconds a client is told to wait after a 503.
const RETRY_AFTER_UNAVAILABLE: u64 = 5;

pub use caller::{Caller, MAX_AUTHORIZATION_BYTES, MAX_PURPOSE_LEN};
pub use state::AppState;

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        caller_from_headers(state, &parts.headers).await
    }
}

/// The caller of an HTTP request, or the response refusing it. GraphQL handlers call this only
/// after the cheap checks (method, media types, body), so a malformed request costs no database
/// work. A header that is not text reads as empty, and is refused as such.
pub async fn caller_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Caller, Response> {
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    Caller::identify(
        state,
        text(header::AUTHORIZATION.as_str()),
        text("x-access-purpose"),
    )
    .await
    .map_err(|e| match e {
        ApiError::Unauthenticated(_) => unauthenticated(e),
        ApiError::BadInput { .. } => error_response(StatusCode::BAD_REQUEST, e),
        ApiError::Unavailable => error_response(StatusCode::SERVICE_UNAVAILABLE, e),
        other => error_response(StatusCode::INTERNAL_SERVER_ERROR, other),
    })
}

/// The TCP peer's address, when the server was started with connection info.
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0),
        ))
    }
}

/// A GraphQL-shaped error body with the given HTTP status.
pub(crate) fn error_response(status: StatusCode, err: ApiError) -> Response {
    coded_response(status, err.code(), &err.to_string())
}

/// A GraphQL-shaped body for a refusal outside GraphQL execution, with the code's own status
/// unless the transport's rules say otherwise (`status`).
fn coded_response(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(RETRY_AFTER_UNAVAILABLE),
        );
    }
    response
}

/// Refuses a request whose `Authorization` header is over [`MAX_AUTHORIZATION_BYTES`] with 431
/// (Request Header Fields Too Large), on every route, before any handler reads the token: the
/// GraphQL endpoint, the CSV export and the WebSocket upgrade alike.
pub async fn refuse_oversized_authorization(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let size: usize = request
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .map(|v| v.len())
        .sum();
    if size > MAX_AUTHORIZATION_BYTES {
        return authorization_too_large();
    }
    next.run(request).await
}

fn authorization_too_large() -> Response {
    coded_response(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ErrorCode::RequestHeaderTooLarge,
        &format!("the Authorization header is over {MAX_AUTHORIZATION_BYTES} bytes"),
    )
}

/// 429 for a request the caller's budget cannot afford: the body, code and `Retry-After` of
/// GraphQL's 429, for transports outside GraphQL (the CSV export).
pub(crate) fn rate_limited(refused: crate::core::limits::RateLimited) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": refused.message(),
            "extensions": { "code": ErrorCode::RateLimited.as_str(), "retryAfter": refused.retry_after }
        }]
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(refused.retry_after));
    response
}

/// `RateLimit-Limit` and `RateLimit-Remaining`: the caller's budget after this request.
pub(crate) fn rate_headers(headers: &mut HeaderMap, rate: crate::core::limits::RateState) {
    headers.insert("ratelimit-limit", HeaderValue::from(rate.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(rate.remaining));
}

/// 401 with a GraphQL-shaped body: a bad token never falls back to the public view.
fn unauthenticated(err: ApiError) -> Response {
    let mut response = error_response(StatusCode::UNAUTHORIZED, err);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// The response media type the client asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Media {
    /// `application/graphql-response+json`: status codes follow the specification.
    GraphqlResponse,
    /// `application/json` (or no preference): always 200 for a well-formed request.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// Reads `Accept`: the first supported type in the client's order of preference; no header or a
/// wildcard means `application/json`. `None`: nothing we can produce (406).
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q, media)
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges
        .into_iter()
        .find_map(|(_, media)| match media.to_ascii_lowercase().as_str() {
            "application/graphql-response+json" => Some(Media::GraphqlResponse),
            "application/json" | "application/*" | "*/*" => Some(Media::Json),
            _ => None,
        })
}

/// The client address: the socket peer, or the last `X-Forwarded-For` hop when configured.
pub(crate) fn client_address(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    if state.trust_forwarded_for {
        // The last hop is the one our own proxy added (a client can write earlier ones).
        if let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return Some(ip);
        }
    }
    peer.map(|p| p.ip())
}

/// Operation names go into metrics and logs: keep them short and plain.
fn operation_label(name: Option<&str>) -> String {
    match name {
        Some(n)
            if !n.is_empty()
                && n.len() <= 64
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            n.to_string()
        }
        Some(_) => "invalid".into(),
        None => "anonymous".into(),
    }
}

/// Runs one GraphQL request and turns the result into an HTTP response.
async fn execute(
    state: &AppState,
    caller: Caller,
    mut request: async_graphql::Request,
    media: Media,
    http: HttpInfo,
) -> Response {
    let started = Instant::now();
    let operation = operation_label(request.operation_name.as_deref());
    tracing::Span::current().record("operation", operation.as_str());
    if let Some(person) = caller.viewer.person_id() {
        tracing::Span::current().record("person", tracing::field::display(person));
    }
    if state.production && caller.viewer.person.is_none() {
        request = request.disable_introspection();
    }
    let context = RequestContext::new(
        caller.viewer,
        state.db.clone(),
        caller.purpose,
        state.events.clone(),
    );
    let (viewer, reads, purpose) = (
        context.viewer.clone(),
        context.reads.clone(),
        context.purpose.clone(),
    );
    let rate = http.rate.clone();
    let run = state.schema.execute(request.data(context).data(http));
    let response = match tokio::time::timeout(state.request_timeout, run).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(operation, "request timed out");
            crate::http::metrics::request(
                &operation,
                ErrorCode::ServiceUnavailable.as_str(),
                started,
            );
            return coded_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "the request took too long and was stopped; re-read before retrying a change",
            );
        }
    };
    // Every read of restricted content is recorded before the content leaves the server; if the
    // audit log cannot be written, the response is withheld.
    match crate::core::audit::settle_reads(&state.db, &viewer, purpose.as_deref(), reads.drain())
        .await
    {
        Ok(()) => {}
        Err(refused @ ApiError::PurposeRequired(_)) => {
            crate::http::metrics::request(&operation, refused.code().as_str(), started);
            return error_response(StatusCode::BAD_REQUEST, refused);
        }
        Err(err) => {
            tracing::error!(error = ?err, "cannot audit restricted reads; response withheld");
            return error_response(StatusCode::SERVICE_UNAVAILABLE, ApiError::Unavailable);
        }
    }
    let rate = rate.lock().ok().and_then(|r| *r);
    respond(response, media, rate, &operation, started)
}

/// The HTTP status, headers and body for an executed request.
fn respond(
    response: async_graphql::Response,
    media: Media,
    rate: Option<crate::core::limits::RateState>,
    operation: &str,
    started: Instant,
) -> Response {
    let codes: Vec<ErrorCode> = response.errors.iter().filter_map(ErrorCode::of).collect();
    let has = |code: ErrorCode| codes.contains(&code);
    // A request error: nothing executed (no path on any error, no data).
    let request_error = !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty());
    let status_of = |code: ErrorCode| StatusCode::from_u16(code.status()).unwrap_or(StatusCode::OK);
    let (status, retry_after) = if has(ErrorCode::RateLimited) {
        let wait = response
            .errors
            .iter()
            .find_map(|e| e.extensions.as_ref()?.get("retryAfter").cloned())
            .and_then(|v| v.to_string().parse::<u64>().ok())
            .unwrap_or(60);
        (status_of(ErrorCode::RateLimited), Some(wait))
    } else if has(ErrorCode::ServiceUnavailable) && response.data == async_graphql::Value::Null {
        (
            status_of(ErrorCode::ServiceUnavailable),
            Some(RETRY_AFTER_UNAVAILABLE),
        )
    } else if has(ErrorCode::MethodNotAllowed) {
        (status_of(ErrorCode::MethodNotAllowed), None)
    } else if request_error && media == Media::GraphqlResponse {
        (StatusCode::BAD_REQUEST, None)
    } else {
        (StatusCode::OK, None)
    };
    crate::http::metrics::request(
        operation,
        codes.first().map(|c| c.as_str()).unwrap_or("OK"),
        started,
    );
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| serde_json::json!({}));
    if request_error {
        // The specification: no `data` entry when execution did not start.
        if let Some(map) = body.as_object_mut() {
            map.remove("data");
        }
    }
    let mut http = (status, Json(body)).into_response();
    let headers = http.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    // Answers depend on who asks: never stored by browsers or shared caches.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, X-Access-Purpose, Accept"),
    );
    if let Some(wait) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    if let Some(rate) = rate {
        rate_headers(headers, rate);
    }
    for (name, value) in response.http_headers.iter() {
        headers.insert(name.clone(), value.clone());
    }
    http
}

/// `POST /graphql`.
pub async fn graphql_post(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return coded_response(
            StatusCode::NOT_ACCEPTABLE,
            ErrorCode::NotAcceptable,
            "send Accept: application/graphql-response+json or application/json",
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if content_type.as_deref() != Some("application/json") {
        return coded_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the request as Content-Type: application/json",
        );
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            return coded_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "the body is not valid JSON",
            )
        }
    };
    let Some(fields) = value.as_object() else {
        return coded_response(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "the body must be one JSON object with `query` (batches are not accepted)",
        );
    };
    let persisted = fields
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    match fields.get("query") {
        Some(serde_json::Value::String(_)) => {}
        None if persisted => {}
        _ => {
            return coded_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                "`query` must be a string holding the GraphQL document",
            )
        }
    }
    let request = serde_json::from_value(value).map_err(|e| e.to_string());
    run(&state, &headers, peer, request, media, false).await
}

/// The part both methods share once the request is read: a malformed request is 400; then the
/// token (the first database work), then execution.
async fn run(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    request: Result<async_graphql::Request, String>,
    media: Media,
    get: bool,
) -> Response {
    let request = match request {
        Ok(r) => r,
        Err(err) => {
            return coded_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                &format!("not a GraphQL request: {err}"),
            )
        }
    };
    let caller = match caller_from_headers(state, headers).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let http = HttpInfo {
        get,
        client: client_address(state, headers, peer),
        ..Default::default()
    };
    execute(state, caller, request, media, http).await
}

/// `GET /graphql`: GraphiQL for a browser outside production, otherwise a query in the query
/// string (queries only).
pub async fn graphql_get(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let query = uri.query().unwrap_or("");
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && !state.production && !query.contains("query=") {
        // Served from the binary with a policy that allows nothing external (`frontend`).
        return frontend::graphiql_page(&headers);
    }
    let Some(media) = negotiate(&headers) else {
        return coded_response(
            StatusCode::NOT_ACCEPTABLE,
            ErrorCode::NotAcceptable,
            "send Accept: application/graphql-response+json or application/json",
        );
    };
    let request = async_graphql::http::parse_query_string(query).map_err(|e| e.to_string());
    run(&state, &headers, peer, request, media, true).await
}

/// Any other method on `/graphql`.
pub async fn graphql_other(method: Method) -> Response {
    let mut response = coded_response(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        &format!("{method} is not supported: use POST, or GET for queries"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

/// GraphQL subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws).
///
/// Browsers cannot set headers on a WebSocket, so the token may come either in the upgrade
/// request's `Authorization` header or as `{"Authorization": "Bearer …"}` in the
/// `connection_init` payload. A bad token refuses the connection; none gives the public view.
pub async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    let header_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Set once the connection is initialised: the token's expiry ends the connection.
    let expiry: std::sync::Arc<std::sync::Mutex<Option<i64>>> = Default::default();
    let expiry_in_init = expiry.clone();
    upgrade
        .max_message_size(state.max_message_bytes)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            let init_state = state.clone();
            let connection = async_graphql_axum::GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let refuse = |m: &str| async_graphql::Error::new(m.to_string());
                    let field = |name: &str, alt: &str| {
                        payload.get(name).or_else(|| payload.get(alt)).cloned()
                    };
                    // A token that is present but not a string is refused, never anonymous.
                    let token = match field("Authorization", "authorization") {
                        None => header_token,
                        Some(serde_json::Value::String(t)) => Some(t),
                        Some(_) => return Err(refuse("Authorization must be a string")),
                    };
                    // Browsers cannot set headers on a WebSocket: the purpose travels here.
                    let purpose = match field("X-Access-Purpose", "x-access-purpose") {
                        None => None,
                        Some(serde_json::Value::String(p)) => Some(p),
                        Some(_) => return Err(refuse("X-Access-Purpose must be a string")),
                    };
                    let caller =
                        Caller::identify(&init_state, token.as_deref(), purpose.as_deref())
                            .await
                            .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                    if let Ok(mut at) = expiry_in_init.lock() {
                        *at = caller.expires_at;
                    }
                    let (viewer, purpose) = (caller.viewer, caller.purpose);
                    let mut data = async_graphql::Data::default();
                    data.insert(RequestContext::new(
                        viewer,
                        init_state.db.clone(),
                        purpose,
                        init_state.events.clone(),
                    ));
                    Ok(data)
                })
                .serve();
            let closing = state.closing.clone();
            async move {
                // On shutdown the subscription ends and the socket closes.
                tokio::select! {
                    _ = connection => {}
                    _ = closing.notified() => {}
                    _ = token_expired(expiry) => {}
                }
            }
        })
}

/// Resolves once the connection's token has expired (checked every second; never for an
/// anonymous connection).
async fn token_expired(expiry: std::sync::Arc<std::sync::Mutex<Option<i64>>>) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let at = expiry.lock().ok().and_then(|e| *e);
        if at.is_some_and(|at| chrono::Utc::now().timestamp() >= at) {
            return;
        }
    }
}
