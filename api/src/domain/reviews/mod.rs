//! Domestic Homicide Reviews. Restricted to cleared seats of the overseeing board until published
//! (that rule lives in `access`); here only their GraphQL shape.

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder};
use crate::domain::boards::Board;
use crate::domain::partners::Partnership;
use crate::domain::types::{ReviewStatus, SecurityMarking, Visibility};
use async_graphql::{Context, Object, ID};
use chrono::NaiveDate;
use entity::enums::{ReviewStatus as DbStatus, Visibility as DbVisibility};
use entity::{board, domestic_homicide_review, partnership};
use sea_orm::{ColumnTrait, QueryFilter};

pub(crate) fn review_sort() -> Sort<domestic_homicide_review::Entity> {
    use domestic_homicide_review::Column as C;
    Sort::asc(C::Pseudonym, C::Id, SortType::Text)
}

/// A Domestic Homicide Review, known by its pseudonym.
pub struct Review(pub domestic_homicide_review::Model);

impl Review {
    /// Unpublished reviews are restricted whatever their stored marking.
    fn effective_visibility(&self) -> DbVisibility {
        if self.0.status.is_published() {
            self.0.visibility
        } else {
            DbVisibility::Restricted
        }
    }
}

#[Object(name = "DomesticHomicideReview")]
impl Review {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::DomesticHomicideReview, self.0.id)
    }
    /// The pseudonym ('Susan', 'Roger').
    async fn pseudonym(&self) -> &str {
        &self.0.pseudonym
    }
    async fn status(&self) -> ReviewStatus {
        self.0.status.into()
    }
    /// Home Office notified.
    async fn notified_on(&self) -> Option<NaiveDate> {
        self.0.notified_on
    }
    async fn commissioned_on(&self) -> Option<NaiveDate> {
        self.0.commissioned_on
    }
    /// Overview report submitted to the Home Office.
    async fn submitted_on(&self) -> Option<NaiveDate> {
        self.0.submitted_on
    }
    /// Home Office Quality Assurance panel.
    async fn qa_panel_on(&self) -> Option<NaiveDate> {
        self.0.qa_panel_on
    }
    async fn published_on(&self) -> Option<NaiveDate> {
        self.0.published_on
    }
    /// The (pseudonymised) summary.
    /// When a copy of the published report went to the Domestic Abuse Commissioner.
    async fn commissioner_copy_sent_on(&self) -> Option<NaiveDate> {
        self.0.commissioner_copy_sent_on
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn visibility(&self) -> Visibility {
        self.effective_visibility().into()
    }
    async fn classification(&self) -> SecurityMarking {
        self.effective_visibility().into()
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// The overseeing board (panel or task-and-finish group).
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
    }
    /// The review's action plan.
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
            review_id: Some(ids::encode(Kind::DomesticHomicideReview, self.0.id)),
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
}

/// Reviews the caller may see, optionally of one partnership.
pub async fn list(
    ctx: &Context<'_>,
    partnership: Option<uuid::Uuid>,
    args: PageArgs,
) -> ApiResult<Conn<Review>> {
    let rc = ctx.req()?;
    let mut select = access::visible::<domestic_homicide_review::Entity>(&rc.viewer);
    if let Some(p) = partnership {
        select = select.filter(domestic_homicide_review::Column::PartnershipId.eq(p));
    }
    connection(rc, select, review_sort(), args, Review).await
}

/// Root fields of this area.
#[derive(Default)]
pub struct ReviewsQuery;

#[Object]
impl ReviewsQuery {
    /// Reviews the caller may see (cleared seats of the overseeing board; everyone once published).
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn domestic_homicide_reviews(
        &self,
        ctx: &Context<'_>,
        partnership_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Review>> {
        let partnership = partnership_id
            .map(|p| ids::decode(&p, Kind::Partnership, "partnershipId"))
            .transpose()?;
        list(ctx, partnership, PageArgs::new(first, after, last, before)).await
    }
}

/// Opens a review when the Home Office is notified.
#[derive(async_graphql::InputObject)]
pub struct CreateReviewInput {
    /// The overseeing panel or task-and-finish group; the caller needs a cleared seat on it.
    pub board_id: ID,
    /// The pseudonym the review is known by ('Susan').
    pub pseudonym: String,
    pub notified_on: NaiveDate,
}

/// Moves a review to the next step of the statutory path.
#[derive(async_graphql::InputObject)]
pub struct AdvanceReviewInput {
    pub review_id: ID,
    /// Must be the next step after the current one.
    pub to: ReviewStatus,
    /// When the step happened (not before the previous milestone).
    pub on: NaiveDate,
    /// The pseudonymised summary: required to publish.
    pub summary: Option<String>,
}

/// Adds an item to a review's action plan (restricted, owned by the review's board).
#[derive(async_graphql::InputObject)]
pub struct AddReviewActionInput {
    pub review_id: ID,
    pub title: String,
    pub lead_person_id: Option<ID>,
    pub due_date: Option<NaiveDate>,
}

/// The statutory path in order.
const PATH: [DbStatus; 7] = [
    DbStatus::Notified,
    DbStatus::Commissioned,
    DbStatus::PanelAndImrs,
    DbStatus::ReportSubmitted,
    DbStatus::HomeOfficeQa,
    DbStatus::Published,
    DbStatus::CommissionerCopySent,
];

/// The latest milestone date recorded so far.
fn last_milestone(r: &domestic_homicide_review::Model) -> Option<NaiveDate> {
    [
        r.commissioner_copy_sent_on,
        r.published_on,
        r.qa_panel_on,
        r.submitted_on,
        r.commissioned_on,
        r.notified_on,
    ]
    .into_iter()
    .flatten()
    .max()
}

async fn review_for_write(
    rc: &crate::core::context::RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<domestic_homicide_review::Model> {
    use crate::core::error::ApiError;
    let id = ids::decode(id, Kind::DomesticHomicideReview, "reviewId")?;
    let review = access::visible::<domestic_homicide_review::Entity>(&rc.viewer)
        .filter(domestic_homicide_review::Column::Id.eq(id))
        .one(&rc.db)
        .await?
        .ok_or(ApiError::NotFound("review"))?;
    if !crate::core::policy::may_on_review(
        &rc.viewer,
        crate::core::policy::ReviewPermission::Manage,
        review.board_id,
    ) {
        // A published review is visible to all, but only cleared seats manage it.
        return Err(crate::core::audit::refuse(
            rc,
            operation,
            "domestic_homicide_review",
            review.id,
            review.partnership_id,
            "only cleared members of the overseeing board may manage this review",
        )
        .await);
    }
    Ok(review)
}

/// Mutations of this area. Cleared seats of the overseeing board only; to everyone else an
/// unpublished review does not exist (NOT_FOUND).
#[derive(Default)]
pub struct ReviewsMutation;

#[Object]
impl ReviewsMutation {
    /// Opens a review (status NOTIFIED).
    async fn create_domestic_homicide_review(
        &self,
        ctx: &Context<'_>,
        input: CreateReviewInput,
    ) -> ApiResult<Review> {
        use crate::core::error::ApiError;
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
        let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
        let pseudonym = crate::core::validate::text("pseudonym", &input.pseudonym, 100)?;
        let board = access::visible::<board::Entity>(&rc.viewer)
            .filter(board::Column::Id.eq(board_id))
            .one(&rc.db)
            .await?
            .ok_or(ApiError::NotFound("board"))?;
        if !crate::core::policy::may_on_review(
            &rc.viewer,
            crate::core::policy::ReviewPermission::Manage,
            board.id,
        ) {
            return Err(crate::core::audit::refuse(
                rc,
                "createDomesticHomicideReview",
                "board",
                board.id,
                board.partnership_id,
                "only cleared members of the board may open a review",
            )
            .await);
        }
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let now = chrono::Utc::now();
        let review = domestic_homicide_review::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            partnership_id: Set(board.partnership_id),
            board_id: Set(board.id),
            pseudonym: Set(pseudonym),
            status: Set(DbStatus::Notified),
            notified_on: Set(Some(input.notified_on)),
            commissioned_on: Set(None),
            submitted_on: Set(None),
            qa_panel_on: Set(None),
            published_on: Set(None),
            commissioner_copy_sent_on: Set(None),
            summary: Set(None),
            visibility: Set(DbVisibility::Restricted),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "createDomesticHomicideReview",
            "domestic_homicide_review",
            review.id,
            review.partnership_id,
        )
        .await?;
        txn.commit().await?;
        Ok(Review(review))
    }

    /// Moves a review one step along the statutory path, recording the milestone date.
    /// Publishing makes the review and its pseudonymised summary public; its action plan keeps
    /// its own (restricted) marking.
    async fn advance_domestic_homicide_review(
        &self,
        ctx: &Context<'_>,
        input: AdvanceReviewInput,
    ) -> ApiResult<Review> {
        use crate::core::error::ApiError;
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
        let review =
            review_for_write(rc, &input.review_id, "advanceDomesticHomicideReview").await?;
        let to: DbStatus = input.to.into();
        let current = PATH.iter().position(|s| *s == review.status).unwrap_or(0);
        if PATH.get(current + 1) != Some(&to) {
            let next = PATH
                .get(current + 1)
                .map(|s| format!("{:?}", ReviewStatus::from(*s)))
                .unwrap_or_else(|| "none: the review is published".into());
            return Err(ApiError::bad_input(
                "to",
                format!("the review can only move to the next step ({next})"),
            ));
        }
        if last_milestone(&review).is_some_and(|d| input.on < d) {
            return Err(ApiError::bad_input(
                "on",
                "a milestone cannot be dated before the previous one",
            ));
        }
        let summary = input
            .summary
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if to == DbStatus::Published && summary.is_none() && review.summary.is_none() {
            return Err(ApiError::bad_input(
                "summary",
                "a pseudonymised summary is required to publish",
            ));
        }
        let mut changes = domestic_homicide_review::ActiveModel {
            id: Set(review.id),
            status: Set(to),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        match to {
            DbStatus::Commissioned => changes.commissioned_on = Set(Some(input.on)),
            DbStatus::ReportSubmitted => changes.submitted_on = Set(Some(input.on)),
            DbStatus::HomeOfficeQa => changes.qa_panel_on = Set(Some(input.on)),
            DbStatus::Published => {
                changes.published_on = Set(Some(input.on));
                changes.visibility = Set(DbVisibility::Public);
            }
            DbStatus::CommissionerCopySent => {
                changes.commissioner_copy_sent_on = Set(Some(input.on))
            }
            DbStatus::Notified | DbStatus::PanelAndImrs => {}
        }
        if let Some(summary) = summary {
            changes.summary = Set(Some(summary));
        }
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let updated = changes.update(&txn).await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "advanceDomesticHomicideReview",
            "domestic_homicide_review",
            review.id,
            review.partnership_id,
        )
        .await?;
        txn.commit().await?;
        Ok(Review(updated))
    }

    /// Adds an item to a review's action plan.
    async fn add_review_action(
        &self,
        ctx: &Context<'_>,
        input: AddReviewActionInput,
    ) -> ApiResult<Action> {
        let rc = ctx.req()?;
        let title = crate::core::validate::text("title", &input.title, 300)?;
        let lead_id = input
            .lead_person_id
            .as_ref()
            .map(|id| ids::decode(id, Kind::Person, "leadPersonId"))
            .transpose()?;
        let review = review_for_write(rc, &input.review_id, "addReviewAction").await?;
        let lead = match lead_id {
            Some(id) => Some(crate::core::validate::person(rc, id, "leadPersonId").await?),
            None => None,
        };
        let txn = crate::core::db::begin_write(&rc.db).await?;
        let created = crate::domain::actions::writes::insert_action(
            &txn,
            crate::domain::actions::writes::NewAction {
                partnership_id: review.partnership_id,
                board_id: review.board_id,
                resolution_id: None,
                review_id: Some(review.id),
                title,
                lead,
                start_date: Some(chrono::Utc::now().date_naive()),
                due_date: input.due_date,
                visibility: DbVisibility::Restricted,
            },
        )
        .await?;
        crate::core::audit::allowed(
            &txn,
            rc,
            "addReviewAction",
            "action",
            created.id,
            created.partnership_id,
        )
        .await?;
        txn.commit().await?;
        Ok(Action(created))
    }
}
