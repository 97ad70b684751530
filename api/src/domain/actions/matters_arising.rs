//! Matters arising: the actions from earlier minutes a board follows up, as they stood when the
//! board met.
//!
//! The papers' matters arising is a document of its moment, so it is rebuilt from the actions'
//! history rather than from today's status:
//!
//! - an action is on the list if it arose from a resolution (or a noted matter) of an earlier
//!   meeting of the board and no entry before the meeting's day took it off the list;
//! - it is still a matter arising unless it was closed on or before the board's previous
//!   meeting: one closed since then is printed once more, with the update that closed it, as the
//!   papers do ("The report is now considered complete");
//! - its update is the latest entry reported before the meeting's day.
//!
//! "Before the meeting's day" because the papers are printed before the board meets: what is
//! recorded on the day, at the meeting, belongs to the next meeting's papers.
//!
//! A held meeting is read as at its own day; a meeting still to come as at today. Visibility
//! still comes from `access::visible`: these conditions only narrow the visible set.

use super::service::{self, Change};
use crate::core::access;
use crate::core::auth::Viewer;
use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use crate::core::policy::ActionPermission;
use async_graphql::{Enum, InputObject, ID};
use chrono::{NaiveDate, Utc};
use entity::enums::{ActionStatus, MeetingStatus};
use entity::{action, action_update, agenda_item, meeting, resolution};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The days a meeting's matters arising are read at.
#[derive(Clone, Copy, Debug)]
pub struct AsAt {
    /// The meeting's day, or today for a meeting still to come ([`day_read`]).
    pub on: NaiveDate,
    /// Entries count if reported before this day: the meeting's day, or tomorrow for a meeting
    /// on a later day (today's entries are today's state). A meeting today is read as at its
    /// day whether or not it has started, so its record does not change when it starts.
    pub before: NaiveDate,
    /// The day of the board's previous meeting (not cancelled), if any.
    pub previous: Option<NaiveDate>,
}

/// When `meeting`'s matters arising is read.
pub async fn as_at(db: &impl ConnectionTrait, meeting: &meeting::Model) -> ApiResult<AsAt> {
    let previous = meeting::Entity::find()
        .filter(meeting::Column::BoardId.eq(meeting.board_id))
        .filter(meeting::Column::StartsAt.lt(meeting.starts_at))
        .filter(meeting::Column::Status.ne(MeetingStatus::Cancelled))
        .order_by_desc(meeting::Column::StartsAt)
        .one(db)
        .await?
        .map(|m| day(m.starts_at));
    let (meeting_day, today) = (day(meeting.starts_at), day(Utc::now()));
    let before = if meeting_day <= today {
        meeting_day
    } else {
        today.succ_opt().unwrap_or(today)
    };
    Ok(AsAt {
        on: day_read(meeting),
        before,
        previous,
    })
}

/// The day `meeting`'s matters arising are read at: its own day, or today if that is later.
pub fn day_read(meeting: &meeting::Model) -> NaiveDate {
    Ord::min(day(meeting.starts_at), day(Utc::now()))
}

/// A meeting's day as the papers date it (London time).
fn day(at: chrono::DateTime<Utc>) -> NaiveDate {
    crate::core::dates::local(at).date_naive()
}

/// The visible actions that were matters arising for `meeting` as at `at`.
pub fn select(viewer: &Viewer, meeting: &meeting::Model, at: AsAt) -> Select<action::Entity> {
    let earlier_meetings = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::Id)
        .filter(meeting::Column::BoardId.eq(meeting.board_id))
        .filter(meeting::Column::StartsAt.lt(meeting.starts_at))
        .into_query();
    let items = agenda_item::Entity::find()
        .select_only()
        .column(agenda_item::Column::Id)
        .filter(agenda_item::Column::MeetingId.in_subquery(earlier_meetings))
        .into_query();
    let resolutions = resolution::Entity::find()
        .select_only()
        .column(resolution::Column::Id)
        .filter(resolution::Column::AgendaItemId.in_subquery(items))
        .into_query();
    access::visible::<action::Entity>(viewer)
        .filter(action::Column::ResolutionId.in_subquery(resolutions))
        .filter(listed(at.before))
        .filter(closed_before(at.previous).not())
}

/// `u`, the history table's alias in the correlated subqueries.
fn u() -> Alias {
    Alias::new("u")
}

fn entry(column: action_update::Column) -> Expr {
    Expr::col((u(), column))
}

/// Entries of the outer action.
fn of_outer_action() -> SimpleExpr {
    entry(action_update::Column::ActionId).equals((action::Entity, action::Column::Id))
}

/// The latest listing entry before `before` did not take it off the list (none: listed).
fn listed(before: NaiveDate) -> SimpleExpr {
    let latest = Query::select()
        .expr(entry(action_update::Column::OnMattersArising))
        .from_as(action_update::Entity, u())
        .and_where(of_outer_action())
        .and_where(entry(action_update::Column::OnMattersArising).is_not_null())
        .and_where(entry(action_update::Column::ReportedOn).lt(before))
        .order_by((u(), action_update::Column::ReportedOn), Order::Desc)
        .order_by((u(), action_update::Column::CreatedAt), Order::Desc)
        .order_by((u(), action_update::Column::Id), Order::Desc)
        .limit(1)
        .to_owned();
    Expr::expr(Func::coalesce([
        SimpleExpr::SubQuery(None, Box::new(latest.into())),
        Expr::val(true),
    ]))
    .eq(true)
}

/// Closed before the day of `previous` (what closed on that day, at that meeting, is for the
/// next meeting's papers to report). History written before statuses were kept on entries (an
/// action closed with no status entry at all) counts as closed long ago.
fn closed_before(previous: Option<NaiveDate>) -> SimpleExpr {
    let closed = [ActionStatus::Completed, ActionStatus::Cancelled];
    let any_status = Query::select()
        .expr(Expr::val(1))
        .from_as(action_update::Entity, u())
        .and_where(of_outer_action())
        .and_where(entry(action_update::Column::Status).is_not_null())
        .to_owned();
    let legacy = action::Column::Status
        .ne(ActionStatus::Open)
        .and(Expr::exists(any_status).not());
    let Some(previous) = previous else {
        return legacy;
    };
    let closing = Query::select()
        .expr(Expr::val(1))
        .from_as(action_update::Entity, u())
        .and_where(of_outer_action())
        .and_where(entry(action_update::Column::Status).is_in(closed))
        .and_where(entry(action_update::Column::ReportedOn).lt(previous))
        .to_owned();
    Expr::exists(closing).or(legacy)
}

/// The latest entry of each of `actions` reported before `before`, through `access` like any
/// read, and noted for the audit log.
pub async fn updates_as_at(
    rc: &RequestContext,
    actions: &[Uuid],
    before: NaiveDate,
) -> ApiResult<HashMap<Uuid, action_update::Model>> {
    use action_update::Column as C;
    let mut latest = HashMap::new();
    for chunk in actions.chunks(500) {
        let rows = access::visible::<action_update::Entity>(&rc.viewer)
            .filter(C::ActionId.is_in(chunk.iter().copied()))
            .filter(C::ReportedOn.lt(before))
            .order_by_asc(C::ReportedOn)
            .order_by_asc(C::CreatedAt)
            .order_by_asc(C::Id)
            .all(&rc.db)
            .await?;
        for row in rows {
            latest.insert(row.action_id, row);
        }
    }
    let shown: Vec<action_update::Model> = latest.values().cloned().collect();
    rc.reads.note::<action_update::Entity>(&rc.viewer, &shown);
    Ok(latest)
}

/// What a board officer decides about one matter arising.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MatterOutcome {
    /// Keep it on the list for the next meeting, noting that it was carried forward.
    CarryForward,
    /// Close it (cancelled) because later work superseded it; a note saying what is required.
    CloseAsSuperseded,
    /// Take it off the matters arising list without closing it (followed up elsewhere, such as
    /// a delivery plan); a note saying where is required.
    TakeOffList,
}

/// One decision of `reviewMattersArising`.
#[derive(InputObject)]
pub struct MatterDecision {
    pub action_id: ID,
    /// The `version` the caller last saw; a stale version is refused with CONFLICT.
    pub expected_version: i32,
    pub outcome: MatterOutcome,
    /// Shown in the action's history and the next report.
    pub note: Option<String>,
}

/// Decisions on a meeting's matters arising, taken together.
#[derive(InputObject)]
pub struct ReviewMattersArisingInput {
    pub meeting_id: ID,
    pub decisions: Vec<MatterDecision>,
}

/// Most decisions one call may take.
const MAX_DECISIONS: usize = 200;

/// Applies the decisions in one transaction: each action must be on the meeting's matters
/// arising as the caller sees it, open, at the version given, and the caller must hold the
/// permission the outcome needs; any refusal writes nothing.
pub async fn review(
    rc: &RequestContext,
    input: ReviewMattersArisingInput,
) -> ApiResult<Vec<action::Model>> {
    if input.decisions.is_empty() || input.decisions.len() > MAX_DECISIONS {
        return Err(ApiError::bad_input(
            "decisions",
            format!("give between 1 and {MAX_DECISIONS} decisions"),
        ));
    }
    let meeting_id = ids::decode(&input.meeting_id, Kind::Meeting, "meetingId")?;
    let meeting = access::visible::<meeting::Entity>(&rc.viewer)
        .filter(meeting::Column::Id.eq(meeting_id))
        .one(&rc.db)
        .await?
        .ok_or(ApiError::NotFound("meeting"))?;
    if meeting.status == MeetingStatus::Cancelled {
        return Err(ApiError::bad_input(
            "meetingId",
            "the meeting was cancelled: decide its matters at the next one",
        ));
    }
    let at = as_at(&rc.db, &meeting).await?;
    let mut planned = Vec::with_capacity(input.decisions.len());
    for (i, d) in input.decisions.into_iter().enumerate() {
        // Errors name the decision: one call may carry two hundred.
        let field = |name: &str| format!("decisions.{i}.{name}");
        let id = ids::decode(&d.action_id, Kind::Action, &field("actionId"))?;
        if planned.iter().any(|(other, _, _, _)| *other == id) {
            return Err(ApiError::bad_input(
                &field("actionId"),
                "an action is named twice",
            ));
        }
        let note = match d.note.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(n) => Some(crate::core::validate::text(
                &field("note"),
                n,
                service::MAX_NARRATIVE_LEN,
            )?),
        };
        if note.is_none() && d.outcome != MatterOutcome::CarryForward {
            return Err(ApiError::bad_input(
                &field("note"),
                "say why the matter is closed or taken off the list",
            ));
        }
        let on_list = select(&rc.viewer, &meeting, at)
            .filter(action::Column::Id.eq(id))
            .one(&rc.db)
            .await?;
        if on_list.is_none() {
            return Err(ApiError::bad_input(
                &field("actionId"),
                "the action is not one of this meeting's matters arising",
            ));
        }
        // A refusal is audited under the mutation's name; each write under its decision's.
        let action = service::authorize(
            rc,
            id,
            d.expected_version,
            ActionPermission::DecideMatterArising,
            "reviewMattersArising",
        )
        .await?;
        planned.push((id, action, d.outcome, note));
    }
    let meeting_day = crate::core::dates::local_meeting_time(meeting.starts_at);
    // Before the meeting, the officer prepares its papers; at or after it, records its decision.
    let carried = if meeting.starts_at > Utc::now() {
        format!("Carried forward to the meeting of {meeting_day}")
    } else {
        format!("Carried forward at the meeting of {meeting_day}")
    };
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let mut done = Vec::with_capacity(planned.len());
    for (_, action, outcome, note) in planned {
        let (changes, narrative, change, operation) = match outcome {
            MatterOutcome::CarryForward => (
                action::ActiveModel::default(),
                with_note(carried.clone(), &note),
                Change {
                    status: None,
                    on_matters_arising: Some(true),
                },
                "carryForwardMatter",
            ),
            MatterOutcome::CloseAsSuperseded => (
                action::ActiveModel {
                    status: Set(ActionStatus::Cancelled),
                    status_reason: Set(note.as_ref().map(|n| format!("Superseded: {n}"))),
                    ..Default::default()
                },
                with_note("Closed as superseded".into(), &note),
                Change {
                    status: Some(ActionStatus::Cancelled),
                    on_matters_arising: None,
                },
                "closeMatterAsSuperseded",
            ),
            MatterOutcome::TakeOffList => (
                action::ActiveModel::default(),
                with_note("Taken off the matters arising list".into(), &note),
                Change {
                    status: None,
                    on_matters_arising: Some(false),
                },
                "takeMatterOffList",
            ),
        };
        let updated = service::bump(&txn, &action, changes).await?;
        service::append_entry(&txn, rc, &updated, None, None, narrative, change).await?;
        service::audit_write(&txn, rc, operation, &updated).await?;
        rc.events.publish_in(&txn, updated.id).await?;
        done.push(updated);
    }
    txn.commit().await?;
    for a in &done {
        rc.events.published(a.id);
    }
    Ok(done)
}

fn with_note(text: String, note: &Option<String>) -> String {
    match note {
        Some(n) => format!("{text}: {n}"),
        None => format!("{text}."),
    }
}
