//! The meetings service: plain functions over the request context, one per mutation, returning
//! models; the GraphQL mutation roots ([`super::writes`], [`super::changes`],
//! [`super::written_updates`]) only call them.
//!
//! This module runs a meeting: schedule, agenda, attendance, minutes with the board's running
//! minute number, resolutions (optionally creating actions) and approval. [`changes`] changes a
//! meeting after it is scheduled; [`written_updates`] asks for written updates before one.
//!
//! The board's officers (chair, joint chair, vice-chair, secretary) may do this; the record is
//! loaded through `access` first (invisible = NOT_FOUND) and `policy` decides (no = FORBIDDEN,
//! audited), both through `core::guard`. Each mutation is one transaction with its audit row.
//! Approved minutes are read-only.

use crate::core::access;
use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, BoardPermission};
use crate::core::validate::{optional_text, text};
use crate::domain::actions::service::{insert_action, NewAction};
use crate::domain::types::{AgendaItemType, AttendanceStatus, Visibility};
use async_graphql::{InputObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{MeetingStatus, MinutesStatus};
use entity::{agenda_item, attendance, board, meeting, resolution};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set,
};
use uuid::Uuid;

pub mod changes;
pub mod written_updates;

/// Longest title accepted.
pub const MAX_TITLE_LEN: usize = 300;
/// Longest minute or resolution text accepted.
pub const MAX_TEXT_LEN: usize = 20_000;

/// Decodes a meeting id (`meetingId`) and loads the meeting through [`managed_meeting`].
pub(super) async fn meeting_for_write(
    rc: &RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<meeting::Model> {
    let id = ids::decode(id, Kind::Meeting, "meetingId")?;
    managed_meeting(rc, id, operation).await
}

/// Loads a visible meeting and checks the caller manages its board; a refusal is audited against
/// the meeting under `operation`.
pub(super) async fn managed_meeting(
    rc: &RequestContext,
    id: Uuid,
    operation: &str,
) -> ApiResult<meeting::Model> {
    let meeting = guard::load_for_write::<meeting::Entity>(rc, id, "meeting").await?;
    guard::require(
        rc,
        policy::may_on_board(
            &rc.viewer,
            BoardPermission::ManageMeetings,
            meeting.board_id,
        ),
        Target::new(operation, "meeting", meeting.id, meeting.partnership_id),
        "only the board's chair or secretary may do this",
    )
    .await?;
    Ok(meeting)
}

/// Refuses a change to a meeting whose minutes are approved.
/// A scheduled meeting whose start has passed becomes HELD when its attendance or minutes are
/// recorded: that is how a council knows it took place (approving the minutes comes weeks
/// later). The version moves on, as with any change to the meeting.
pub(super) async fn mark_held(
    txn: &sea_orm::DatabaseTransaction,
    meeting: &meeting::Model,
) -> ApiResult<()> {
    if meeting.status != MeetingStatus::Scheduled || meeting.starts_at > Utc::now() {
        return Ok(());
    }
    meeting::Entity::update_many()
        .col_expr(meeting::Column::Status, Expr::value(MeetingStatus::Held))
        .col_expr(
            meeting::Column::Version,
            Expr::col(meeting::Column::Version).add(1),
        )
        .col_expr(meeting::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(meeting::Column::Id.eq(meeting.id))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .exec(txn)
        .await?;
    Ok(())
}

pub(super) fn editable(meeting: &meeting::Model) -> ApiResult<()> {
    if meeting.minutes_status == MinutesStatus::Approved {
        return Err(ApiError::bad_input(
            "meetingId",
            "the minutes of this meeting are approved and read-only",
        ));
    }
    Ok(())
}

/// An agenda item's time allowance: 1 to 600 minutes.
pub(super) fn check_time_allowed(minutes: Option<i32>) -> ApiResult<()> {
    if minutes.is_some_and(|m| !(1..=600).contains(&m)) {
        return Err(ApiError::bad_input(
            "timeAllowedMinutes",
            "`timeAllowedMinutes` must be between 1 and 600",
        ));
    }
    Ok(())
}

/// Only a restricted item has a stub title (what people who are not cleared see of it).
pub(super) fn check_stub(
    stub_title: Option<&str>,
    visibility: entity::enums::Visibility,
) -> ApiResult<()> {
    if stub_title.is_some() && visibility != entity::enums::Visibility::Restricted {
        return Err(ApiError::bad_input(
            "stubTitle",
            "only a restricted item has a stub title",
        ));
    }
    Ok(())
}

/// Loads a fully visible agenda item (not a stub) and its meeting for a write while the minutes
/// are draft.
pub(super) async fn item_for_write(
    rc: &RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<(agenda_item::Model, meeting::Model)> {
    let (item, meeting) = item_of_managed_meeting(rc, id, operation).await?;
    editable(&meeting)?;
    Ok((item, meeting))
}

/// Loads a fully visible agenda item (not a stub) whose board the caller manages.
pub(super) async fn item_of_managed_meeting(
    rc: &RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<(agenda_item::Model, meeting::Model)> {
    let item_id = ids::decode(id, Kind::AgendaItem, "agendaItemId")?;
    let item = guard::load_for_write::<agenda_item::Entity>(rc, item_id, "agenda item").await?;
    // A stub is all the caller may see of the item: for a write it is not there at all.
    if access::is_redacted(&rc.viewer, &item) {
        return Err(ApiError::NotFound("agenda item"));
    }
    let meeting = managed_meeting(rc, item.meeting_id, operation).await?;
    Ok((item, meeting))
}

/// A new meeting of a board.
#[derive(InputObject)]
pub struct ScheduleMeetingInput {
    pub board_id: ID,
    pub starts_at: DateTime<Utc>,
    pub venue: Option<String>,
    /// Defaults to the board's own visibility (Part One meetings of a public board are public).
    pub visibility: Option<Visibility>,
}

/// A new agenda item, appended after the existing ones.
#[derive(InputObject)]
pub struct AddAgendaItemInput {
    pub meeting_id: ID,
    pub title: String,
    #[graphql(default_with = "AgendaItemType::Discussion")]
    pub item_type: AgendaItemType,
    pub presenter: Option<String>,
    pub time_allowed_minutes: Option<i32>,
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// What people who are not cleared see of a restricted item.
    pub stub_title: Option<String>,
}

/// Attendance of one person at a meeting (replaces any earlier record for them).
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    pub meeting_id: ID,
    pub person_id: ID,
    pub status: AttendanceStatus,
    /// Required for SUBSTITUTE: the member whose seat they hold.
    pub substitute_for_id: Option<ID>,
}

/// The minute of an agenda item.
#[derive(InputObject)]
pub struct WriteMinuteInput {
    pub agenda_item_id: ID,
    pub text: String,
    /// The item's `version` you last saw; if someone changed it since, CONFLICT and nothing is
    /// written (two secretaries editing one minute).
    pub expected_version: Option<i32>,
}

/// An action to create with a resolution.
#[derive(InputObject)]
pub struct NewActionInput {
    pub title: String,
    pub lead_person_id: Option<ID>,
    pub due_date: Option<NaiveDate>,
}

/// A resolution under an agenda item, optionally creating the action it asks for.
#[derive(InputObject)]
pub struct AddResolutionInput {
    pub agenda_item_id: ID,
    pub text: String,
    /// Owners' initials as the minutes write them ("SK/LC").
    pub owners_initials: Option<String>,
    pub action: Option<NewActionInput>,
}

/// Schedules a meeting of a board whose meetings the caller manages.
pub async fn schedule_meeting(
    rc: &RequestContext,
    input: ScheduleMeetingInput,
) -> ApiResult<meeting::Model> {
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let venue = optional_text("venue", input.venue.as_deref(), MAX_TITLE_LEN)?;
    let board = guard::load_for_write::<board::Entity>(rc, board_id, "board").await?;
    guard::require(
        rc,
        policy::may_on_board(&rc.viewer, BoardPermission::ManageMeetings, board.id),
        Target::new("scheduleMeeting", "board", board.id, board.partnership_id),
        "only the board's chair or secretary may schedule its meetings",
    )
    .await?;
    let txn = begin_write(&rc.db).await?;
    let now = Utc::now();
    let model = meeting::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(board.partnership_id),
        board_id: Set(board.id),
        starts_at: Set(input.starts_at),
        venue: Set(venue),
        status: Set(MeetingStatus::Scheduled),
        minutes_status: Set(MinutesStatus::Draft),
        visibility: Set(input.visibility.map(Into::into).unwrap_or(board.visibility)),
        cancelled_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::allowed(
        &txn,
        rc,
        "scheduleMeeting",
        "meeting",
        model.id,
        model.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Appends an item to a draft meeting's agenda.
pub async fn add_agenda_item(
    rc: &RequestContext,
    input: AddAgendaItemInput,
) -> ApiResult<agenda_item::Model> {
    let title = text("title", &input.title, MAX_TITLE_LEN)?;
    let presenter = optional_text("presenter", input.presenter.as_deref(), MAX_TITLE_LEN)?;
    let stub_title = optional_text("stubTitle", input.stub_title.as_deref(), MAX_TITLE_LEN)?;
    check_time_allowed(input.time_allowed_minutes)?;
    check_stub(stub_title.as_deref(), input.visibility.into())?;
    let meeting = meeting_for_write(rc, &input.meeting_id, "addAgendaItem").await?;
    editable(&meeting)?;
    let txn = begin_write(&rc.db).await?;
    let last: Option<i32> = agenda_item::Entity::find()
        .select_only()
        .column_as(Expr::col(agenda_item::Column::Ordinal).max(), "max")
        .filter(agenda_item::Column::MeetingId.eq(meeting.id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let now = Utc::now();
    let model = agenda_item::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(meeting.partnership_id),
        board_id: Set(meeting.board_id),
        meeting_id: Set(meeting.id),
        ordinal: Set(last.unwrap_or(0) + 1),
        sub_letter: Set(None),
        title: Set(title),
        stub_title: Set(stub_title),
        presenter: Set(presenter),
        item_type: Set(input.item_type.into()),
        time_allowed_minutes: Set(input.time_allowed_minutes),
        visibility: Set(input.visibility.into()),
        minute_number: Set(None),
        minute_text: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::allowed(
        &txn,
        rc,
        "addAgendaItem",
        "agenda_item",
        model.id,
        model.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Records (replaces) one person's attendance at a draft meeting.
pub async fn record_attendance(
    rc: &RequestContext,
    input: RecordAttendanceInput,
) -> ApiResult<attendance::Model> {
    let person_id = ids::decode(&input.person_id, Kind::Person, "personId")?;
    let substitute_for = input
        .substitute_for_id
        .as_ref()
        .map(|id| ids::decode(id, Kind::Person, "substituteForId"))
        .transpose()?;
    match (input.status, substitute_for) {
        (AttendanceStatus::Substitute, None) => {
            return Err(ApiError::bad_input(
                "substituteForId",
                "a substitute must name the member whose seat they hold",
            ))
        }
        (AttendanceStatus::Substitute, Some(_)) => {}
        (_, Some(_)) => {
            return Err(ApiError::bad_input(
                "substituteForId",
                "only a substitute names another member",
            ))
        }
        (_, None) => {}
    }
    let meeting = meeting_for_write(rc, &input.meeting_id, "recordAttendance").await?;
    editable(&meeting)?;
    for (id, field) in [
        (Some(person_id), "personId"),
        (substitute_for, "substituteForId"),
    ] {
        if let Some(id) = id {
            crate::core::validate::person(rc, id, field).await?;
        }
    }
    let txn = begin_write(&rc.db).await?;
    attendance::Entity::delete_many()
        .filter(attendance::Column::MeetingId.eq(meeting.id))
        .filter(attendance::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let model = attendance::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting.id),
        person_id: Set(person_id),
        status: Set(input.status.into()),
        substitute_for_id: Set(substitute_for),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    mark_held(&txn, &meeting).await?;
    audit::allowed(
        &txn,
        rc,
        "recordAttendance",
        "attendance",
        model.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Writes an item's minute, numbering it the first time.
pub async fn write_minute(
    rc: &RequestContext,
    input: WriteMinuteInput,
) -> ApiResult<agenda_item::Model> {
    let minute = text("text", &input.text, MAX_TEXT_LEN)?;
    let (item, meeting) = item_for_write(rc, &input.agenda_item_id, "writeMinute").await?;
    crate::core::versioned::check(input.expected_version, item.version, "agenda item")?;
    // BEGIN IMMEDIATE (SQLite) or the row lock below (PostgreSQL) serialises numbering.
    let txn = begin_write(&rc.db).await?;
    changes::bump_item(&txn, &item).await?;
    let number = match item.minute_number {
        Some(n) => n,
        None => {
            board::Entity::find_by_id(meeting.board_id)
                .lock_exclusive()
                .one(&txn)
                .await?;
            let last: Option<i32> = agenda_item::Entity::find()
                .select_only()
                .column_as(Expr::col(agenda_item::Column::MinuteNumber).max(), "max")
                // Numbered per board of the *meeting*: a restricted item owned by another
                // board (a DHR item at the partnership board) still takes this board's number.
                .filter(
                    agenda_item::Column::MeetingId.in_subquery(
                        meeting::Entity::find()
                            .select_only()
                            .column(meeting::Column::Id)
                            .filter(meeting::Column::BoardId.eq(meeting.board_id))
                            .into_query(),
                    ),
                )
                .into_tuple::<Option<i32>>()
                .one(&txn)
                .await?
                .flatten();
            last.unwrap_or(0) + 1
        }
    };
    let updated = agenda_item::ActiveModel {
        id: Set(item.id),
        minute_number: Set(Some(number)),
        minute_text: Set(Some(minute)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    mark_held(&txn, &meeting).await?;
    audit::allowed(
        &txn,
        rc,
        "writeMinute",
        "agenda_item",
        item.id,
        item.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Adds a resolution to an item, and the action it asks for when given.
pub async fn add_resolution(
    rc: &RequestContext,
    input: AddResolutionInput,
) -> ApiResult<resolution::Model> {
    let resolution_text = text("text", &input.text, MAX_TEXT_LEN)?;
    let initials = optional_text("ownersInitials", input.owners_initials.as_deref(), 64)?;
    let new_action = match &input.action {
        Some(a) => Some((
            text("action.title", &a.title, MAX_TITLE_LEN)?,
            a.lead_person_id
                .as_ref()
                .map(|id| ids::decode(id, Kind::Person, "action.leadPersonId"))
                .transpose()?,
            a.due_date,
        )),
        None => None,
    };
    let (item, meeting) = item_for_write(rc, &input.agenda_item_id, "addResolution").await?;
    let lead = match new_action.as_ref().and_then(|a| a.1) {
        Some(id) => Some(crate::core::validate::person(rc, id, "action.leadPersonId").await?),
        None => None,
    };
    let txn = begin_write(&rc.db).await?;
    let count = resolution::Entity::find()
        .filter(resolution::Column::AgendaItemId.eq(item.id))
        .order_by_desc(resolution::Column::Ordinal)
        .one(&txn)
        .await?
        .map(|r| r.ordinal)
        .unwrap_or(0);
    let now = Utc::now();
    let model = resolution::ActiveModel {
        id: Set(Uuid::now_v7()),
        agenda_item_id: Set(item.id),
        ordinal: Set(count + 1),
        text: Set(resolution_text),
        owners_initials: Set(initials),
        kind: Set(entity::enums::ResolutionKind::Resolved),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if let Some((title, _, due)) = new_action {
        let created = insert_action(
            &txn,
            NewAction {
                partnership_id: meeting.partnership_id,
                board_id: item.board_id,
                resolution_id: Some(model.id),
                review_id: None,
                title,
                lead,
                start_date: Some(meeting.starts_at.date_naive()),
                due_date: due,
                visibility: item.visibility,
            },
        )
        .await?;
        audit::allowed(
            &txn,
            rc,
            "addResolution",
            "action",
            created.id,
            created.partnership_id,
        )
        .await?;
    }
    audit::allowed(
        &txn,
        rc,
        "addResolution",
        "resolution",
        model.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Approves a meeting's minutes, after which they are read-only.
pub async fn approve_minutes(rc: &RequestContext, meeting_id: ID) -> ApiResult<meeting::Model> {
    let meeting = meeting_for_write(rc, &meeting_id, "approveMinutes").await?;
    editable(&meeting)?;
    let txn = begin_write(&rc.db).await?;
    let updated = meeting::ActiveModel {
        id: Set(meeting.id),
        status: Set(MeetingStatus::Held),
        minutes_status: Set(MinutesStatus::Approved),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::allowed(
        &txn,
        rc,
        "approveMinutes",
        "meeting",
        meeting.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}
