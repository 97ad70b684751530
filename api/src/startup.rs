//! Start-up: connect, migrate, load the demo data on an empty database, and serve.
//!
//! [`build`] binds the listener (port 0 picks a free port) and returns the running [`App`], so the
//! integration tests spawn exactly the server a user runs.

use crate::auth::{Authenticator, Viewer};
use crate::config::Config;
use crate::context::RequestContext;
use crate::error::ApiError;
use crate::graphql::{build_schema, ApiSchema};
use anyhow::Context as _;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait,
};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: ApiSchema,
    pub auth: Arc<Authenticator>,
    pub events: crate::events::EventBus,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// A running server.
pub struct App {
    pub addr: SocketAddr,
    pub db: DatabaseConnection,
    /// SQL statements executed since start (for tests that guard against N+1 queries).
    pub statements: Arc<AtomicU64>,
    pub server: tokio::task::JoinHandle<()>,
}

/// Connects to the configured database, counting statements.
pub async fn connect(config: &Config) -> anyhow::Result<(DatabaseConnection, Arc<AtomicU64>)> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(if config.database_url.starts_with("sqlite") {
            8
        } else {
            20
        })
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        // SQLite: WAL lets readers run beside the writer; the busy timeout makes a second writer
        // wait for the lock instead of failing at once.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
        });
    let mut db = Database::connect(options).await.with_context(|| {
        format!(
            "cannot connect to the database at {}",
            redact_url(&config.database_url)
        )
    })?;
    let statements = Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, statements))
}

/// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock up
/// front, so concurrent writers queue on the busy timeout instead of failing when a read lock
/// cannot be upgraded. PostgreSQL ignores the mode.
pub async fn begin_write(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    db.begin_with_options(options).await
}

/// The database URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// Loads the demo data when the database holds no partnership yet.
pub async fn seed_if_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if entity::partnership::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    crate::seed::load_demo(db).await?;
    Ok(true)
}

/// Connects, migrates, seeds if configured, binds and starts serving.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let (db, statements) = connect(&config).await?;
    migrate(&db).await?;
    if config.seed_demo && seed_if_empty(&db).await? {
        tracing::info!("loaded the demo data set");
    }
    let auth = Arc::new(Authenticator::from_config(&config.jwt, config.production)?);
    let events = crate::events::EventBus::start(&db, &config.database_url);
    let state = AppState {
        db: db.clone(),
        schema: build_schema(),
        auth,
        events,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let app = router(state);
    let server = tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
        {
            tracing::error!(error = %err, "server stopped");
        }
    });
    Ok(App {
        addr,
        db,
        statements,
        server,
    })
}

/// The HTTP routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route("/export/actions.csv", get(crate::export::actions_csv))
        .route("/healthz", get(|| async { "ok" }))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // A bug must cost one request a 500, never the connection or the process.
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Longest purpose a caller may state.
pub const MAX_PURPOSE_LEN: usize = 200;

/// The caller, from the `Authorization` header (the only place a token is read), and the purpose
/// they state for the audit log in `X-Access-Purpose`.
pub struct Caller(pub Viewer, pub Option<String>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let purpose = match parts.headers.get("x-access-purpose") {
            None => None,
            Some(v) => {
                let text = v.to_str().map(str::trim).unwrap_or("");
                if text.is_empty() || text.chars().count() > MAX_PURPOSE_LEN {
                    return Err(error_response(
                        StatusCode::BAD_REQUEST,
                        ApiError::bad_input("X-Access-Purpose", format!("X-Access-Purpose must be 1 to {MAX_PURPOSE_LEN} printable characters")),
                    ));
                }
                Some(text.to_string())
            }
        };
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Caller(Viewer::anonymous(), purpose));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                unauthenticated(ApiError::Unauthenticated(
                    "expected `Authorization: Bearer <token>`".into(),
                ))
            })?;
        let subject = state.auth.subject(token).map_err(unauthenticated)?;
        let viewer = Viewer::load(&state.db, &subject)
            .await
            .map_err(|e| match e {
                ApiError::Unauthenticated(_) => unauthenticated(e),
                other => error_response(StatusCode::SERVICE_UNAVAILABLE, other),
            })?;
        Ok(Caller(viewer, purpose))
    }
}

fn error_response(status: StatusCode, err: ApiError) -> Response {
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }]
    });
    (status, Json(body)).into_response()
}

/// 401 with a GraphQL-shaped body: a bad token never falls back to the public view.
fn unauthenticated(err: ApiError) -> Response {
    let mut response = error_response(StatusCode::UNAUTHORIZED, err);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// Whether the request's operation is a mutation (an unparsable query is left to the executor,
/// which reports it properly).
fn is_mutation(request: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    match (&doc.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(op), _) => op.node.ty == OperationType::Mutation,
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get(name)
            .is_some_and(|op| op.node.ty == OperationType::Mutation),
        (DocumentOperations::Multiple(ops), None) => {
            ops.values().any(|op| op.node.ty == OperationType::Mutation)
        }
    }
}

/// Refuses, before anything runs, a change by a cleared caller who states no purpose where their
/// partnership requires one; the refusal is audited.
async fn check_change_purpose(
    state: &AppState,
    caller: &Caller,
    request: &async_graphql::Request,
) -> Option<Response> {
    if caller.1.is_some() || !is_mutation(request) {
        return None;
    }
    match crate::audit::purpose_required_for_changes(&state.db, &caller.0).await {
        Ok(false) => None,
        Ok(true) => {
            let entry = crate::audit::Entry {
                operation: "mutation",
                entity_type: "request",
                entity_id: None,
                partnership_id: None,
                outcome: crate::audit::Outcome::Denied,
                detail: Some("no X-Access-Purpose stated".into()),
            };
            if let Err(err) = crate::audit::record(&state.db, &caller.0, None, entry).await {
                tracing::error!(error = ?err, "cannot audit a refused change");
                return Some(error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ApiError::Internal,
                ));
            }
            Some(error_response(
                StatusCode::BAD_REQUEST,
                ApiError::bad_input(
                    "X-Access-Purpose",
                    "your partnership requires people cleared for restricted records to state an X-Access-Purpose header for every change",
                ),
            ))
        }
        Err(err) => {
            tracing::error!(error = ?err, "cannot check the purpose requirement");
            Some(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                ApiError::Internal,
            ))
        }
    }
}

async fn execute(state: &AppState, caller: Caller, request: GraphQLRequest) -> Response {
    let request = request.into_inner();
    if let Some(refused) = check_change_purpose(state, &caller, &request).await {
        return refused;
    }
    let context = RequestContext::new(caller.0, state.db.clone(), caller.1, state.events.clone());
    let (viewer, reads, purpose) = (
        context.viewer.clone(),
        context.reads.clone(),
        context.purpose.clone(),
    );
    let response = state.schema.execute(request.data(context)).await;
    // Every read of restricted content is recorded before the content leaves the server; if the
    // audit log cannot be written, the response is withheld.
    let reads = reads.drain();
    if !reads.is_empty() && purpose.is_none() {
        match crate::audit::purpose_required(&state.db, &reads).await {
            Ok(false) => {}
            Ok(true) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    ApiError::bad_input(
                        "X-Access-Purpose",
                        "this partnership requires an X-Access-Purpose header to read restricted records",
                    ),
                )
            }
            Err(err) => {
                tracing::error!(error = ?err, "cannot check the purpose requirement; response withheld");
                return error_response(StatusCode::SERVICE_UNAVAILABLE, ApiError::Internal);
            }
        }
    }
    if !reads.is_empty() {
        if let Err(err) =
            crate::audit::record_reads(&state.db, &viewer, purpose.as_deref(), reads).await
        {
            tracing::error!(error = ?err, "cannot audit restricted reads; response withheld");
            return error_response(StatusCode::SERVICE_UNAVAILABLE, ApiError::Internal);
        }
    }
    GraphQLResponse::from(response).into_response()
}

async fn graphql_post(
    State(state): State<AppState>,
    caller: Caller,
    request: GraphQLRequest,
) -> Response {
    execute(&state, caller, request).await
}

/// GraphiQL for a browser; otherwise a GraphQL query in the query string.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    match request {
        Ok(request) if !wants_html => execute(&state, caller, request).await,
        _ => Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response(),
    }
}

/// GraphQL subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws).
///
/// Browsers cannot set headers on a WebSocket, so the token may come either in the upgrade
/// request's `Authorization` header or as `{"Authorization": "Bearer …"}` in the
/// `connection_init` payload. A bad token refuses the connection; none gives the public view.
async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    let header_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            async_graphql_axum::GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let token = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                        .or(header_token);
                    let viewer = match token {
                        None => Viewer::anonymous(),
                        Some(value) => {
                            let token = value
                                .strip_prefix("Bearer ")
                                .unwrap_or(&value)
                                .trim()
                                .to_string();
                            let subject = state
                                .auth
                                .subject(&token)
                                .map_err(|e| async_graphql::Error::new(e.to_string()))?;
                            Viewer::load(&state.db, &subject)
                                .await
                                .map_err(|e| async_graphql::Error::new(e.to_string()))?
                        }
                    };
                    let mut data = async_graphql::Data::default();
                    data.insert(RequestContext::new(
                        viewer,
                        state.db.clone(),
                        None,
                        state.events.clone(),
                    ));
                    Ok(data)
                })
                .serve()
        })
}
