//! The mutation root for changing a meeting after it is scheduled; each resolver is one call to
//! [`super::service::changes`]. Approved minutes change only through
//! [`MeetingChangesMutation::correct_minute`], which keeps both texts and the reason.

use super::service;
use super::service::changes::{
    CancelMeetingInput, CorrectMinuteInput, RecordDeclarationInput, ReorderAgendaInput,
    UpdateAgendaItemInput, UpdateMeetingInput,
};
use super::{AgendaItem, DeclarationOfInterest, Meeting};
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use async_graphql::{Context, Object};

/// Mutations of this area.
#[derive(Default)]
pub struct MeetingChangesMutation;

#[Object]
impl MeetingChangesMutation {
    /// Moves a scheduled meeting or changes its venue (the board's chair or secretary).
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        input: UpdateMeetingInput,
    ) -> ApiResult<Meeting> {
        service::changes::update_meeting(ctx.req()?, input)
            .await
            .map(Meeting)
    }

    /// Cancels a scheduled meeting, keeping its agenda and the reason.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        input: CancelMeetingInput,
    ) -> ApiResult<Meeting> {
        service::changes::cancel_meeting(ctx.req()?, input)
            .await
            .map(Meeting)
    }

    /// Retitles or reclassifies an agenda item while the minutes are draft.
    async fn update_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgendaItemInput,
    ) -> ApiResult<AgendaItem> {
        service::changes::update_agenda_item(ctx.req()?, input)
            .await
            .map(AgendaItem)
    }

    /// Puts a meeting's agenda in a new order. Items the caller cannot see keep their places;
    /// the items named fill the remaining places in the order given.
    async fn reorder_agenda_items(
        &self,
        ctx: &Context<'_>,
        input: ReorderAgendaInput,
    ) -> ApiResult<Vec<AgendaItem>> {
        service::changes::reorder_agenda_items(ctx.req()?, input)
            .await
            .map(|v| v.into_iter().map(AgendaItem).collect())
    }

    /// Records a declaration of interest at a meeting.
    async fn record_declaration_of_interest(
        &self,
        ctx: &Context<'_>,
        input: RecordDeclarationInput,
    ) -> ApiResult<DeclarationOfInterest> {
        service::changes::record_declaration_of_interest(ctx.req()?, input)
            .await
            .map(DeclarationOfInterest)
    }

    /// Corrects the minute of an item whose minutes are approved. The earlier text, the new text,
    /// who made the change and why are kept (`AgendaItem.corrections`) and audited.
    async fn correct_minute(
        &self,
        ctx: &Context<'_>,
        input: CorrectMinuteInput,
    ) -> ApiResult<AgendaItem> {
        service::changes::correct_minute(ctx.req()?, input)
            .await
            .map(AgendaItem)
    }
}
