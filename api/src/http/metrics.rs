//! Prometheus metrics at `/metrics`: requests and latency by operation name, errors by code,
//! rate-limit refusals and the database pool. Recorded with the `metrics` facade and rendered by
//! `metrics-exporter-prometheus`; one recorder per process, shared by every server in it.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Distinct operation names kept as labels; later names are counted as `other`, so a client
/// cannot grow the metrics without bound.
const MAX_OPERATION_LABELS: usize = 200;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static OPERATIONS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns its handle.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ])
                .expect("static buckets are valid");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

fn label(operation: &str) -> String {
    let set = OPERATIONS.get_or_init(|| Mutex::new(HashSet::new()));
    let Ok(mut seen) = set.lock() else {
        return "other".into();
    };
    if seen.contains(operation) {
        return operation.to_string();
    }
    if seen.len() < MAX_OPERATION_LABELS {
        seen.insert(operation.to_string());
        return operation.to_string();
    }
    "other".into()
}

/// Records one GraphQL request: its operation, outcome code (`OK` or the first error's code)
/// and duration.
pub fn request(operation: &str, code: &str, started: Instant) {
    let operation = label(operation);
    metrics::counter!("csp_graphql_requests_total", "operation" => operation.clone()).increment(1);
    metrics::histogram!("csp_graphql_request_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    if code != "OK" {
        metrics::counter!("csp_graphql_errors_total", "code" => code.to_string()).increment(1);
    }
}

/// `GET /metrics`.
pub async fn render(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    let (size, idle, max) = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => (0, 0, 0),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    metrics::gauge!("csp_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!("csp_db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("csp_db_pool_max_connections").set(f64::from(max));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        install().render(),
    )
}
