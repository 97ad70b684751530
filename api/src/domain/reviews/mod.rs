//! Domestic Homicide Reviews. Restricted to cleared seats of the overseeing board until published
//! (that rule lives in `access`); here only their GraphQL shape.

pub mod service;

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder};
use crate::domain::boards::Board;
use crate::domain::partners::Partnership;
use crate::domain::types::{ReviewStatus, SecurityMarking, Visibility};
use async_graphql::{Context, Object, ID};
use chrono::NaiveDate;
use entity::enums::Visibility as DbVisibility;
use entity::{board, domestic_homicide_review, partnership};
use sea_orm::{ColumnTrait, QueryFilter};
pub use service::{AddReviewActionInput, AdvanceReviewInput, CreateReviewInput};

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
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "domestic_homicide_review", self.0.id).await
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
            review_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            entity::action::Column::ReviewId,
            self.0.id,
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

/// A partnership's reviews, batched with the same field's pages under the request's other
/// partnerships.
pub async fn nested(
    ctx: &Context<'_>,
    partnership: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Review>> {
    let rc = ctx.req()?;
    let select = access::visible::<domestic_homicide_review::Entity>(&rc.viewer);
    let parent = domestic_homicide_review::Column::PartnershipId;
    nested_connection(rc, select, parent, partnership, review_sort(), args, Review).await
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
        service::create_review(ctx.req()?, input).await.map(Review)
    }

    /// Moves a review one step along the statutory path, recording the milestone date.
    /// Publishing makes the review and its pseudonymised summary public; its action plan keeps
    /// its own (restricted) marking.
    async fn advance_domestic_homicide_review(
        &self,
        ctx: &Context<'_>,
        input: AdvanceReviewInput,
    ) -> ApiResult<Review> {
        service::advance_review(ctx.req()?, input).await.map(Review)
    }

    /// Adds an item to a review's action plan.
    async fn add_review_action(
        &self,
        ctx: &Context<'_>,
        input: AddReviewActionInput,
    ) -> ApiResult<Action> {
        service::add_review_action(ctx.req()?, input)
            .await
            .map(Action)
    }
}
