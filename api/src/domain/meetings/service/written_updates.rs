//! Asking for written updates before a meeting: the request is recorded once, against the board's
//! next scheduled meeting; who still owes an update is derived from the action history when it is
//! read ([`outstanding_select`], also used by the reminders), so it is always current.

use crate::core::access;
use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, BoardPermission};
use async_graphql::{InputObject, ID};
use chrono::{Duration, Utc};
use entity::enums::{ActionStatus, MeetingStatus};
use entity::{action, action_update, board, meeting, written_update_request};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select, Set,
};
use uuid::Uuid;

/// Longest notice a board may ask for.
const MAX_DAYS_BEFORE: i32 = 90;

/// A request for written updates before the board's next meeting.
#[derive(InputObject)]
pub struct RequestWrittenUpdatesInput {
    pub board_id: ID,
    /// How many days before the meeting updates are due.
    #[graphql(default = 7)]
    pub days_before: i32,
}

/// The visible open actions of the request's board, created before the request, with no update
/// recorded since it was made: the updates still owed.
pub fn outstanding_select(
    viewer: &crate::core::auth::Viewer,
    request: &written_update_request::Model,
) -> Select<action::Entity> {
    let answered = action_update::Entity::find()
        .select_only()
        .column(action_update::Column::ActionId)
        .filter(action_update::Column::CreatedAt.gte(request.created_at))
        .into_query();
    access::visible::<action::Entity>(viewer)
        .filter(action::Column::BoardId.eq(request.board_id))
        .filter(action::Column::Status.eq(ActionStatus::Open))
        .filter(action::Column::CreatedAt.lt(request.created_at))
        .filter(action::Column::Id.not_in_subquery(answered))
}

/// The latest request made for a meeting, if any and if the caller may see the meeting.
pub async fn request_for_meeting(
    rc: &RequestContext,
    meeting_id: Uuid,
) -> ApiResult<Option<written_update_request::Model>> {
    Ok(
        access::visible::<written_update_request::Entity>(&rc.viewer)
            .filter(written_update_request::Column::MeetingId.eq(meeting_id))
            .order_by_desc(written_update_request::Column::CreatedAt)
            .one(&rc.db)
            .await?,
    )
}

/// Records a board's request for written updates before its next scheduled meeting.
pub async fn request_written_updates(
    rc: &RequestContext,
    input: RequestWrittenUpdatesInput,
) -> ApiResult<written_update_request::Model> {
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    if !(0..=MAX_DAYS_BEFORE).contains(&input.days_before) {
        return Err(ApiError::bad_input(
            "daysBefore",
            format!("`daysBefore` must be between 0 and {MAX_DAYS_BEFORE}"),
        ));
    }
    // The board first: invisible is NOT_FOUND, visible without standing is FORBIDDEN, before
    // anything about its meetings is said.
    let board = guard::load_for_write::<board::Entity>(rc, board_id, "board").await?;
    guard::require(
        rc,
        policy::may_on_board(&rc.viewer, BoardPermission::ManageMeetings, board.id),
        Target::new(
            "requestWrittenUpdates",
            "board",
            board.id,
            board.partnership_id,
        ),
        "only the board's chair or secretary may request written updates",
    )
    .await?;
    let now = Utc::now();
    let next = access::visible::<meeting::Entity>(&rc.viewer)
        .filter(meeting::Column::BoardId.eq(board_id))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(now))
        .order_by_asc(meeting::Column::StartsAt)
        .one(&rc.db)
        .await?;
    let Some(next) = next else {
        return Err(ApiError::bad_input(
            "boardId",
            format!("{} has no meeting scheduled ahead", board.name),
        ));
    };
    // Visible (it came through `access`) and of a board the caller manages (checked above).
    let meeting = next;
    let due_on = meeting.starts_at.date_naive() - Duration::days(input.days_before.into());
    if due_on < now.date_naive() {
        return Err(ApiError::bad_input(
            "daysBefore",
            format!(
                "updates would be due on {due_on}, which has passed; the next meeting is on {}",
                meeting.starts_at.date_naive()
            ),
        ));
    }
    if let Some(existing) = request_for_meeting(rc, meeting.id).await? {
        return Err(ApiError::Conflict(format!(
            "updates for this meeting were already requested on {}, due {}",
            existing.created_at.date_naive(),
            existing.due_on
        )));
    }
    let txn = begin_write(&rc.db).await?;
    let model = written_update_request::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(meeting.partnership_id),
        board_id: Set(meeting.board_id),
        meeting_id: Set(meeting.id),
        requested_by_id: Set(rc.viewer.person_id()),
        due_on: Set(due_on),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict("updates for this meeting were requested a moment ago".into())
        }
        _ => e.into(),
    })?;
    audit::allowed(
        &txn,
        rc,
        "requestWrittenUpdates",
        "written_update_request",
        model.id,
        model.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}
