//! Meetings, agenda items and minutes, resolutions, attendance and declarations, and the matters
//! arising report. No visibility decisions here: reads go through `access` (including the
//! stub-title redaction of restricted agenda items).

use crate::child_relation;
use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionOrder};
use crate::domain::boards::Board;
use crate::domain::partners::{Partnership, Person};
use crate::domain::types::{
    AgendaItemType, AttendanceStatus, MeetingStatus, MinutesStatus, SecurityMarking, Visibility,
};
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    agenda_item, attendance, board, declaration_of_interest, meeting, minute_correction,
    partnership, person, resolution,
};
use sea_orm::{ColumnTrait, QueryFilter};

child_relation!(
    /// Resolutions under an agenda item.
    ResolutionsOfItem: resolution by AgendaItemId order Ordinal
);
child_relation!(
    /// Corrections of an approved minute.
    CorrectionsOfItem: minute_correction by AgendaItemId order CreatedAt
);
child_relation!(
    /// Attendance records of a meeting.
    AttendanceOfMeeting: attendance by MeetingId order CreatedAt
);
child_relation!(
    /// Declarations of interest at a meeting.
    DeclarationsOfMeeting: declaration_of_interest by MeetingId order CreatedAt
);
child_relation!(
    /// Actions created by a resolution.
    ActionsOfResolution: action by ResolutionId order CreatedAt
);

/// Filters for meeting lists.
#[derive(InputObject, Default)]
pub struct MeetingFilter {
    pub partnership_id: Option<ID>,
    pub board_id: Option<ID>,
    /// Meetings on or after this date.
    pub from: Option<NaiveDate>,
    /// Meetings on or before this date.
    pub to: Option<NaiveDate>,
    pub status: Option<MeetingStatus>,
    /// Oldest first instead of newest first.
    pub oldest_first: Option<bool>,
}

/// The meetings the caller may see, filtered; newest first by default.
pub async fn list(
    ctx: &Context<'_>,
    filter: MeetingFilter,
    args: PageArgs,
) -> ApiResult<Conn<Meeting>> {
    let rc = ctx.req()?;
    let (select, sort) = filtered(rc, &filter)?;
    connection(rc, select, sort, args, Meeting).await
}

/// The meetings under a parent (`parent` is the meeting's column naming it), filtered, batched
/// with the same field's pages under the request's other parents. `filter` names no parent.
pub async fn nested(
    ctx: &Context<'_>,
    filter: MeetingFilter,
    parent: meeting::Column,
    parent_id: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Meeting>> {
    let rc = ctx.req()?;
    let (select, sort) = filtered(rc, &filter)?;
    nested_connection(rc, select, parent, parent_id, sort, args, Meeting).await
}

/// The visible meetings matching `filter`, and their order.
fn filtered(
    rc: &crate::core::context::RequestContext,
    filter: &MeetingFilter,
) -> ApiResult<(sea_orm::Select<meeting::Entity>, Sort<meeting::Entity>)> {
    use meeting::Column as C;
    let mut select = access::visible::<meeting::Entity>(&rc.viewer);
    if let Some(p) = &filter.partnership_id {
        select =
            select.filter(C::PartnershipId.eq(ids::decode(p, Kind::Partnership, "partnershipId")?));
    }
    if let Some(b) = &filter.board_id {
        select = select.filter(C::BoardId.eq(ids::decode(b, Kind::Board, "boardId")?));
    }
    if let Some(from) = filter.from {
        select = select.filter(C::StartsAt.gte(crate::core::dates::start_of(from)));
    }
    if let Some(to) = filter.to {
        select = select.filter(C::StartsAt.lt(crate::core::dates::end_of(to, "to")?));
    }
    if let Some(status) = filter.status {
        select = select.filter(C::Status.eq(entity::enums::MeetingStatus::from(status)));
    }
    let sort = if filter.oldest_first.unwrap_or(false) {
        Sort::asc(C::StartsAt, C::Id, SortType::DateTime)
    } else {
        Sort::desc(C::StartsAt, C::Id, SortType::DateTime)
    };
    Ok((select, sort))
}

/// A sitting of a board.
pub struct Meeting(pub meeting::Model);

#[Object]
impl Meeting {
    /// Bumped by every change: send it back as `expectedVersion` so that a change made meanwhile
    /// by someone else is a CONFLICT rather than silently overwritten.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Meeting, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "meeting", self.0.id).await
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }
    async fn status(&self) -> MeetingStatus {
        self.0.status.into()
    }
    async fn minutes_status(&self) -> MinutesStatus {
        self.0.minutes_status.into()
    }
    /// Why the meeting was cancelled (only for a cancelled meeting).
    async fn cancelled_reason(&self) -> Option<&str> {
        self.0.cancelled_reason.as_deref()
    }
    /// PUBLIC for a Part One meeting, PARTNERSHIP or RESTRICTED for a private one.
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    async fn classification(&self) -> SecurityMarking {
        self.0.visibility.into()
    }
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// The agenda in order. Restricted items appear only as their stub to callers who are not
    /// cleared, or not at all when they have no stub.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn agenda_items(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<AgendaItem>> {
        let rc = ctx.req()?;
        let select = access::visible::<agenda_item::Entity>(&rc.viewer);
        let sort = Sort::asc(
            agenda_item::Column::Ordinal,
            agenda_item::Column::Id,
            SortType::Int,
        );
        let viewer = rc.viewer.clone();
        nested_connection(
            rc,
            select,
            agenda_item::Column::MeetingId,
            self.0.id,
            sort,
            PageArgs::new(first, after, last, before),
            move |m| AgendaItem(access::redact_agenda_item(&viewer, m)),
        )
        .await
    }
    /// Who attended, sent apologies or substituted.
    async fn attendance(&self, ctx: &Context<'_>) -> ApiResult<Vec<Attendance>> {
        Ok(ctx
            .req()?
            .children::<AttendanceOfMeeting>(self.0.id)
            .await?
            .into_iter()
            .map(Attendance)
            .collect())
    }
    async fn declarations_of_interest(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<DeclarationOfInterest>> {
        Ok(ctx
            .req()?
            .children::<DeclarationsOfMeeting>(self.0.id)
            .await?
            .into_iter()
            .map(DeclarationOfInterest)
            .collect())
    }
    /// The board's request for written updates before this meeting, with who still owes one.
    async fn written_update_request(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<written_updates::WrittenUpdateRequest>> {
        written_updates::for_meeting(ctx.req()?, self.0.id).await
    }
    /// The day this meeting's matters arising are read at: the meeting's own day once it has
    /// taken place, today for a meeting still to come.
    async fn matters_arising_as_at(&self) -> NaiveDate {
        crate::domain::actions::matters_arising::day_read(&self.0)
    }
    /// The matters-arising report (Minute | Matter | Update) as the papers print it, as Markdown
    /// or as a printable HTML page.
    #[graphql(complexity = "crate::core::report::REPORT_COST")]
    async fn matters_arising_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: crate::core::report::DocumentFormat,
    ) -> ApiResult<String> {
        let rc = ctx.req()?;
        let board = rc.load::<board::Entity>(self.0.board_id).await?;
        let name = board.map(|b| b.name).unwrap_or_default();
        Ok(
            crate::domain::actions::report::matters_arising(rc, &self.0, &name)
                .await?
                .render(format),
        )
    }
    /// Matters arising: the actions from resolutions and noted matters of earlier meetings of
    /// this board that were still being followed up when this meeting took place (today, for a
    /// meeting still to come): on the list, and not closed before the board's previous meeting.
    /// One closed since then is listed once more. `mattersArisingAsAt` is the day they are read
    /// at; each action's source minute is `resolution.agendaItem.minuteNumber`.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn matters_arising(
        &self,
        ctx: &Context<'_>,
        order_by: Option<ActionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Action>> {
        crate::domain::actions::matters_arising_of(
            ctx,
            &self.0,
            order_by,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// An agenda item and, once minuted, its minute.
pub struct AgendaItem(pub agenda_item::Model);

#[Object]
impl AgendaItem {
    /// Bumped by every change: send it back as `expectedVersion` so that a change made meanwhile
    /// by someone else is a CONFLICT rather than silently overwritten.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AgendaItem, self.0.id)
    }
    async fn ordinal(&self) -> i32 {
        self.0.ordinal
    }
    async fn sub_letter(&self) -> Option<&str> {
        self.0.sub_letter.as_deref()
    }
    /// The item number as printed ("9", "6a").
    async fn number(&self) -> String {
        format!(
            "{}{}",
            self.0.ordinal,
            self.0.sub_letter.as_deref().unwrap_or("")
        )
    }
    /// The title; for a restricted item shown to someone not cleared, its public stub.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// True when the item is restricted (its content is for cleared seats only).
    async fn restricted(&self) -> bool {
        self.0.visibility == entity::enums::Visibility::Restricted
    }
    /// True when the caller sees only the stub of a restricted item.
    async fn redacted(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(access::is_redacted(&ctx.req()?.viewer, &self.0))
    }
    async fn presenter(&self) -> Option<&str> {
        self.0.presenter.as_deref()
    }
    /// Null for a redacted item.
    async fn item_type(&self, ctx: &Context<'_>) -> ApiResult<Option<AgendaItemType>> {
        let redacted = access::is_redacted(&ctx.req()?.viewer, &self.0);
        Ok((!redacted).then(|| self.0.item_type.into()))
    }
    async fn time_allowed_minutes(&self) -> Option<i32> {
        self.0.time_allowed_minutes
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    async fn classification(&self) -> SecurityMarking {
        self.0.visibility.into()
    }
    /// The board's running minute number.
    async fn minute_number(&self) -> Option<i32> {
        self.0.minute_number
    }
    /// The minute text; null for a redacted item.
    async fn minute_text(&self) -> Option<&str> {
        self.0.minute_text.as_deref()
    }
    async fn meeting(&self, ctx: &Context<'_>) -> ApiResult<Option<Meeting>> {
        Ok(ctx
            .req()?
            .load::<meeting::Entity>(self.0.meeting_id)
            .await?
            .map(Meeting))
    }
    /// Resolutions recorded under this item (empty for a redacted item).
    async fn resolutions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Resolution>> {
        Ok(ctx
            .req()?
            .children::<ResolutionsOfItem>(self.0.id)
            .await?
            .into_iter()
            .map(Resolution)
            .collect())
    }
    /// Corrections made to the minute after approval, oldest first (empty for a redacted item).
    async fn corrections(&self, ctx: &Context<'_>) -> ApiResult<Vec<MinuteCorrection>> {
        Ok(ctx
            .req()?
            .children::<CorrectionsOfItem>(self.0.id)
            .await?
            .into_iter()
            .map(MinuteCorrection)
            .collect())
    }
}

/// A correction of an approved minute: what it said, what it says now, who changed it and why.
pub struct MinuteCorrection(pub minute_correction::Model);

#[Object]
impl MinuteCorrection {
    async fn previous_text(&self) -> Option<&str> {
        self.0.previous_text.as_deref()
    }
    async fn corrected_text(&self) -> &str {
        &self.0.corrected_text
    }
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    async fn corrected_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn corrected_by(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.corrected_by_id)
            .await?
            .map(Person))
    }
}

/// A resolution ("RESOLVED that ...").
pub struct Resolution(pub resolution::Model);

#[Object]
impl Resolution {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Resolution, self.0.id)
    }
    /// Resolved ("RESOLVED that ..."), or a matter the board noted for follow-up.
    async fn kind(&self) -> crate::domain::types::ResolutionKind {
        self.0.kind.into()
    }
    async fn ordinal(&self) -> i32 {
        self.0.ordinal
    }
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Owners' initials exactly as the minutes wrote them ("SK/LC").
    async fn owners_initials(&self) -> Option<&str> {
        self.0.owners_initials.as_deref()
    }
    async fn agenda_item(&self, ctx: &Context<'_>) -> ApiResult<Option<AgendaItem>> {
        let rc = ctx.req()?;
        let item = rc
            .load::<agenda_item::Entity>(self.0.agenda_item_id)
            .await?;
        Ok(item.map(|m| AgendaItem(access::redact_agenda_item(&rc.viewer, m))))
    }
    /// Actions this resolution created.
    async fn actions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Action>> {
        Ok(ctx
            .req()?
            .children::<ActionsOfResolution>(self.0.id)
            .await?
            .into_iter()
            .map(Action)
            .collect())
    }
}

/// A person's attendance at a meeting.
pub struct Attendance(pub attendance::Model);

#[Object]
impl Attendance {
    async fn status(&self) -> AttendanceStatus {
        self.0.status.into()
    }
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
    /// For a substitute: the member whose seat they held.
    async fn substitute_for(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.substitute_for_id)
            .await?
            .map(Person))
    }
}

/// A declaration of interest.
pub struct DeclarationOfInterest(pub declaration_of_interest::Model);

#[Object]
impl DeclarationOfInterest {
    async fn interest(&self) -> &str {
        &self.0.interest
    }
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
}

/// Root fields of this area.
#[derive(Default)]
pub struct MeetingsQuery;

#[Object]
impl MeetingsQuery {
    /// Meetings the caller may see.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        filter: Option<MeetingFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Meeting>> {
        list(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

pub mod changes;
pub mod service;
pub mod writes;
pub mod written_updates;
