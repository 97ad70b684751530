//! Boards, sub-groups and panels, their seats, and attendance rates.
//! No visibility decisions here: reads go through `access`.

pub mod service;

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder};
use crate::domain::indicators::Indicator;
use crate::domain::meetings::{Meeting, MeetingFilter};
use crate::domain::partners::{Organisation, Partnership, Person};
use crate::domain::reviews::Review;
use crate::domain::types::{BoardKind, MembershipRole, SecurityMarking, Visibility};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{NaiveDate, Utc};
use entity::{
    action, board, board_membership, domestic_homicide_review, indicator, meeting, partnership,
    person,
};
use sea_orm::{ColumnTrait, QueryFilter};
pub use service::{AddMembershipInput, BoardFilter, CreateBoardInput, UpdateBoardInput};

/// A board, sub-group, operational panel, forum or task-and-finish group.
pub struct Board(pub board::Model);

pub(crate) fn board_sort() -> Sort<board::Entity> {
    Sort::asc(board::Column::Name, board::Column::Id, SortType::Text)
}

pub(crate) fn membership_sort() -> Sort<board_membership::Entity> {
    Sort::asc(
        board_membership::Column::CreatedAt,
        board_membership::Column::Id,
        SortType::DateTime,
    )
}

/// The boards the caller may see, filtered.
pub async fn list(
    ctx: &Context<'_>,
    filter: BoardFilter,
    args: PageArgs,
) -> ApiResult<Conn<Board>> {
    let rc = ctx.req()?;
    let select = service::boards(rc, &filter)?;
    connection(rc, select, board_sort(), args, Board).await
}

/// The boards under a parent (`parent` is the board's column naming it: its parent board or its
/// partnership), batched with the same field's pages under the request's other parents.
pub async fn nested(
    ctx: &Context<'_>,
    parent: board::Column,
    parent_id: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Board>> {
    let rc = ctx.req()?;
    let select = service::boards(rc, &BoardFilter::default())?;
    nested_connection(rc, select, parent, parent_id, board_sort(), args, Board).await
}

/// Attendance of one organisation's people at a board's held meetings over a period.
#[derive(SimpleObject)]
pub struct AttendanceRate {
    pub organisation: Organisation,
    /// Held meetings in the period at which the organisation was expected.
    pub meetings: i32,
    /// Meetings at which it was represented: one of its people, or a substitute for one of its
    /// members, attended.
    pub attended: i32,
    /// Meetings for which it sent apologies and nobody came.
    pub apologies: i32,
    /// Meetings it missed without apologies.
    pub absent: i32,
    /// attended / meetings, 0–1; null when it was expected at none.
    pub rate: Option<f64>,
}

#[Object]
impl Board {
    /// Bumped by every change: send it back as `expectedVersion` so that a change made meanwhile
    /// by someone else is a CONFLICT rather than silently overwritten.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Board, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "board", self.0.id).await
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> BoardKind {
        self.0.kind.into()
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// Security marking for front-ends to display.
    async fn classification(&self) -> SecurityMarking {
        self.0.visibility.into()
    }
    async fn meeting_frequency(&self) -> Option<&str> {
        self.0.meeting_frequency.as_deref()
    }
    async fn terms_of_reference(&self) -> Option<&str> {
        self.0.terms_of_reference.as_deref()
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// The board this one reports to (null when the caller may not see it).
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load_opt::<board::Entity>(self.0.parent_id)
            .await?
            .map(Board))
    }
    /// Sub-groups reporting to this board.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn sub_boards(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Board>> {
        let args = PageArgs::new(first, after, last, before);
        nested(ctx, board::Column::ParentId, self.0.id, args).await
    }
    /// The board's clearance register: who holds clearance for its restricted items, granted by
    /// whom, when and until when; pending requests; approvals due for review
    /// (`expiringWithinDays`). Its officers and the partnership's administrators see it all; a
    /// person sees only their own.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn clearances(
        &self,
        ctx: &Context<'_>,
        filter: Option<crate::domain::clearances::ClearanceFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<crate::domain::clearances::Clearance>> {
        let rc = ctx.req()?;
        let select = crate::domain::clearances::service::list_select(
            rc,
            None,
            None,
            filter.unwrap_or_default(),
        )?;
        let args = PageArgs::new(first, after, last, before);
        crate::domain::clearances::nested(rc, select, self.0.id, args).await
    }
    /// Seats on this board.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        current_only: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<BoardMembership>> {
        let rc = ctx.req()?;
        let mut select = access::visible::<board_membership::Entity>(&rc.viewer);
        if current_only.unwrap_or(false) {
            select = select.filter(crate::core::auth::current_seat(Utc::now().date_naive()));
        }
        nested_connection(
            rc,
            select,
            board_membership::Column::BoardId,
            self.0.id,
            membership_sort(),
            PageArgs::new(first, after, last, before),
            BoardMembership,
        )
        .await
    }
    /// Meetings of this board, newest first unless `oldestFirst`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        oldest_first: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Meeting>> {
        let filter = MeetingFilter {
            from,
            to,
            oldest_first,
            ..Default::default()
        };
        let args = PageArgs::new(first, after, last, before);
        crate::domain::meetings::nested(ctx, filter, meeting::Column::BoardId, self.0.id, args)
            .await
    }
    /// Actions owned by this board.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn actions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        order_by: Option<ActionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Action>> {
        let filter = ActionFilter {
            board_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            action::Column::BoardId,
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Performance indicators reported to this board.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Indicator>> {
        let args = PageArgs::new(first, after, last, before);
        crate::domain::indicators::nested(ctx, indicator::Column::BoardId, self.0.id, args).await
    }
    /// Domestic Homicide Reviews overseen by this board (cleared seats only, until published).
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Review>> {
        let rc = ctx.req()?;
        let select = access::visible::<domestic_homicide_review::Entity>(&rc.viewer);
        nested_connection(
            rc,
            select,
            domestic_homicide_review::Column::BoardId,
            self.0.id,
            crate::domain::reviews::review_sort(),
            PageArgs::new(first, after, last, before),
            Review,
        )
        .await
    }
    /// Attendance rate per organisation at this board's held meetings between `from` and `to`
    /// (inclusive; default: the last twelve months).
    async fn attendance_rates(
        &self,
        ctx: &Context<'_>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> ApiResult<Vec<AttendanceRate>> {
        let tallies = service::attendance_rates(ctx.req()?, self.0.id, from, to).await?;
        Ok(tallies
            .into_iter()
            .map(|t| AttendanceRate {
                organisation: Organisation(t.organisation),
                meetings: t.meetings,
                attended: t.attended,
                apologies: t.apologies,
                absent: t.absent,
                rate: t.rate,
            })
            .collect())
    }
}

/// A person's seat on a board.
pub struct BoardMembership(pub board_membership::Model);

#[Object]
impl BoardMembership {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::BoardMembership, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of_seat(ctx, &self.0).await
    }
    async fn role(&self) -> MembershipRole {
        self.0.role.into()
    }
    async fn starts_on(&self) -> Option<NaiveDate> {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// Whether the seat is held today.
    async fn current(&self) -> bool {
        crate::core::auth::is_current_seat(&self.0, Utc::now().date_naive())
    }
    /// Whether the seat carries a clearance in force (approved by a second person, unexpired)
    /// for the board's restricted items. Shown only to people who hold a seat on the same board:
    /// who is cleared for MARAC is itself sensitive.
    async fn restricted_clearance(&self, ctx: &Context<'_>) -> ApiResult<Option<bool>> {
        let rc = ctx.req()?;
        if !access::sees_clearance_flag(&rc.viewer, self.0.board_id) {
            return Ok(None);
        }
        let flag = rc
            .loader
            .load_one(crate::core::loaders::ClearanceInForce(self.0.id))
            .await?;
        Ok(Some(flag.is_some()))
    }
    /// The seat's clearances, newest last: the register's keepers, the person and whoever asked
    /// see them.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn clearances(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<crate::domain::clearances::Clearance>> {
        let rc = ctx.req()?;
        let select = crate::domain::clearances::service::list_select(
            rc,
            Some(self.0.board_id),
            None,
            Default::default(),
        )?
        .filter(entity::clearance::Column::MembershipId.eq(self.0.id));
        crate::domain::clearances::page(rc, select, PageArgs::new(first, after, last, before)).await
    }
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
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
pub struct BoardsQuery;

#[Object]
impl BoardsQuery {
    /// Boards the caller may see.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn boards(
        &self,
        ctx: &Context<'_>,
        filter: Option<BoardFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Board>> {
        list(
            ctx,
            filter.unwrap_or_default(),
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// Mutations of this area: partnership administrators manage boards, seats and clearances.
/// Administration grants no sight of restricted content.
#[derive(Default)]
pub struct BoardsMutation;

#[Object]
impl BoardsMutation {
    /// Creates a board or sub-group.
    async fn create_board(&self, ctx: &Context<'_>, input: CreateBoardInput) -> ApiResult<Board> {
        service::create_board(ctx.req()?, input).await.map(Board)
    }

    /// Renames, reclassifies or moves a board (partnership administrators).
    async fn update_board(&self, ctx: &Context<'_>, input: UpdateBoardInput) -> ApiResult<Board> {
        service::update_board(ctx.req()?, input).await.map(Board)
    }

    /// Gives a person a seat on a board.
    async fn add_membership(
        &self,
        ctx: &Context<'_>,
        input: AddMembershipInput,
    ) -> ApiResult<BoardMembership> {
        service::add_membership(ctx.req()?, input)
            .await
            .map(BoardMembership)
    }

    /// Ends a seat (its last day); clearance ends with it on the next request.
    async fn end_membership(
        &self,
        ctx: &Context<'_>,
        membership_id: ID,
        ends_on: NaiveDate,
    ) -> ApiResult<BoardMembership> {
        service::end_membership(ctx.req()?, &membership_id, ends_on)
            .await
            .map(BoardMembership)
    }

    /// Asks for a seat to be cleared (`true`: a pending request, which takes effect only when a
    /// second, entitled person approves it) or ends its clearance (`false`: withdraws the
    /// request or revokes the approval, at once).
    #[graphql(
        deprecation = "use requestClearance, approveClearance and revokeClearance: a clearance now needs a second person's approval"
    )]
    async fn set_restricted_clearance(
        &self,
        ctx: &Context<'_>,
        membership_id: ID,
        cleared: bool,
    ) -> ApiResult<BoardMembership> {
        crate::domain::clearances::service::set_flag(ctx.req()?, &membership_id, cleared)
            .await
            .map(BoardMembership)
    }
}
