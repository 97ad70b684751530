//! Written updates: before a meeting, the board asks the leads of its open actions for a written
//! update, due a set number of days ahead of the meeting. Today the secretary chases these by
//! email and compiles the replies by hand; here the request is recorded once and who still owes
//! an update is derived from the action history, so it is always current.

use super::Meeting;
use crate::core::access;
use crate::core::audit;
use crate::core::context::CtxExt;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, Conn, PageArgs};
use crate::domain::actions::{action_sort, Action, ActionOrder};
use crate::domain::partners::Person;
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::enums::{ActionStatus, MeetingStatus};
use entity::{action, action_update, board, meeting, person, written_update_request};
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

/// A board's request for written updates on its open actions before a meeting.
pub struct WrittenUpdateRequest(pub written_update_request::Model);

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
        access::visible::<written_update_request::Entity>(&rc.viewer)
            .filter(written_update_request::Column::MeetingId.eq(meeting_id))
            .order_by_desc(written_update_request::Column::CreatedAt)
            .one(&rc.db)
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
        let rc = ctx.req()?;
        let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
        if !(0..=MAX_DAYS_BEFORE).contains(&input.days_before) {
            return Err(ApiError::bad_input(
                "daysBefore",
                format!("`daysBefore` must be between 0 and {MAX_DAYS_BEFORE}"),
            ));
        }
        // The board first: invisible is NOT_FOUND, visible without standing is FORBIDDEN, before
        // anything about its meetings is said.
        let board = access::visible::<board::Entity>(&rc.viewer)
            .filter(board::Column::Id.eq(board_id))
            .one(&rc.db)
            .await?
            .ok_or(ApiError::NotFound("board"))?;
        if !crate::core::policy::may_on_board(
            &rc.viewer,
            crate::core::policy::BoardPermission::ManageMeetings,
            board.id,
        ) {
            return Err(audit::refuse(
                rc,
                "requestWrittenUpdates",
                "board",
                board.id,
                board.partnership_id,
                "only the board's chair or secretary may request written updates",
            )
            .await);
        }
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
        if let Some(existing) = for_meeting(rc, meeting.id).await? {
            return Err(ApiError::Conflict(format!(
                "updates for this meeting were already requested on {}, due {}",
                existing.0.created_at.date_naive(),
                existing.0.due_on
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
        Ok(WrittenUpdateRequest(model))
    }
}
