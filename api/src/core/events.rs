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

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An action's progress, RAG or status.
    Action(Uuid),
    /// A person's access: a clearance revoked, a seat ended. Their open subscriptions re-check
    /// at once instead of waiting for the next action event.
    Access(Uuid),
}

impl Event {
    /// The notification payload: `access:<uuid>`, or a bare action id.
    fn payload(self) -> String {
        match self {
            Event::Action(id) => id.to_string(),
            Event::Access(id) => format!("access:{id}"),
        }
    }

    fn parse(payload: &str) -> Option<Event> {
        match payload.strip_prefix("access:") {
            Some(person) => person.parse().ok().map(Event::Access),
            None => payload.parse().ok().map(Event::Action),
        }
    }
}

/// Fans change events out to this instance's subscribers.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Event>,
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
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Publishes inside the write's transaction (PostgreSQL: delivered on commit).
    pub async fn publish_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        action: Uuid,
    ) -> Result<(), sea_orm::DbErr> {
        self.notify_in(txn, Event::Action(action)).await
    }

    /// Publishes after the commit (SQLite: in-process only).
    pub fn published(&self, action: Uuid) {
        self.after_commit(Event::Action(action));
    }

    /// Like [`publish_in`](Self::publish_in), for a change to a person's access.
    pub async fn publish_access_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        person: Uuid,
    ) -> Result<(), sea_orm::DbErr> {
        self.notify_in(txn, Event::Access(person)).await
    }

    /// Like [`published`](Self::published), for a change to a person's access.
    pub fn access_changed(&self, person: Uuid) {
        self.after_commit(Event::Access(person));
    }

    async fn notify_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        event: Event,
    ) -> Result<(), sea_orm::DbErr> {
        if self.postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), event.payload().into()],
            ))
            .await?;
        }
        Ok(())
    }

    fn after_commit(&self, event: Event) {
        if !self.postgres {
            // No subscribers is not an error.
            let _ = self.sender.send(event);
        }
    }
}

/// Forwards PostgreSQL notifications to the local bus, reconnecting after a failure.
async fn listen(url: String, sender: broadcast::Sender<Event>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "cannot LISTEN for change events");
                } else {
                    while let Ok(note) = listener.recv().await {
                        if let Some(event) = Event::parse(note.payload()) {
                            let _ = sender.send(event);
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "change-event listener cannot connect"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}
