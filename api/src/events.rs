//! Change events for live updates.
//!
//! An event carries only the id of what changed, never its content: each subscriber re-reads the
//! record through `access` with its own, freshly loaded viewer, so what it receives is exactly what
//! a query would show it at that moment.
//!
//! Delivery across several API instances: on PostgreSQL a write publishes with `pg_notify` inside
//! its own transaction (so the event exists only if the write commits), and every instance
//! `LISTEN`s and fans the event out to its local subscribers. On SQLite (one process) the event is
//! published in-process after the commit.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use tokio::sync::broadcast;
use uuid::Uuid;

/// PostgreSQL notification channel.
pub const CHANNEL: &str = "csp_hub_action_changed";

/// Fans action-change events out to this instance's subscribers.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Uuid>,
    postgres: bool,
}

impl EventBus {
    /// A bus for `db`; on PostgreSQL also starts the `LISTEN` task that feeds it.
    pub fn start(db: &DatabaseConnection, database_url: &str) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        if postgres {
            tokio::spawn(listen(database_url.to_string(), sender.clone()));
        }
        EventBus { sender, postgres }
    }

    /// A new subscriber's receiver.
    pub fn subscribe(&self) -> broadcast::Receiver<Uuid> {
        self.sender.subscribe()
    }

    /// Publishes inside the write's transaction (PostgreSQL: delivered on commit).
    pub async fn publish_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        action: Uuid,
    ) -> Result<(), sea_orm::DbErr> {
        if self.postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), action.to_string().into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Publishes after the commit (SQLite: in-process only).
    pub fn published(&self, action: Uuid) {
        if !self.postgres {
            // No subscribers is not an error.
            let _ = self.sender.send(action);
        }
    }
}

/// Forwards PostgreSQL notifications to the local bus, reconnecting after a failure.
async fn listen(url: String, sender: broadcast::Sender<Uuid>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "cannot LISTEN for change events");
                } else {
                    while let Ok(note) = listener.recv().await {
                        if let Ok(id) = note.payload().parse::<Uuid>() {
                            let _ = sender.send(id);
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "change-event listener cannot connect"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}
