//! The database: the bounded, instrumented connection pool, write transactions and migrations.

use crate::config::Config;
use anyhow::Context as _;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, TransactionTrait};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Connects to the configured database, counting statements.
///
/// The pool is bounded and a request waits at most the acquire timeout for a connection, so a
/// saturated or unreachable database gives a fast 503 instead of a hang; on PostgreSQL every
/// statement also has a time limit. Connections are re-established as the database returns.
pub async fn connect(config: &Config) -> anyhow::Result<(DatabaseConnection, Arc<AtomicU64>)> {
    let sqlite = config.database_url.starts_with("sqlite");
    let limits = &config.limits;
    let mut options = ConnectOptions::new(config.database_url.clone());
    let statement_timeout = limits.statement_timeout_ms.to_string();
    options
        .max_connections(
            limits
                .db_max_connections
                .unwrap_or(if sqlite { 8 } else { 20 }),
        )
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(limits.db_acquire_timeout_secs.max(1)))
        .connect_timeout(Duration::from_secs(limits.db_acquire_timeout_secs.max(1)))
        .sqlx_logging(false)
        // SQLite: WAL lets readers run beside the writer; the busy timeout makes a second writer
        // wait for the lock instead of failing at once.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
        })
        .map_sqlx_postgres_opts(move |opts| {
            opts.options([("statement_timeout", statement_timeout.as_str())])
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
        // Statements per request are what the load benchmark reports beside its rates.
        metrics::counter!("csp_db_statements_total").increment(1);
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
    match (url.find("://"), url.rfind('@')) {
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
