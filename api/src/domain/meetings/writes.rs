//! The mutation root for running a meeting; each resolver is one call to [`super::service`].

use super::service::{
    self, AddAgendaItemInput, AddResolutionInput, RecordAttendanceInput, ScheduleMeetingInput,
    WriteMinuteInput,
};
use super::{AgendaItem, Attendance, Meeting, Resolution};
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use async_graphql::{Context, Object, ID};

/// Mutations of this area.
#[derive(Default)]
pub struct MeetingsMutation;

#[Object]
impl MeetingsMutation {
    /// Schedules a meeting (the board's chair or secretary).
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        input: ScheduleMeetingInput,
    ) -> ApiResult<Meeting> {
        service::schedule_meeting(ctx.req()?, input)
            .await
            .map(Meeting)
    }

    /// Appends an item to a meeting's agenda.
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: AddAgendaItemInput,
    ) -> ApiResult<AgendaItem> {
        service::add_agenda_item(ctx.req()?, input)
            .await
            .map(AgendaItem)
    }

    /// Records a person's attendance (present, apologies, absent, substitute, also present).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        input: RecordAttendanceInput,
    ) -> ApiResult<Attendance> {
        service::record_attendance(ctx.req()?, input)
            .await
            .map(Attendance)
    }

    /// Writes (or rewrites, while draft) the minute of an agenda item. The first time, the item
    /// gets the board's next running minute number.
    async fn write_minute(
        &self,
        ctx: &Context<'_>,
        input: WriteMinuteInput,
    ) -> ApiResult<AgendaItem> {
        service::write_minute(ctx.req()?, input)
            .await
            .map(AgendaItem)
    }

    /// Adds a resolution to a minuted item; with `action`, also creates the action it asks for,
    /// owned by the meeting's board and as visible as the item.
    async fn add_resolution(
        &self,
        ctx: &Context<'_>,
        input: AddResolutionInput,
    ) -> ApiResult<Resolution> {
        service::add_resolution(ctx.req()?, input)
            .await
            .map(Resolution)
    }

    /// Approves a meeting's minutes; they are read-only afterwards.
    async fn approve_minutes(&self, ctx: &Context<'_>, meeting_id: ID) -> ApiResult<Meeting> {
        service::approve_minutes(ctx.req()?, meeting_id)
            .await
            .map(Meeting)
    }
}
