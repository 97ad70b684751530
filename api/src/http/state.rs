//! What every HTTP handler shares: the database, the schema, the authenticator, the event bus
//! and the limits, built once at start-up.

use crate::core::auth::Authenticator;
use crate::schema::ApiSchema;
use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: ApiSchema,
    pub auth: Arc<Authenticator>,
    pub events: crate::core::events::EventBus,
    pub production: bool,
    pub request_timeout: Duration,
    pub trust_forwarded_for: bool,
    /// Notified when the server starts shutting down, so open subscriptions end.
    pub closing: Arc<tokio::sync::Notify>,
    /// Largest WebSocket message accepted (the HTTP body limit).
    pub max_message_bytes: usize,
    /// Per-caller cost budgets, shared by GraphQL (through the schema's gate) and the CSV export.
    pub rates: Arc<crate::core::limits::RateLimits>,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}
