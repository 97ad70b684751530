//! Changing a meeting after it is scheduled: move or cancel it, reclassify and reorder its agenda,
//! record declarations of interest, and correct approved minutes.
//!
//! The same rules as [`super`]: the board's officers only, records loaded through `access` first
//! (invisible = NOT_FOUND), one transaction with its audit row. Approved minutes change only
//! through [`correct_minute`], which keeps both texts and the reason.

use super::{check_stub, check_time_allowed};
use super::{editable, item_for_write, item_of_managed_meeting, meeting_for_write};
use super::{MAX_TEXT_LEN, MAX_TITLE_LEN};
use crate::core::access;
use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use crate::core::validate::{optional_text, text};
use crate::domain::types::{AgendaItemType, Visibility};
use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use entity::enums::{MeetingStatus, MinutesStatus, Visibility as DbVisibility};
use entity::{agenda_item, declaration_of_interest, meeting, minute_correction};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashSet;
use uuid::Uuid;

/// Most agenda items one reorder may name (the papers have a dozen or so).
const MAX_AGENDA_ITEMS: usize = 200;

/// New time or venue for a scheduled meeting; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateMeetingInput {
    pub meeting_id: ID,
    /// The `version` you last saw; if someone changed it since, CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    pub starts_at: Option<DateTime<Utc>>,
    pub venue: Option<String>,
}

/// Cancels a scheduled meeting.
#[derive(InputObject)]
pub struct CancelMeetingInput {
    pub meeting_id: ID,
    /// The `version` you last saw; if someone changed it since, CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    pub reason: String,
}

/// Changes to an agenda item; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateAgendaItemInput {
    pub agenda_item_id: ID,
    /// The `version` you last saw; if someone changed it since, CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    pub title: Option<String>,
    /// Information, decision, discussion or standing item.
    pub item_type: Option<AgendaItemType>,
    pub presenter: Option<String>,
    pub time_allowed_minutes: Option<i32>,
    /// Making an item restricted also hides its resolutions and their actions from people not
    /// cleared on the board.
    pub visibility: Option<Visibility>,
    /// What people who are not cleared see of a restricted item.
    pub stub_title: Option<String>,
}

/// A new order for a meeting's agenda.
#[derive(InputObject)]
pub struct ReorderAgendaInput {
    pub meeting_id: ID,
    /// Every agenda item of the meeting the caller can see, in the new order.
    pub agenda_item_ids: Vec<ID>,
}

/// A declaration of interest made at a meeting.
#[derive(InputObject)]
pub struct RecordDeclarationInput {
    pub meeting_id: ID,
    pub person_id: ID,
    /// The interest as the minutes record it.
    pub interest: String,
}

/// A correction of an approved minute.
#[derive(InputObject)]
pub struct CorrectMinuteInput {
    pub agenda_item_id: ID,
    /// The corrected minute in full.
    pub text: String,
    /// Why it was corrected (for example "corrected at the following meeting, minute 412").
    pub reason: String,
}

/// Refuses moving or cancelling a meeting that is held or cancelled.
fn scheduled(meeting: &meeting::Model) -> ApiResult<()> {
    match meeting.status {
        MeetingStatus::Scheduled => Ok(()),
        MeetingStatus::Held => Err(ApiError::bad_input(
            "meetingId",
            "the meeting has been held and cannot be moved or cancelled",
        )),
        MeetingStatus::Cancelled => {
            Err(ApiError::bad_input("meetingId", "the meeting is cancelled"))
        }
    }
}

/// Moves a scheduled meeting or changes its venue.
pub async fn update_meeting(
    rc: &RequestContext,
    input: UpdateMeetingInput,
) -> ApiResult<meeting::Model> {
    let venue = optional_text("venue", input.venue.as_deref(), MAX_TITLE_LEN)?;
    if input.starts_at.is_some_and(|t| t < Utc::now()) {
        // Moving a meeting into the past would silently change its matters arising.
        return Err(ApiError::bad_input(
            "startsAt",
            "a meeting cannot be moved into the past",
        ));
    }
    let meeting = meeting_for_write(rc, &input.meeting_id, "updateMeeting").await?;
    scheduled(&meeting)?;
    crate::core::versioned::check(input.expected_version, meeting.version, "meeting")?;
    let mut changes = meeting::ActiveModel {
        id: Set(meeting.id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(starts_at) = input.starts_at {
        changes.starts_at = Set(starts_at);
    }
    if let Some(venue) = venue {
        changes.venue = Set(Some(venue));
    }
    let txn = begin_write(&rc.db).await?;
    bump_meeting(&txn, &meeting).await?;
    let updated = changes.update(&txn).await?;
    audit::allowed(
        &txn,
        rc,
        "updateMeeting",
        "meeting",
        meeting.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Cancels a scheduled meeting with its reason.
pub async fn cancel_meeting(
    rc: &RequestContext,
    input: CancelMeetingInput,
) -> ApiResult<meeting::Model> {
    let reason = text("reason", &input.reason, MAX_TITLE_LEN)?;
    let meeting = meeting_for_write(rc, &input.meeting_id, "cancelMeeting").await?;
    scheduled(&meeting)?;
    crate::core::versioned::check(input.expected_version, meeting.version, "meeting")?;
    let txn = begin_write(&rc.db).await?;
    bump_meeting(&txn, &meeting).await?;
    let updated = meeting::ActiveModel {
        id: Set(meeting.id),
        status: Set(MeetingStatus::Cancelled),
        cancelled_reason: Set(Some(reason)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::allowed(
        &txn,
        rc,
        "cancelMeeting",
        "meeting",
        meeting.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Changes an item of a draft meeting; returns it as the caller may see it.
pub async fn update_agenda_item(
    rc: &RequestContext,
    input: UpdateAgendaItemInput,
) -> ApiResult<agenda_item::Model> {
    let title = optional_text("title", input.title.as_deref(), MAX_TITLE_LEN)?;
    let presenter = optional_text("presenter", input.presenter.as_deref(), MAX_TITLE_LEN)?;
    let stub_title = optional_text("stubTitle", input.stub_title.as_deref(), MAX_TITLE_LEN)?;
    check_time_allowed(input.time_allowed_minutes)?;
    let (item, meeting) = item_for_write(rc, &input.agenda_item_id, "updateAgendaItem").await?;
    crate::core::versioned::check(input.expected_version, item.version, "agenda item")?;
    let visibility: DbVisibility = input.visibility.map(Into::into).unwrap_or(item.visibility);
    let has_stub = stub_title.is_some() || item.stub_title.is_some();
    check_stub(stub_title.as_deref(), visibility)?;
    let mut changes = agenda_item::ActiveModel {
        id: Set(item.id),
        visibility: Set(visibility),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(title) = title {
        changes.title = Set(title);
    }
    if let Some(presenter) = presenter {
        changes.presenter = Set(Some(presenter));
    }
    if let Some(kind) = input.item_type {
        changes.item_type = Set(kind.into());
    }
    if let Some(minutes) = input.time_allowed_minutes {
        changes.time_allowed_minutes = Set(Some(minutes));
    }
    if visibility == DbVisibility::Restricted {
        if let Some(stub) = stub_title {
            changes.stub_title = Set(Some(stub));
        }
    } else if has_stub {
        // A stub only means something on a restricted item.
        changes.stub_title = Set(None);
    }
    let txn = begin_write(&rc.db).await?;
    bump_item(&txn, &item).await?;
    let updated = changes.update(&txn).await?;
    audit::allowed(
        &txn,
        rc,
        "updateAgendaItem",
        "agenda_item",
        item.id,
        meeting.partnership_id,
    )
    .await?;
    // A re-marked item made the access summaries of actions from its resolutions stale.
    crate::core::access_summary::summarise(&txn).await?;
    txn.commit().await?;
    Ok(access::redact_agenda_item(&rc.viewer, updated))
}

/// Reorders the caller's visible items of a draft meeting; returns them as they may see them.
pub async fn reorder_agenda_items(
    rc: &RequestContext,
    input: ReorderAgendaInput,
) -> ApiResult<Vec<agenda_item::Model>> {
    if input.agenda_item_ids.len() > MAX_AGENDA_ITEMS {
        return Err(ApiError::bad_input(
            "agendaItemIds",
            format!("at most {MAX_AGENDA_ITEMS} items"),
        ));
    }
    let wanted = input
        .agenda_item_ids
        .iter()
        .map(|id| ids::decode(id, Kind::AgendaItem, "agendaItemIds"))
        .collect::<ApiResult<Vec<Uuid>>>()?;
    let meeting = meeting_for_write(rc, &input.meeting_id, "reorderAgendaItems").await?;
    editable(&meeting)?;
    let items = access::visible::<agenda_item::Entity>(&rc.viewer)
        .filter(agenda_item::Column::MeetingId.eq(meeting.id))
        .order_by_asc(agenda_item::Column::Ordinal)
        .all(&rc.db)
        .await?;
    let present: HashSet<Uuid> = items.iter().map(|i| i.id).collect();
    let named: HashSet<Uuid> = wanted.iter().copied().collect();
    if named.len() != wanted.len() || named != present {
        return Err(ApiError::bad_input(
            "agendaItemIds",
            "name every agenda item of the meeting exactly once",
        ));
    }
    // The places the caller's items hold now, handed out again in the new order.
    let mut slots: Vec<i32> = items.iter().map(|i| i.ordinal).collect();
    slots.sort_unstable();
    let txn = begin_write(&rc.db).await?;
    let mut reordered = Vec::with_capacity(wanted.len());
    for (id, ordinal) in wanted.iter().zip(slots) {
        let updated = agenda_item::ActiveModel {
            id: Set(*id),
            ordinal: Set(ordinal),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        // The reply shows restricted minutes the caller is cleared for: a read to audit.
        rc.reads
            .note::<agenda_item::Entity>(&rc.viewer, std::slice::from_ref(&updated));
        reordered.push(access::redact_agenda_item(&rc.viewer, updated));
    }
    audit::allowed(
        &txn,
        rc,
        "reorderAgendaItems",
        "meeting",
        meeting.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(reordered)
}

/// Records a declaration of interest at a draft meeting.
pub async fn record_declaration_of_interest(
    rc: &RequestContext,
    input: RecordDeclarationInput,
) -> ApiResult<declaration_of_interest::Model> {
    let person_id = ids::decode(&input.person_id, Kind::Person, "personId")?;
    let interest = text("interest", &input.interest, MAX_TITLE_LEN * 4)?;
    let meeting = meeting_for_write(rc, &input.meeting_id, "recordDeclarationOfInterest").await?;
    editable(&meeting)?;
    crate::core::validate::person(rc, person_id, "personId").await?;
    let txn = begin_write(&rc.db).await?;
    let now = Utc::now();
    let model = declaration_of_interest::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting.id),
        person_id: Set(person_id),
        interest: Set(interest),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::allowed(
        &txn,
        rc,
        "recordDeclarationOfInterest",
        "declaration_of_interest",
        model.id,
        meeting.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Corrects an approved minute, keeping both texts and the reason.
pub async fn correct_minute(
    rc: &RequestContext,
    input: CorrectMinuteInput,
) -> ApiResult<agenda_item::Model> {
    let corrected = text("text", &input.text, MAX_TEXT_LEN)?;
    let reason = text("reason", &input.reason, MAX_TITLE_LEN * 4)?;
    let (item, meeting) =
        item_of_managed_meeting(rc, &input.agenda_item_id, "correctMinute").await?;
    if meeting.minutes_status != MinutesStatus::Approved {
        return Err(ApiError::bad_input(
            "agendaItemId",
            "the minutes are still draft: use writeMinute",
        ));
    }
    if item.minute_number.is_none() {
        return Err(ApiError::bad_input(
            "agendaItemId",
            "the item has no minute to correct",
        ));
    }
    let txn = begin_write(&rc.db).await?;
    let now = Utc::now();
    let correction = minute_correction::ActiveModel {
        id: Set(Uuid::now_v7()),
        agenda_item_id: Set(item.id),
        corrected_by_id: Set(rc.viewer.person_id()),
        previous_text: Set(item.minute_text.clone()),
        corrected_text: Set(corrected.clone()),
        reason: Set(reason.clone()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let updated = agenda_item::ActiveModel {
        id: Set(item.id),
        minute_text: Set(Some(corrected)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::allowed_with_detail(
        &txn,
        rc,
        "correctMinute",
        ("agenda_item", item.id, meeting.partnership_id),
        format!("correction {}: {reason}", correction.id),
    )
    .await?;
    txn.commit().await?;
    rc.reads
        .note::<agenda_item::Entity>(&rc.viewer, std::slice::from_ref(&updated));
    Ok(updated)
}

/// Moves a meeting's version on inside the write (see `core::versioned`).
async fn bump_meeting(txn: &sea_orm::DatabaseTransaction, m: &meeting::Model) -> ApiResult<()> {
    crate::core::versioned::bump::<meeting::Entity, _>(
        txn,
        meeting::Column::Id,
        meeting::Column::Version,
        m.id,
        m.version,
        "meeting",
    )
    .await
}

/// Moves an agenda item's version on inside the write (see `core::versioned`).
pub(crate) async fn bump_item(
    txn: &sea_orm::DatabaseTransaction,
    item: &agenda_item::Model,
) -> ApiResult<()> {
    crate::core::versioned::bump::<agenda_item::Entity, _>(
        txn,
        agenda_item::Column::Id,
        agenda_item::Column::Version,
        item.id,
        item.version,
        "agenda item",
    )
    .await
}
