//! Start-up: connect, migrate, load the demo data on an empty database, and serve.
//!
//! [`build`] binds the listener (port 0 picks a free port) and returns the running [`App`], so the
//! integration tests spawn exactly the server a user runs.

use crate::config::Config;
use crate::core::auth::Authenticator;
use crate::http::AppState;
use crate::schema::build_schema;
use anyhow::Context as _;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use migration::Migrator;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

/// A running server.
pub struct App {
    pub addr: SocketAddr,
    pub db: DatabaseConnection,
    /// SQL statements executed since start (for tests that guard against N+1 queries).
    pub statements: Arc<AtomicU64>,
    pub server: tokio::task::JoinHandle<()>,
    /// Starts a graceful shutdown, as SIGTERM does.
    pub shutdown: Arc<tokio::sync::Notify>,
}

/// Loads the demo data when the database holds no partnership yet.
pub async fn seed_if_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if entity::partnership::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    crate::seed::load_demo(db).await?;
    crate::core::access_summary::summarise(db).await?;
    Ok(true)
}

/// Connects, migrates, seeds if configured, binds and starts serving.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let auth = Arc::new(Authenticator::from_config(&config.jwt, config.production)?);
    auth.discover().await;
    let (db, statements) = crate::core::db::connect(&config).await?;
    crate::core::db::migrate(&db).await?;
    if config.seed_demo && seed_if_empty(&db).await? {
        tracing::info!("loaded the demo data set");
    }
    // Rows written before the summary existed, or by hand: summarised once, here.
    let summarised = crate::core::access_summary::summarise(&db).await?;
    if summarised > 0 {
        tracing::info!(summarised, "summarised the access of actions");
    }
    crate::http::metrics::install();
    // Reminder emails: only with an SMTP server configured; bad settings stop the start.
    crate::domain::reminders::start(db.clone(), &config.reminders)?;
    let events = crate::core::events::EventBus::start(&db, &config.database_url);
    let rates = Arc::new(crate::core::limits::RateLimits::new(&config.limits));
    let tidy = rates.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            tidy.tidy();
        }
    });
    let state = AppState {
        db: db.clone(),
        schema: build_schema(&config.limits, config.production, rates.clone()),
        auth,
        events,
        production: config.production,
        request_timeout: Duration::from_secs(config.limits.request_timeout_secs.max(1)),
        trust_forwarded_for: config.trust_forwarded_for,
        closing: Arc::new(tokio::sync::Notify::new()),
        max_message_bytes: config.limits.max_body_bytes,
        rates,
    };
    let closing = state.closing.clone();
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let app = router(state, &config)?;
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let stop = shutdown.clone();
    let grace = Duration::from_secs(config.limits.shutdown_grace_secs.max(1));
    let server = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        // Told when shutdown starts, so the grace period can be enforced.
        let started = Arc::new(tokio::sync::Notify::new());
        let serving = axum::serve(listener, service).with_graceful_shutdown(shutdown_signal(
            stop,
            closing,
            started.clone(),
        ));
        tokio::select! {
            result = serving => {
                if let Err(err) = result {
                    tracing::error!(error = %err, "server stopped");
                }
            }
            _ = async {
                started.notified().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!("in-flight requests did not finish within the grace period");
            }
        }
        tracing::info!("server stopped");
    });
    Ok(App {
        addr,
        db,
        statements,
        server,
        shutdown,
    })
}

/// `/readyz`: the database answers and every migration is applied.
async fn readyz(State(db): State<DatabaseConnection>) -> Response {
    use migration::MigratorTrait;
    let ready = async {
        db.ping().await?;
        let pending = Migrator::get_pending_migrations(&db).await?;
        Ok::<bool, sea_orm::DbErr>(pending.is_empty())
    };
    match tokio::time::timeout(Duration::from_secs(3), ready).await {
        Ok(Ok(true)) => (StatusCode::OK, "ready").into_response(),
        Ok(Ok(false)) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response(),
    }
}

/// The HTTP routes and the layers every request passes through.
pub fn router(state: AppState, config: &Config) -> anyhow::Result<Router> {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    let request_id = header::HeaderName::from_static("x-request-id");
    let cors = cors_layer(&config.cors_origins)?;
    let trace = tower_http::trace::TraceLayer::new_for_http().make_span_with(
        |request: &axum::http::Request<axum::body::Body>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!(
                "request",
                request_id = %id,
                method = %request.method(),
                path = %request.uri().path(),
                operation = tracing::field::Empty,
                person = tracing::field::Empty,
            )
        },
    );
    Ok(Router::new()
        .route(
            "/graphql",
            get(crate::http::graphql_get)
                .post(crate::http::graphql_post)
                .fallback(crate::http::graphql_other),
        )
        .route("/graphql/ws", get(crate::http::graphql_ws))
        .route(
            "/calendar/boards/{file}",
            get(crate::http::calendar::board_feed),
        )
        .route(
            "/calendar/feeds/{file}",
            get(crate::http::calendar::personal_feed),
        )
        .route("/export/actions.csv", get(crate::http::export::actions_csv))
        .route(
            "/export/actions.xlsx",
            get(crate::http::export::actions_xlsx),
        )
        .route(
            "/import/delivery-plan",
            axum::routing::post(crate::http::import::delivery_plan).layer(
                axum::extract::DefaultBodyLimit::max(crate::http::import::MAX_IMPORT_BYTES),
            ),
        )
        .route(
            "/import/people",
            axum::routing::post(crate::http::import::people).layer(
                axum::extract::DefaultBodyLimit::max(crate::http::import::MAX_IMPORT_BYTES),
            ),
        )
        .nest("/scim/v2", crate::http::scim::routes())
        .merge(crate::http::frontend::routes())
        .merge(crate::http::items::routes(
            config.production,
            config.item_link_template()?,
        ))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::http::metrics::render))
        .layer(axum::middleware::from_fn(
            crate::http::refuse_oversized_authorization,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            config.limits.max_body_bytes,
        ))
        .layer(cors)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // A bug must cost one request a 500, never the connection or the process.
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .with_state(state))
}

/// CORS for the configured origins only; no credentials (tokens go in a header).
fn cors_layer(origins: &[String]) -> anyhow::Result<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .map(|o| {
            header::HeaderValue::from_str(o)
                .map_err(|_| anyhow::anyhow!("CSP_CORS_ORIGINS: `{o}` is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("x-access-purpose"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderName::from_static("ratelimit-remaining"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600)))
}

/// Resolves on SIGTERM, Ctrl-C or [`App::shutdown`]. The server then stops accepting, lets
/// in-flight requests finish, and subscriptions end.
async fn shutdown_signal(
    stop: Arc<tokio::sync::Notify>,
    closing: Arc<tokio::sync::Notify>,
    started: Arc<tokio::sync::Notify>,
) {
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
        _ = stop.notified() => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
    closing.notify_waiters();
    // `notify_one` keeps the permit even if the grace timer is not waiting yet.
    started.notify_one();
}
