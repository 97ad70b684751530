//! Boards, sub-groups and panels, their seats, and attendance rates.
//! No visibility decisions here: reads go through `access`.

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder};
use crate::domain::indicators::Indicator;
use crate::domain::meetings::{Meeting, MeetingFilter};
use crate::domain::partners::{Organisation, Partnership, Person};
use crate::domain::reviews::Review;
use crate::domain::types::{BoardKind, MembershipRole, SecurityMarking, Visibility};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{NaiveDate, Utc};
use entity::enums::{AttendanceStatus, MeetingStatus};
use entity::{
    attendance, board, board_membership, domestic_homicide_review, meeting, organisation,
    partnership, person,
};
use sea_orm::{ColumnTrait, QueryFilter};
use std::collections::BTreeMap;

/// A board, sub-group, operational panel, forum or task-and-finish group.
pub struct Board(pub board::Model);

/// Filters for board lists.
#[derive(InputObject, Default)]
pub struct BoardFilter {
    pub partnership_id: Option<ID>,
    /// Only direct sub-groups of this board.
    pub parent_id: Option<ID>,
    pub kind: Option<BoardKind>,
}

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
    let mut select = access::visible::<board::Entity>(&rc.viewer);
    if let Some(p) = &filter.partnership_id {
        select = select.filter(board::Column::PartnershipId.eq(ids::decode(
            p,
            Kind::Partnership,
            "partnershipId",
        )?));
    }
    if let Some(p) = &filter.parent_id {
        select =
            select.filter(board::Column::ParentId.eq(ids::decode(p, Kind::Board, "parentId")?));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(board::Column::Kind.eq(entity::enums::BoardKind::from(kind)));
    }
    connection(rc, select, board_sort(), args, Board).await
}

/// Attendance of one organisation's people at a board's held meetings over a period.
#[derive(SimpleObject)]
pub struct AttendanceRate {
    pub organisation: Organisation,
    /// Held meetings in the period at which the organisation was expected.
    pub meetings: i32,
    /// Attendances (present, or a substitute for a member).
    pub attended: i32,
    pub apologies: i32,
    pub absent: i32,
    /// attended / (attended + apologies + absent), 0–1; null when nobody was expected.
    pub rate: Option<f64>,
}

#[Object]
impl Board {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Board, self.0.id)
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
        let filter = BoardFilter {
            parent_id: Some(ids::encode(Kind::Board, self.0.id)),
            ..Default::default()
        };
        list(ctx, filter, PageArgs::new(first, after, last, before)).await
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
        let select = crate::domain::clearances::list_select(
            rc,
            Some(self.0.id),
            None,
            filter.unwrap_or_default(),
        )?;
        crate::domain::clearances::page(rc, select, PageArgs::new(first, after, last, before)).await
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
        let mut select = access::visible::<board_membership::Entity>(&rc.viewer)
            .filter(board_membership::Column::BoardId.eq(self.0.id));
        if current_only.unwrap_or(false) {
            select = select.filter(crate::core::auth::current_seat(Utc::now().date_naive()));
        }
        connection(
            rc,
            select,
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
            board_id: Some(ids::encode(Kind::Board, self.0.id)),
            from,
            to,
            oldest_first,
            ..Default::default()
        };
        crate::domain::meetings::list(ctx, filter, PageArgs::new(first, after, last, before)).await
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
            board_id: Some(ids::encode(Kind::Board, self.0.id)),
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::list(
            ctx,
            filter,
            order_by,
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
        crate::domain::indicators::list(ctx, None, Some(self.0.id), args).await
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
        let select = access::visible::<domestic_homicide_review::Entity>(&rc.viewer)
            .filter(domestic_homicide_review::Column::BoardId.eq(self.0.id));
        connection(
            rc,
            select,
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
        attendance_rates(ctx, self.0.id, from, to).await
    }
}

async fn attendance_rates(
    ctx: &Context<'_>,
    board_id: uuid::Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<AttendanceRate>> {
    let rc = ctx.req()?;
    let to = to.unwrap_or_else(|| Utc::now().date_naive());
    let from = match from {
        Some(from) => from,
        None => crate::core::dates::days_before(to, 365, "to")?,
    };
    if from > to {
        return Err(ApiError::bad_input("from", "`from` must not be after `to`"));
    }
    let start = crate::core::dates::start_of(from);
    let end = crate::core::dates::end_of(to, "to")?;
    let meetings: Vec<uuid::Uuid> = access::visible::<meeting::Entity>(&rc.viewer)
        .filter(meeting::Column::BoardId.eq(board_id))
        .filter(meeting::Column::Status.eq(MeetingStatus::Held))
        .filter(meeting::Column::StartsAt.gte(start))
        .filter(meeting::Column::StartsAt.lt(end))
        .all(&rc.db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if meetings.is_empty() {
        return Ok(Vec::new());
    }
    let rows = access::visible::<attendance::Entity>(&rc.viewer)
        .filter(attendance::Column::MeetingId.is_in(meetings))
        .all(&rc.db)
        .await?;
    let people: BTreeMap<uuid::Uuid, uuid::Uuid> = access::visible::<person::Entity>(&rc.viewer)
        .filter(person::Column::Id.is_in(rows.iter().map(|r| r.person_id)))
        .all(&rc.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.organisation_id))
        .collect();

    #[derive(Default)]
    struct Tally {
        meetings: std::collections::BTreeSet<uuid::Uuid>,
        attended: i32,
        apologies: i32,
        absent: i32,
    }
    let mut tallies: BTreeMap<uuid::Uuid, Tally> = BTreeMap::new();
    for row in rows {
        let Some(org) = people.get(&row.person_id) else {
            continue;
        };
        let t = tallies.entry(*org).or_default();
        match row.status {
            AttendanceStatus::Present | AttendanceStatus::Substitute => t.attended += 1,
            AttendanceStatus::Apologies => t.apologies += 1,
            AttendanceStatus::Absent => t.absent += 1,
            // "Also present" guests are not members and do not count towards a rate.
            AttendanceStatus::AlsoPresent => continue,
        }
        t.meetings.insert(row.meeting_id);
    }
    let orgs: BTreeMap<uuid::Uuid, organisation::Model> =
        access::visible::<organisation::Entity>(&rc.viewer)
            .filter(organisation::Column::Id.is_in(tallies.keys().copied()))
            .all(&rc.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
    let mut out: Vec<AttendanceRate> = tallies
        .into_iter()
        .filter_map(|(org, t)| {
            let expected = t.attended + t.apologies + t.absent;
            Some(AttendanceRate {
                organisation: Organisation(orgs.get(&org)?.clone()),
                meetings: t.meetings.len() as i32,
                attended: t.attended,
                apologies: t.apologies,
                absent: t.absent,
                rate: (expected > 0).then(|| t.attended as f64 / expected as f64),
            })
        })
        .collect();
    out.sort_by(|a, b| a.organisation.0.name.cmp(&b.organisation.0.name));
    Ok(out)
}

/// A person's seat on a board.
pub struct BoardMembership(pub board_membership::Model);

#[Object]
impl BoardMembership {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::BoardMembership, self.0.id)
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
        let select = crate::domain::clearances::list_select(
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

/// A new board or sub-group.
#[derive(InputObject)]
pub struct CreateBoardInput {
    pub partnership_id: ID,
    pub name: String,
    pub kind: BoardKind,
    /// The board it reports to (same partnership).
    pub parent_id: Option<ID>,
    pub visibility: Visibility,
    pub meeting_frequency: Option<String>,
    pub terms_of_reference: Option<String>,
}

/// Changes to a board; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateBoardInput {
    pub board_id: ID,
    pub name: Option<String>,
    pub kind: Option<BoardKind>,
    /// A new board it reports to (same partnership; never itself or one of its own sub-groups).
    pub parent_id: Option<ID>,
    pub visibility: Option<Visibility>,
    pub meeting_frequency: Option<String>,
    pub terms_of_reference: Option<String>,
}

/// Most levels walked when checking a new parent for a cycle; structures are a few levels deep.
const MAX_BOARD_DEPTH: usize = 32;

/// A new seat on a board.
#[derive(InputObject)]
pub struct AddMembershipInput {
    pub board_id: ID,
    pub person_id: ID,
    pub role: MembershipRole,
    pub starts_on: Option<NaiveDate>,
    /// Also ask for the seat to be cleared: a pending request that takes effect only when a
    /// second, entitled person approves it (see `approveClearance`).
    #[graphql(default)]
    pub restricted_clearance: bool,
}

async fn board_for_admin(
    rc: &crate::core::context::RequestContext,
    board_id: uuid::Uuid,
    operation: &str,
) -> ApiResult<board::Model> {
    let board = access::visible::<board::Entity>(&rc.viewer)
        .filter(board::Column::Id.eq(board_id))
        .one(&rc.db)
        .await?
        .ok_or(ApiError::NotFound("board"))?;
    if !crate::core::policy::may_in_partnership(
        &rc.viewer,
        crate::core::policy::PartnershipPermission::ManageStructure,
        board.partnership_id,
    ) {
        return Err(crate::core::audit::refuse(
            rc,
            operation,
            "board",
            board.id,
            board.partnership_id,
            "only the partnership's administrators may do this",
        )
        .await);
    }
    Ok(board)
}

async fn membership_for_admin(
    rc: &crate::core::context::RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<(board_membership::Model, board::Model)> {
    let id = ids::decode(id, Kind::BoardMembership, "membershipId")?;
    let seat = access::visible::<board_membership::Entity>(&rc.viewer)
        .filter(board_membership::Column::Id.eq(id))
        .one(&rc.db)
        .await?
        .ok_or(ApiError::NotFound("membership"))?;
    let board = board_for_admin(rc, seat.board_id, operation).await?;
    Ok((seat, board))
}

/// Mutations of this area: partnership administrators manage boards, seats and clearances.
/// Administration grants no sight of restricted content.
#[derive(Default)]
pub struct BoardsMutation;

#[Object]
impl BoardsMutation {
    /// Creates a board or sub-group.
    async fn create_board(&self, ctx: &Context<'_>, input: CreateBoardInput) -> ApiResult<Board> {
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
        let partnership_id =
            ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
        let name = crate::core::validate::text("name", &input.name, 200)?;
        if !crate::core::policy::may_in_partnership(
            &rc.viewer,
            crate::core::policy::PartnershipPermission::ManageStructure,
            partnership_id,
        ) {
            return Err(crate::core::audit::refuse(
                rc,
                "createBoard",
                "partnership",
                partnership_id,
                partnership_id,
                "only the partnership's administrators may create boards",
            )
            .await);
        }
        let parent = match &input.parent_id {
            Some(p) => {
                let parent =
                    board_for_admin(rc, ids::decode(p, Kind::Board, "parentId")?, "createBoard")
                        .await?;
                if parent.partnership_id != partnership_id {
                    return Err(ApiError::bad_input(
                        "parentId",
                        "the parent board belongs to another partnership",
                    ));
                }
                Some(parent.id)
            }
            None => None,
        };
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let now = Utc::now();
        let created = board::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            partnership_id: Set(partnership_id),
            parent_id: Set(parent),
            name: Set(name),
            kind: Set(input.kind.into()),
            visibility: Set(input.visibility.into()),
            meeting_frequency: Set(input
                .meeting_frequency
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())),
            terms_of_reference: Set(input
                .terms_of_reference
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
                ApiError::bad_input("partnershipId", "no such partnership")
            }
            _ => e.into(),
        })?;
        crate::core::audit::allowed(&txn, rc, "createBoard", "board", created.id, partnership_id)
            .await?;
        txn.commit().await?;
        Ok(Board(created))
    }

    /// Renames, reclassifies or moves a board (partnership administrators).
    async fn update_board(&self, ctx: &Context<'_>, input: UpdateBoardInput) -> ApiResult<Board> {
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
        let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
        let name = crate::core::validate::optional_text("name", input.name.as_deref(), 200)?;
        let frequency = crate::core::validate::optional_text(
            "meetingFrequency",
            input.meeting_frequency.as_deref(),
            200,
        )?;
        let terms = crate::core::validate::optional_text(
            "termsOfReference",
            input.terms_of_reference.as_deref(),
            20_000,
        )?;
        let board = board_for_admin(rc, board_id, "updateBoard").await?;
        let mut changes = board::ActiveModel {
            id: Set(board.id),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        if let Some(p) = &input.parent_id {
            let parent =
                board_for_admin(rc, ids::decode(p, Kind::Board, "parentId")?, "updateBoard")
                    .await?;
            if parent.partnership_id != board.partnership_id {
                return Err(ApiError::bad_input(
                    "parentId",
                    "the parent board belongs to another partnership",
                ));
            }
            // Walk up from the new parent: meeting the board itself would make a cycle.
            let mut cursor = Some(parent.clone());
            for _ in 0..MAX_BOARD_DEPTH {
                let Some(current) = cursor else { break };
                if current.id == board.id {
                    return Err(ApiError::bad_input(
                        "parentId",
                        "a board cannot report to itself or to one of its own sub-groups",
                    ));
                }
                cursor = rc.load_opt::<board::Entity>(current.parent_id).await?;
            }
            changes.parent_id = Set(Some(parent.id));
        }
        if let Some(name) = name {
            changes.name = Set(name);
        }
        if let Some(kind) = input.kind {
            changes.kind = Set(kind.into());
        }
        if let Some(visibility) = input.visibility {
            changes.visibility = Set(visibility.into());
        }
        if let Some(frequency) = frequency {
            changes.meeting_frequency = Set(Some(frequency));
        }
        if let Some(terms) = terms {
            changes.terms_of_reference = Set(Some(terms));
        }
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let updated = changes.update(&txn).await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "updateBoard",
            "board",
            board.id,
            board.partnership_id,
        )
        .await?;
        txn.commit().await?;
        Ok(Board(updated))
    }

    /// Gives a person a seat on a board.
    async fn add_membership(
        &self,
        ctx: &Context<'_>,
        input: AddMembershipInput,
    ) -> ApiResult<BoardMembership> {
        use sea_orm::ActiveModelTrait;
        let rc = ctx.req()?;
        let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
        let person_id = ids::decode(&input.person_id, Kind::Person, "personId")?;
        let board = board_for_admin(rc, board_id, "addMembership").await?;
        crate::core::validate::person(rc, person_id, "personId").await?;
        let now = Utc::now();
        let seat = board_membership::Model {
            id: uuid::Uuid::now_v7(),
            board_id: board.id,
            person_id,
            role: input.role.into(),
            starts_on: input.starts_on,
            ends_on: None,
            created_at: now,
            updated_at: now,
        };
        if input.restricted_clearance {
            crate::domain::clearances::check_request(rc, &seat, &board, "addMembership").await?;
        }
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let seat = board_membership::ActiveModel::from(seat)
            .insert(&txn)
            .await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "addMembership",
            "board_membership",
            seat.id,
            board.partnership_id,
        )
        .await?;
        if input.restricted_clearance {
            crate::domain::clearances::insert_request(
                &txn,
                rc,
                &seat,
                &board,
                None,
                "requestClearance",
            )
            .await?;
        }
        txn.commit().await?;
        Ok(BoardMembership(seat))
    }

    /// Ends a seat (its last day); clearance ends with it on the next request.
    async fn end_membership(
        &self,
        ctx: &Context<'_>,
        membership_id: ID,
        ends_on: NaiveDate,
    ) -> ApiResult<BoardMembership> {
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
        let (seat, board) = membership_for_admin(rc, &membership_id, "endMembership").await?;
        if seat.starts_on.is_some_and(|s| ends_on < s) {
            return Err(ApiError::bad_input(
                "endsOn",
                "a seat cannot end before it starts",
            ));
        }
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let updated = board_membership::ActiveModel {
            id: Set(seat.id),
            ends_on: Set(Some(ends_on)),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "endMembership",
            "board_membership",
            seat.id,
            board.partnership_id,
        )
        .await?;
        rc.events.publish_access_in(&txn, seat.person_id).await?;
        txn.commit().await?;
        rc.events.access_changed(seat.person_id);
        Ok(BoardMembership(updated))
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
        crate::domain::clearances::set_flag(ctx.req()?, &membership_id, cleared)
            .await
            .map(BoardMembership)
    }
}
