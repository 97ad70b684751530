//! What browsers load from the API itself: GraphiQL's assets (served from the binary, so it works
//! on networks that block CDNs) and the embeddable intranet widgets (`/widgets/...`).

use crate::http::AppState;
use axum::Router;

/// The front-end routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
