//! Clearance for a board's restricted items as a governed, time-limited grant.
//!
//! Need-to-know regimes (SafeLives' MARAC confidentiality, ISO 27001 access-rights review) ask
//! three things, and each is a rule here:
//! - **two people**: a request (by the person, an officer of the board or an administrator)
//!   takes effect only when a *second*, entitled person approves it: a cleared chair, joint chair
//!   or vice-chair of the board, or an administrator of the partnership. Never the person it
//!   clears, never whoever asked. Who may do what is `policy::clearance_permits`;
//! - **expiry and review**: an approval lasts the partnership's `clearance_validity_months`
//!   (12 by default); it grants nothing afterwards, on the next request. A renewal is a new
//!   approval;
//! - **immediate revocation**: revoking (or ending the seat) takes effect on the next request,
//!   and ends the person's open subscriptions that depended on it.
//!
//! Every step, and every refusal, is audited. Whether a clearance is *in force* is decided when
//! the caller is loaded (`auth::Viewer`); nothing here grants sight of anything by itself.

pub mod service;

use crate::core::context::{CtxExt, RequestContext};
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::boards::{Board, BoardMembership};
use crate::domain::partners::Person;
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use entity::{board, board_membership, clearance, person};
use sea_orm::Select;
use service::state_of;
pub use service::{ClearanceFilter, ClearanceState};
use uuid::Uuid;

/// A clearance for a seat on a board: who asked, who decided, until when.
pub struct Clearance(pub clearance::Model);

#[Object]
impl Clearance {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Clearance, self.0.id)
    }
    async fn state(&self) -> ClearanceState {
        state_of(&self.0, Utc::now())
    }
    /// Whether it grants sight of the board's restricted items now (approved, unexpired). The
    /// seat must also be held.
    async fn in_force(&self) -> bool {
        state_of(&self.0, Utc::now()) == ClearanceState::Approved
    }
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
    }
    /// The seat it clears.
    async fn membership(&self, ctx: &Context<'_>) -> ApiResult<Option<BoardMembership>> {
        Ok(ctx
            .req()?
            .load::<board_membership::Entity>(self.0.membership_id)
            .await?
            .map(BoardMembership))
    }
    /// The person it clears.
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// Who asked; null for a request carried over from the former per-seat flag.
    async fn requested_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        person_of(ctx, self.0.requested_by_id).await
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }
    async fn request_reason(&self) -> Option<&str> {
        self.0.request_reason.as_deref()
    }
    /// Who approved (granted) or refused it.
    async fn decided_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        person_of(ctx, self.0.decided_by_id).await
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }
    /// When an approval lapses.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    /// Who revoked it, or renewed it (for a renewed one).
    async fn ended_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        person_of(ctx, self.0.ended_by_id).await
    }
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    async fn end_reason(&self) -> Option<&str> {
        self.0.end_reason.as_deref()
    }
    /// The approval this one renewed.
    async fn renewed_from(&self, ctx: &Context<'_>) -> ApiResult<Option<Clearance>> {
        Ok(ctx
            .req()?
            .load_opt::<clearance::Entity>(self.0.renewed_from_id)
            .await?
            .map(Clearance))
    }
}

async fn person_of(ctx: &Context<'_>, id: Option<Uuid>) -> ApiResult<Option<Person>> {
    Ok(ctx.req()?.load_opt::<person::Entity>(id).await?.map(Person))
}

/// Oldest request first: the order a register is read and a review works through.
fn clearance_sort() -> Sort<clearance::Entity> {
    Sort::asc(
        clearance::Column::RequestedAt,
        clearance::Column::Id,
        SortType::DateTime,
    )
}

/// A page of clearances.
pub async fn page(
    rc: &RequestContext,
    select: Select<clearance::Entity>,
    args: PageArgs,
) -> ApiResult<Conn<Clearance>> {
    connection(rc, select, clearance_sort(), args, Clearance).await
}

/// A board's page of clearances, batched with the same field's pages under the request's other
/// boards. `select` names no board.
pub async fn nested(
    rc: &RequestContext,
    select: Select<clearance::Entity>,
    board: Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Clearance>> {
    let sort = clearance_sort();
    nested_connection(
        rc,
        select,
        clearance::Column::BoardId,
        board,
        sort,
        args,
        Clearance,
    )
    .await
}

/// Root fields of clearance governance.
#[derive(Default)]
pub struct ClearancesQuery;

#[Object]
impl ClearancesQuery {
    /// Clearances in a partnership: pending requests to decide, approvals due for review. Its
    /// administrators see all; a board's officers those of their boards; a person their own.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn clearances(
        &self,
        ctx: &Context<'_>,
        partnership_id: ID,
        filter: Option<ClearanceFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Clearance>> {
        let rc = ctx.req()?;
        let partnership = ids::decode(&partnership_id, Kind::Partnership, "partnershipId")?;
        let select = service::list_select(rc, None, Some(partnership), filter.unwrap_or_default())?;
        page(rc, select, PageArgs::new(first, after, last, before)).await
    }
}

/// Mutations of clearance governance (see the module documentation for the rules).
#[derive(Default)]
pub struct ClearancesMutation;

#[Object]
impl ClearancesMutation {
    /// Asks for a seat to be cleared for the board's restricted items. Grants nothing until a
    /// second, entitled person approves it.
    async fn request_clearance(
        &self,
        ctx: &Context<'_>,
        membership_id: ID,
        reason: Option<String>,
    ) -> ApiResult<Clearance> {
        service::request(ctx.req()?, &membership_id, reason)
            .await
            .map(Clearance)
    }

    /// Approves a pending request (a cleared chair, joint chair or vice-chair of the board, or an
    /// administrator of the partnership; never the person cleared or whoever asked).
    async fn approve_clearance(
        &self,
        ctx: &Context<'_>,
        clearance_id: ID,
        note: Option<String>,
    ) -> ApiResult<Clearance> {
        service::approve(ctx.req()?, &clearance_id, note)
            .await
            .map(Clearance)
    }

    /// Refuses a pending request, or withdraws one's own.
    async fn refuse_clearance(
        &self,
        ctx: &Context<'_>,
        clearance_id: ID,
        reason: String,
    ) -> ApiResult<Clearance> {
        service::refuse(ctx.req()?, &clearance_id, reason)
            .await
            .map(Clearance)
    }

    /// Renews an approval for another validity period: a new approval by the caller.
    async fn renew_clearance(
        &self,
        ctx: &Context<'_>,
        clearance_id: ID,
        note: Option<String>,
    ) -> ApiResult<Clearance> {
        service::renew(ctx.req()?, &clearance_id, note)
            .await
            .map(Clearance)
    }

    /// Revokes an approval; it takes effect on the person's next request and ends their live
    /// updates that relied on it.
    async fn revoke_clearance(
        &self,
        ctx: &Context<'_>,
        clearance_id: ID,
        reason: String,
    ) -> ApiResult<Clearance> {
        service::revoke(ctx.req()?, &clearance_id, reason)
            .await
            .map(Clearance)
    }
}
