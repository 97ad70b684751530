//! Actions (from resolutions, strategy priorities and DHR action plans), their progress history,
//! the RAG summary and matters arising. No visibility decisions here: every query starts from
//! `access::visible::<action::Entity>`, so lists, counts and the RAG summary agree.

use crate::child_relation;
use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::loaders::LatestUpdate;
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::boards::Board;
use crate::domain::meetings::Resolution;
use crate::domain::partners::{Organisation, Partnership, Person};
use crate::domain::reviews::Review;
use crate::domain::strategies::Priority;
use crate::domain::types::{ActionStatus, Rag, SecurityMarking, SortDirection, Visibility};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::ActionStatus as DbStatus;
use entity::{
    action, action_update, board, domestic_homicide_review, meeting, organisation, partnership,
    person, priority, resolution,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, QueryFilter, QuerySelect, Select};
use std::collections::BTreeMap;

child_relation!(
    /// Supporting people of an action.
    SupportersOfAction: action_supporter by ActionId order CreatedAt
);

/// Filters for action lists; all given conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct ActionFilter {
    pub partnership_id: Option<ID>,
    pub board_id: Option<ID>,
    pub priority_id: Option<ID>,
    pub review_id: Option<ID>,
    pub lead_organisation_id: Option<ID>,
    pub lead_person_id: Option<ID>,
    /// Led by this post (whoever holds it).
    pub lead_post_id: Option<ID>,
    /// Led by this person or by a post they hold (set by `viewer.myActions`, not by callers).
    #[graphql(skip)]
    pub led_by: Option<(uuid::Uuid, Vec<uuid::Uuid>)>,
    /// Any of these ratings.
    pub rag: Option<Vec<Rag>>,
    /// Any of these statuses.
    pub status: Option<Vec<ActionStatus>>,
    /// Due strictly before this date.
    pub due_before: Option<NaiveDate>,
    /// Due on or after this date.
    pub due_after: Option<NaiveDate>,
    /// Open and past its due date (true), or not (false).
    pub overdue: Option<bool>,
    /// Led by a named person (true), or by nobody named: a post or no lead at all (false).
    pub has_lead_person: Option<bool>,
    /// Text in the title or expected outcome (case-insensitive).
    pub search: Option<String>,
}

/// What action lists can be sorted by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ActionOrderField {
    /// Due date; actions with no due date come last.
    #[default]
    DueDate,
    Title,
    CreatedAt,
    UpdatedAt,
}

/// Sort order of an action list.
#[derive(InputObject, Default, Clone, Copy)]
pub struct ActionOrder {
    #[graphql(default)]
    pub field: ActionOrderField,
    #[graphql(default)]
    pub direction: SortDirection,
}

pub(crate) fn action_sort(order: Option<ActionOrder>) -> Sort<action::Entity> {
    use action::Column as C;
    let order = order.unwrap_or_default();
    let (column, ty) = match order.field {
        ActionOrderField::DueDate => (C::DueDate, SortType::Date),
        ActionOrderField::Title => (C::Title, SortType::Text),
        ActionOrderField::CreatedAt => (C::CreatedAt, SortType::DateTime),
        ActionOrderField::UpdatedAt => (C::UpdatedAt, SortType::DateTime),
    };
    Sort {
        column,
        id: C::Id,
        ty,
        descending: order.direction == SortDirection::Desc,
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The actions the caller may see, narrowed by `filter`. Lists, the RAG summary and exports all
/// start here.
pub fn filtered(
    viewer: &crate::core::auth::Viewer,
    filter: &ActionFilter,
) -> ApiResult<Select<action::Entity>> {
    use action::Column as C;
    let mut select = access::visible::<action::Entity>(viewer);
    let links: [(&Option<ID>, Kind, C, &str); 7] = [
        (
            &filter.partnership_id,
            Kind::Partnership,
            C::PartnershipId,
            "partnershipId",
        ),
        (&filter.board_id, Kind::Board, C::BoardId, "boardId"),
        (
            &filter.priority_id,
            Kind::Priority,
            C::PriorityId,
            "priorityId",
        ),
        (
            &filter.review_id,
            Kind::DomesticHomicideReview,
            C::ReviewId,
            "reviewId",
        ),
        (
            &filter.lead_organisation_id,
            Kind::Organisation,
            C::LeadOrganisationId,
            "leadOrganisationId",
        ),
        (
            &filter.lead_person_id,
            Kind::Person,
            C::LeadPersonId,
            "leadPersonId",
        ),
        (
            &filter.lead_post_id,
            Kind::Post,
            C::LeadPostId,
            "leadPostId",
        ),
    ];
    for (id, kind, column, field) in links {
        if let Some(id) = id {
            select = select.filter(column.eq(ids::decode(id, kind, field)?));
        }
    }
    if let Some((person, posts)) = &filter.led_by {
        select = select.filter(
            Condition::any()
                .add(C::LeadPersonId.eq(*person))
                .add(C::LeadPostId.is_in(posts.iter().copied())),
        );
    }
    if let Some(rags) = &filter.rag {
        select = select.filter(C::Rag.is_in(rags.iter().map(|r| entity::enums::Rag::from(*r))));
    }
    if let Some(statuses) = &filter.status {
        select = select.filter(C::Status.is_in(statuses.iter().map(|s| DbStatus::from(*s))));
    }
    if let Some(d) = filter.due_before {
        select = select.filter(C::DueDate.lt(d));
    }
    if let Some(d) = filter.due_after {
        select = select.filter(C::DueDate.gte(d));
    }
    if let Some(named) = filter.has_lead_person {
        select = select.filter(if named {
            action::Column::LeadPersonId.is_not_null()
        } else {
            action::Column::LeadPersonId.is_null()
        });
    }
    if let Some(overdue) = filter.overdue {
        let cond = overdue_condition();
        select = select.filter(if overdue { cond } else { cond.not() });
    }
    if let Some(q) = &filter.search {
        select = select.filter(
            Condition::any()
                .add(crate::core::search::contains(C::Title, q, "search")?)
                .add(crate::core::search::contains(
                    C::ExpectedOutcome,
                    q,
                    "search",
                )?),
        );
    }
    Ok(select)
}

/// Open and due before today.
fn overdue_condition() -> Condition {
    Condition::all()
        .add(action::Column::Status.eq(DbStatus::Open))
        .add(action::Column::DueDate.lt(today()))
}

/// A page of the actions matching `filter`.
pub async fn list(
    ctx: &Context<'_>,
    filter: ActionFilter,
    order: Option<ActionOrder>,
    args: PageArgs,
) -> ApiResult<Conn<Action>> {
    let rc = ctx.req()?;
    let select = filtered(&rc.viewer, &filter)?;
    connection(rc, select, action_sort(order), args, Action).await
}

/// The actions under a parent (`parent` is the action's column naming it: a board, a
/// partnership, a lead, a priority, a review), filtered and ordered, batched with the same
/// field's pages under the request's other parents. `filter` names no parent.
pub async fn nested(
    ctx: &Context<'_>,
    filter: ActionFilter,
    order: Option<ActionOrder>,
    parent: action::Column,
    parent_id: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Action>> {
    let rc = ctx.req()?;
    let select = filtered(&rc.viewer, &filter)?;
    nested_connection(
        rc,
        select,
        parent,
        parent_id,
        action_sort(order),
        args,
        Action,
    )
    .await
}

/// The matters arising of `meeting`, as they stood when the board met (see [`matters_arising`]).
pub async fn matters_arising_of(
    ctx: &Context<'_>,
    meeting: &meeting::Model,
    order: Option<ActionOrder>,
    args: PageArgs,
) -> ApiResult<Conn<Action>> {
    let rc = ctx.req()?;
    let order = order.or(Some(ActionOrder {
        field: ActionOrderField::CreatedAt,
        direction: SortDirection::Asc,
    }));
    let at = matters_arising::as_at(&rc.db, meeting).await?;
    connection(
        rc,
        matters_arising::select(&rc.viewer, meeting, at),
        action_sort(order),
        args,
        Action,
    )
    .await
}

/// How to group a RAG summary.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RagGroupBy {
    Board,
    Priority,
    Organisation,
}

/// Counts of actions by RAG, status and lateness.
#[derive(SimpleObject, Default, Clone)]
pub struct RagCounts {
    /// All actions in the group.
    pub total: i64,
    /// Open actions rated red.
    pub red: i64,
    pub amber: i64,
    pub green: i64,
    /// Open actions with no rating yet.
    pub not_rated: i64,
    pub completed: i64,
    pub cancelled: i64,
    /// Open actions past their due date.
    pub overdue: i64,
}

/// One group of a RAG summary. The group's record is null for actions with no board / priority /
/// lead organisation, and for a group record the caller may not see.
#[derive(SimpleObject)]
pub struct RagSummaryGroup {
    pub board: Option<Board>,
    pub priority: Option<Priority>,
    pub organisation: Option<Organisation>,
    pub counts: RagCounts,
}

/// A RAG summary: overall counts and, when asked, counts per group.
#[derive(SimpleObject)]
pub struct RagSummary {
    pub counts: RagCounts,
    pub groups: Vec<RagSummaryGroup>,
}

/// Aggregates the visible, filtered actions in SQL: one `GROUP BY` statement.
pub async fn rag_summary(
    ctx: &Context<'_>,
    filter: ActionFilter,
    group_by: Option<RagGroupBy>,
) -> ApiResult<RagSummary> {
    use action::Column as C;
    let rc = ctx.req()?;
    let group_col = match group_by {
        Some(RagGroupBy::Board) => Some(C::BoardId),
        Some(RagGroupBy::Priority) => Some(C::PriorityId),
        Some(RagGroupBy::Organisation) => Some(C::LeadOrganisationId),
        None => None,
    };
    let overdue: SimpleExpr = Expr::case(overdue_condition(), 1).finally(0).into();
    let mut select = filtered(&rc.viewer, &filter)?.select_only();
    match group_col {
        Some(col) => select = select.column_as(col, "group_id"),
        None => select = select.column_as(Expr::cust("NULL"), "group_id"),
    }
    select = select
        .column(C::Rag)
        .column(C::Status)
        .column_as(overdue, "overdue")
        .column_as(Expr::col(C::Id).count(), "n");
    if let Some(col) = group_col {
        select = select.group_by(col);
    }
    // Group by the output alias: repeating the CASE would bind the date twice, and PostgreSQL
    // does not treat `$1` and `$2` as the same expression.
    select = select
        .group_by(C::Rag)
        .group_by(C::Status)
        .group_by(Expr::col(Alias::new("overdue")));
    /// One group of the summary: (group key, RAG, status, overdue flag, count).
    type Group = (
        Option<uuid::Uuid>,
        Option<entity::enums::Rag>,
        DbStatus,
        i32,
        i64,
    );
    let rows: Vec<Group> = select.into_tuple().all(&rc.db).await?;

    let mut total = RagCounts::default();
    let mut groups: BTreeMap<Option<uuid::Uuid>, RagCounts> = BTreeMap::new();
    for (group, rag, status, overdue, n) in rows {
        for counts in [&mut total, groups.entry(group).or_default()] {
            counts.total += n;
            match status {
                DbStatus::Completed => counts.completed += n,
                DbStatus::Cancelled => counts.cancelled += n,
                DbStatus::Open => match rag {
                    Some(entity::enums::Rag::Red) => counts.red += n,
                    Some(entity::enums::Rag::Amber) => counts.amber += n,
                    Some(entity::enums::Rag::Green) => counts.green += n,
                    None => counts.not_rated += n,
                },
            }
            if overdue == 1 {
                counts.overdue += n;
            }
        }
    }
    let mut out = Vec::new();
    if let Some(group_by) = group_by {
        for (id, counts) in groups {
            let mut g = RagSummaryGroup {
                board: None,
                priority: None,
                organisation: None,
                counts,
            };
            match group_by {
                RagGroupBy::Board => g.board = rc.load_opt::<board::Entity>(id).await?.map(Board),
                RagGroupBy::Priority => {
                    g.priority = rc.load_opt::<priority::Entity>(id).await?.map(Priority)
                }
                RagGroupBy::Organisation => {
                    g.organisation = rc
                        .load_opt::<organisation::Entity>(id)
                        .await?
                        .map(Organisation)
                }
            }
            out.push(g);
        }
    }
    Ok(RagSummary {
        counts: total,
        groups: out,
    })
}

/// Something someone must do.
pub struct Action(pub action::Model);

#[Object]
impl Action {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Action, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "action", self.0.id).await
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// How the matters arising report words it, where that differs from the title.
    async fn matter(&self) -> Option<&str> {
        self.0.matter.as_deref()
    }
    async fn expected_outcome(&self) -> Option<&str> {
        self.0.expected_outcome.as_deref()
    }
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }
    async fn due_date(&self) -> Option<NaiveDate> {
        self.0.due_date
    }
    async fn resources_required(&self) -> Option<&str> {
        self.0.resources_required.as_deref()
    }
    async fn risks(&self) -> Option<&str> {
        self.0.risks.as_deref()
    }
    /// 0–100.
    async fn percent_complete(&self) -> i32 {
        self.0.percent_complete
    }
    async fn rag(&self) -> Option<Rag> {
        self.0.rag.map(Into::into)
    }
    async fn status(&self) -> ActionStatus {
        self.0.status.into()
    }
    /// Open and past its due date.
    async fn overdue(&self) -> bool {
        self.0.status == DbStatus::Open && self.0.due_date.is_some_and(|d| d < today())
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    /// Its Government Security Classifications marking: OFFICIAL-SENSITIVE when it or anything
    /// above it (its board, source minute or review) is restricted, as exports and printed
    /// reports label it; `visibility` is its own marking only.
    async fn classification(&self, ctx: &Context<'_>) -> ApiResult<SecurityMarking> {
        let rc = ctx.req()?;
        Ok(if restricted(rc, &self.0).await? {
            SecurityMarking::OfficialSensitive
        } else {
            SecurityMarking::Official
        })
    }
    /// Why the action was cancelled.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }
    /// Why the due date was missed, when recorded.
    async fn missed_reason(&self) -> Option<service::MissedReason> {
        self.0.missed_reason.map(Into::into)
    }
    /// Optimistic-locking version: send it back with an update.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// The owning board.
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load_opt::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
    }
    /// The resolution that created this action, for meeting actions.
    async fn resolution(&self, ctx: &Context<'_>) -> ApiResult<Option<Resolution>> {
        Ok(ctx
            .req()?
            .load_opt::<resolution::Entity>(self.0.resolution_id)
            .await?
            .map(Resolution))
    }
    /// The strategy priority, for delivery-plan actions.
    async fn priority(&self, ctx: &Context<'_>) -> ApiResult<Option<Priority>> {
        Ok(ctx
            .req()?
            .load_opt::<priority::Entity>(self.0.priority_id)
            .await?
            .map(Priority))
    }
    /// The Domestic Homicide Review, for DHR action-plan items.
    async fn review(&self, ctx: &Context<'_>) -> ApiResult<Option<Review>> {
        Ok(ctx
            .req()?
            .load_opt::<domestic_homicide_review::Entity>(self.0.review_id)
            .await?
            .map(Review))
    }
    async fn lead_person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.lead_person_id)
            .await?
            .map(Person))
    }
    async fn lead_organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(ctx
            .req()?
            .load_opt::<organisation::Entity>(self.0.lead_organisation_id)
            .await?
            .map(Organisation))
    }
    /// The post that leads it, if any ("Head of Safer Communities"): its current holder acts as
    /// lead; a vacant post says so rather than naming anyone.
    async fn lead_post(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::partners::Post>> {
        Ok(ctx
            .req()?
            .load_opt::<entity::post::Entity>(self.0.lead_post_id)
            .await?
            .map(crate::domain::partners::Post))
    }
    /// Supporting people beside the lead.
    async fn supporters(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        let rc = ctx.req()?;
        let links = rc.children::<SupportersOfAction>(self.0.id).await?;
        let mut out = Vec::with_capacity(links.len());
        for link in links {
            if let Some(p) = rc.load::<person::Entity>(link.person_id).await? {
                out.push(Person(p));
            }
        }
        Ok(out)
    }
    /// The most recent progress update.
    async fn latest_update(&self, ctx: &Context<'_>) -> ApiResult<Option<ActionUpdate>> {
        Ok(ctx
            .req()?
            .loader
            .load_one(LatestUpdate(self.0.id))
            .await?
            .map(ActionUpdate))
    }
    /// The progress history, newest first.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn updates(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<ActionUpdate>> {
        let rc = ctx.req()?;
        let select = access::visible::<action_update::Entity>(&rc.viewer);
        let sort = Sort::desc(
            action_update::Column::CreatedAt,
            action_update::Column::Id,
            SortType::DateTime,
        );
        nested_connection(
            rc,
            select,
            action_update::Column::ActionId,
            self.0.id,
            sort,
            PageArgs::new(first, after, last, before),
            ActionUpdate,
        )
        .await
    }
}

/// One progress report on an action.
pub struct ActionUpdate(pub action_update::Model);

#[Object]
impl ActionUpdate {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ActionUpdate, self.0.id)
    }
    async fn reported_on(&self) -> NaiveDate {
        self.0.reported_on
    }
    /// Reporting period ("2023/24 Q2").
    async fn period(&self) -> Option<&str> {
        self.0.period.as_deref()
    }
    async fn rag(&self) -> Option<Rag> {
        self.0.rag.map(Into::into)
    }
    async fn percent_complete(&self) -> Option<i32> {
        self.0.percent_complete
    }
    async fn narrative(&self) -> &str {
        &self.0.narrative
    }
    /// The status the action entered with this entry; null when it only reports progress.
    async fn status(&self) -> Option<ActionStatus> {
        self.0.status.map(Into::into)
    }
    /// True when the entry carried the action forward on the matters arising list, false when
    /// it took it off; null when it did neither.
    async fn on_matters_arising(&self) -> Option<bool> {
        self.0.on_matters_arising
    }
    /// True when the entry was read off a paper (see `source`) rather than reported by anyone.
    async fn inferred(&self) -> bool {
        self.0.inferred
    }
    /// The paper an inferred entry was read from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.author_id)
            .await?
            .map(Person))
    }
    async fn action(&self, ctx: &Context<'_>) -> ApiResult<Option<Action>> {
        Ok(ctx
            .req()?
            .load::<action::Entity>(self.0.action_id)
            .await?
            .map(Action))
    }
}

/// Root fields of this area.
#[derive(Default)]
pub struct ActionsQuery;

#[Object]
impl ActionsQuery {
    /// Actions the caller may see, filtered and ordered.
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
        list(
            ctx,
            filter.unwrap_or_default(),
            order_by,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Counts by RAG (plus completed, cancelled and overdue) of the actions matching `filter`
    /// that the caller may see, optionally per board, priority or lead organisation.
    async fn rag_summary(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        group_by: Option<RagGroupBy>,
    ) -> ApiResult<RagSummary> {
        rag_summary(ctx, filter.unwrap_or_default(), group_by).await
    }
}

pub mod live;
pub mod matters_arising;
pub mod report;
pub mod service;
pub mod writes;

/// Whether `action` is restricted content (by its own marking or an ancestor's). Someone with
/// no clearance sees no restricted action at all, so for them it never is. For the cleared, the
/// action's access summary answers without a query when it holds and names a board to be
/// cleared on, or when nothing but boards and minutes stands above the action; a review's
/// action, or an unsummarised one, asks the access layer's classification (the audit log's).
async fn restricted(
    rc: &crate::core::context::RequestContext,
    action: &action::Model,
) -> ApiResult<bool> {
    if action.visibility == entity::enums::Visibility::Restricted {
        return Ok(true);
    }
    if rc.viewer.cleared_boards.is_empty() {
        return Ok(false);
    }
    if action.access_state == crate::core::access_summary::SUMMARISED {
        if action.access_board_id.is_some() {
            return Ok(true);
        }
        if action.review_id.is_none() {
            return Ok(false);
        }
    }
    // Batched: one statement for every action of the page that gets this far.
    Ok(rc
        .loader
        .load_one(crate::core::loaders::Restricted::<action::Entity>::new(
            action.id,
        ))
        .await?
        .unwrap_or(false))
}
