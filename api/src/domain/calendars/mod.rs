//! Calendar feeds of board meetings (`/calendar/...`, rendered by `http::calendar`): the private
//! feed URLs people make for their calendar clients. Each resolver is one call to [`service`].

pub mod service;

use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

/// Mutations of this area.
#[derive(Default)]
pub struct CalendarsMutation;

#[Object]
impl CalendarsMutation {
    /// Makes a private calendar feed URL of the meetings you may see (dates, venues and status
    /// only), for a calendar client that cannot send a token. The URL is in this answer and
    /// never again; anyone holding it sees what it shows, so revoke it if it is shared.
    async fn create_calendar_feed(
        &self,
        ctx: &Context<'_>,
        label: String,
    ) -> ApiResult<IssuedCalendarFeed> {
        service::create_calendar_feed(ctx.req()?, label)
            .await
            .map(IssuedCalendarFeed)
    }

    /// Revokes one of your calendar feeds: its URL stops working at once.
    async fn revoke_calendar_feed(
        &self,
        ctx: &Context<'_>,
        feed_id: ID,
    ) -> ApiResult<CalendarFeed> {
        service::revoke_calendar_feed(ctx.req()?, feed_id)
            .await
            .map(CalendarFeed)
    }
}

/// Queries of this area.
#[derive(Default)]
pub struct CalendarsQuery;

#[Object]
impl CalendarsQuery {
    /// Your calendar feeds, newest first (never their URLs).
    async fn calendar_feeds(&self, ctx: &Context<'_>) -> ApiResult<Vec<CalendarFeed>> {
        let feeds = service::calendar_feeds(ctx.req()?).await?;
        Ok(feeds.into_iter().map(CalendarFeed).collect())
    }
}

/// A private calendar feed URL of its owner's meetings.
pub struct CalendarFeed(pub entity::calendar_feed::Model);

#[Object]
impl CalendarFeed {
    pub async fn id(&self) -> ID {
        crate::core::ids::encode(crate::core::ids::Kind::CalendarFeed, self.0.id)
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it stopped working; null while it works.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A calendar feed just made, with its URL.
pub struct IssuedCalendarFeed(service::Issued);

#[Object]
impl IssuedCalendarFeed {
    async fn feed(&self) -> CalendarFeed {
        CalendarFeed(self.0.feed.clone())
    }
    /// The feed's path under the API's address (`/calendar/feeds/….ics`); add `?board=<id>` for
    /// one board. Shown this once.
    async fn path(&self) -> String {
        service::feed_path(&self.0.secret)
    }
}
