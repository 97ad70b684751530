//! The mutation root of actions: each resolver is one call to [`super::service`].

use super::matters_arising::{self, ReviewMattersArisingInput};
use super::service::{
    self, CloseActionInput, CreatePriorityActionInput, ReassignActionInput,
    RecordMissedReasonInput, UpdateActionInput, UpdateActionProgressInput,
};
use super::Action;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use async_graphql::{Context, Object};

/// Mutations of this area.
#[derive(Default)]
pub struct ActionsMutation;

#[Object]
impl ActionsMutation {
    /// Appends a progress update (lead person or an editor of the lead organisation). Send the
    /// `version` you last saw as `expectedVersion`; if someone else updated the action since,
    /// the result is CONFLICT and nothing is written.
    async fn update_action_progress(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionProgressInput,
    ) -> ApiResult<Action> {
        service::update_progress(ctx.req()?, input)
            .await
            .map(Action)
    }

    /// Marks an action completed (lead, organisation editor, or an officer of the owning board).
    async fn complete_action(
        &self,
        ctx: &Context<'_>,
        input: CloseActionInput,
    ) -> ApiResult<Action> {
        service::complete(ctx.req()?, input).await.map(Action)
    }

    /// Decides a meeting's matters arising in one step: carry each forward, close it as
    /// superseded, or take it off the list (it is followed up elsewhere). These are the decisions
    /// of the action's board: its chair, vice-chair or secretary. Any refusal writes nothing.
    async fn review_matters_arising(
        &self,
        ctx: &Context<'_>,
        input: ReviewMattersArisingInput,
    ) -> ApiResult<Vec<Action>> {
        matters_arising::review(ctx.req()?, input)
            .await
            .map(|done| done.into_iter().map(Action).collect())
    }

    /// Cancels an action with a reason (chair, vice-chair or secretary of the owning board).
    async fn cancel_action(&self, ctx: &Context<'_>, input: CloseActionInput) -> ApiResult<Action> {
        service::cancel(ctx.req()?, input).await.map(Action)
    }

    /// Adds a delivery-plan action under a strategy priority (the priority's lead, or an officer
    /// of the owning board).
    async fn create_priority_action(
        &self,
        ctx: &Context<'_>,
        input: CreatePriorityActionInput,
    ) -> ApiResult<Action> {
        service::create_priority_action(ctx.req()?, input)
            .await
            .map(Action)
    }

    /// Gives an action a new lead (officers of the owning board).
    async fn reassign_action(
        &self,
        ctx: &Context<'_>,
        input: ReassignActionInput,
    ) -> ApiResult<Action> {
        service::reassign(ctx.req()?, input).await.map(Action)
    }

    /// Changes an action's title, expected outcome, dates, resources, risks or marking (officers
    /// of the owning board). Send the `version` you last saw as `expectedVersion`; the history
    /// says what changed, the audit log from what to what.
    async fn update_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionInput,
    ) -> ApiResult<Action> {
        service::update(ctx.req()?, input).await.map(Action)
    }

    /// Records why an overdue action missed its due date; matters arising shows it.
    async fn record_missed_reason(
        &self,
        ctx: &Context<'_>,
        input: RecordMissedReasonInput,
    ) -> ApiResult<Action> {
        service::record_missed_reason(ctx.req()?, input)
            .await
            .map(Action)
    }
}
