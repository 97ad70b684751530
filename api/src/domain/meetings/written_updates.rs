//! Written updates: before a meeting, the board asks the leads of its open actions for a written
//! update, due a set number of days ahead of the meeting. Today the secretary chases these by
//! email and compiles the replies by hand; here the request is recorded once and who still owes
//! an update is derived from the action history, so it is always current.
//!
//! Here: the request's GraphQL type and the mutation root, whose resolver is one call to
//! [`super::service::written_updates`].

use super::service;
use super::service::written_updates::RequestWrittenUpdatesInput;
use super::Meeting;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, Conn, PageArgs};
use crate::domain::actions::{action_sort, Action, ActionOrder};
use crate::domain::partners::Person;
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{board, meeting, person, written_update_request};
use uuid::Uuid;

pub use super::service::written_updates::outstanding_select;

/// A board's request for written updates on its open actions before a meeting.
pub struct WrittenUpdateRequest(pub written_update_request::Model);

#[Object]
impl WrittenUpdateRequest {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::WrittenUpdateRequest, self.0.id)
    }
    /// When updates are due.
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    /// When the request was made; updates recorded since then answer it.
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn requested_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.requested_by_id)
            .await?
            .map(Person))
    }
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<crate::domain::boards::Board>> {
        Ok(ctx
            .req()?
            .load::<board::Entity>(self.0.board_id)
            .await?
            .map(crate::domain::boards::Board))
    }
    /// The meeting the updates are for.
    async fn meeting(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
        Ok(ctx
            .req()?
            .load::<meeting::Entity>(self.0.meeting_id)
            .await?
            .map(Meeting))
    }
    /// Open actions with no update since the request, among those the caller may see; each
    /// names its lead person and organisation (who owes the update). `totalCount` is how many
    /// are still owed.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn outstanding_actions(
        &self,
        ctx: &Context<'_>,
        order_by: Option<ActionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Action>> {
        let rc = ctx.req()?;
        connection(
            rc,
            outstanding_select(&rc.viewer, &self.0),
            action_sort(order_by),
            PageArgs::new(first, after, last, before),
            Action,
        )
        .await
    }
}

/// The request made for a meeting, if any and if the caller may see the meeting.
pub async fn for_meeting(
    rc: &crate::core::context::RequestContext,
    meeting_id: Uuid,
) -> ApiResult<Option<WrittenUpdateRequest>> {
    Ok(
        service::written_updates::request_for_meeting(rc, meeting_id)
            .await?
            .map(WrittenUpdateRequest),
    )
}

/// Mutations of this area.
#[derive(Default)]
pub struct WrittenUpdatesMutation;

#[Object]
impl WrittenUpdatesMutation {
    /// Asks the leads of the board's open actions for written updates, due `daysBefore` days
    /// before the board's next scheduled meeting (the board's chair or secretary).
    async fn request_written_updates(
        &self,
        ctx: &Context<'_>,
        input: RequestWrittenUpdatesInput,
    ) -> ApiResult<WrittenUpdateRequest> {
        service::written_updates::request_written_updates(ctx.req()?, input)
            .await
            .map(WrittenUpdateRequest)
    }
}
