//! iCalendar feeds of board meetings (RFC 5545), for calendar clients:
//! - `GET /calendar/boards/{boardId}.ics`: a public board's meetings, no token needed;
//! - `GET /calendar/feeds/{secret}.ics` (optionally `?board={boardId}`): the meetings a person
//!   may see, through the private URL they made with `createCalendarFeed`.
//!
//! An event carries the board's name, the start time, the venue and whether it was cancelled
//! (`STATUS:CANCELLED`, kept in the feed so clients remove it), nothing of the agenda or papers.
//! Times are written in UTC (`…Z`), which every client converts to the reader's clock, so a
//! meeting at 10:00 in London is 09:00Z in summer and 10:00Z in winter with no time-zone tables
//! to get wrong; `X-WR-TIMEZONE` tells clients the partnership keeps Europe/London. A feed that
//! is unknown, revoked, or whose owner has left is 404, like a board the reader may not see.

use crate::core::auth::Viewer;
use crate::core::error::ApiError;
use crate::domain::calendars::service::{self, Entry, Listing};
use crate::http::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use entity::enums::MeetingStatus;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use serde::Deserialize;

/// The optional board of a personal feed.
#[derive(Deserialize)]
pub struct FeedParams {
    board: Option<String>,
}

/// `GET /calendar/boards/{boardId}.ics`
pub async fn board_feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(board) = file.strip_suffix(".ics").and_then(board_id) else {
        return not_found();
    };
    let result = service::meetings(
        &state.db,
        &Viewer::anonymous(),
        Some(board),
        "public calendar feed",
    )
    .await;
    respond(result, "public, max-age=300")
}

/// `GET /calendar/feeds/{secret}.ics`
pub async fn personal_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<FeedParams>,
) -> Response {
    let Some(secret) = file.strip_suffix(".ics") else {
        return not_found();
    };
    let board = match params.board.as_deref().map(board_id) {
        None => None,
        Some(Some(id)) => Some(id),
        Some(None) => return not_found(),
    };
    let feed = match service::feed_of(&state.db, secret).await {
        Ok(Some(feed)) => feed,
        Ok(None) => return not_found(),
        Err(e) => return failed(e),
    };
    let (feed, viewer) = feed;
    let purpose = format!("calendar feed \"{}\"", feed.label);
    let result = service::meetings(&state.db, &viewer, board, &purpose).await;
    respond(result, "private, no-store")
}

fn board_id(text: &str) -> Option<uuid::Uuid> {
    crate::core::ids::decode(
        &async_graphql::ID(text.to_string()),
        crate::core::ids::Kind::Board,
        "board",
    )
    .ok()
}

fn respond(result: Result<Option<Listing>, ApiError>, cache: &'static str) -> Response {
    match result {
        Ok(Some(Listing { board, entries })) => {
            let name = board
                .map(|b| format!("{} meetings", b.name))
                .unwrap_or_else(|| "My partnership meetings".into());
            (
                [
                    (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    (header::CACHE_CONTROL, cache),
                ],
                render(&name, &entries),
            )
                .into_response()
        }
        Ok(None) => not_found(),
        Err(e) => failed(e),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such calendar\n").into_response()
}

fn failed(e: ApiError) -> Response {
    tracing::error!(error = %e, "calendar feed");
    let status = match e {
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, "the calendar could not be read; try again later\n").into_response()
}

/// The feed as iCalendar text.
fn render(name: &str, entries: &[Entry]) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name(name)
        .append_property(("X-WR-TIMEZONE", "Europe/London"))
        .append_property(("REFRESH-INTERVAL;VALUE=DURATION", "PT1H"));
    for Entry {
        meeting,
        board_name,
    } in entries
    {
        let cancelled = meeting.status == MeetingStatus::Cancelled;
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("meeting-{}@csp-hub", meeting.id))
            .summary(board_name)
            .starts(meeting.starts_at)
            .timestamp(meeting.updated_at)
            .add_property("SEQUENCE", meeting.version.max(0).to_string())
            .status(if cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(venue) = &meeting.venue {
            event.location(venue);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
