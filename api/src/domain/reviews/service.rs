//! Managing Domestic Homicide Reviews as plain functions over the request context: opening a
//! review, moving it along the statutory path and adding to its action plan. Cleared seats of
//! the overseeing board only (the policy); to everyone else an unpublished review does not exist
//! (access, so NOT_FOUND).

use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, ReviewPermission};
use crate::domain::types::ReviewStatus;
use async_graphql::{InputObject, ID};
use chrono::NaiveDate;
use entity::enums::{ReviewStatus as DbStatus, Visibility as DbVisibility};
use entity::{action, board, domestic_homicide_review};
use sea_orm::{ActiveModelTrait, Set};

/// Opens a review when the Home Office is notified.
#[derive(InputObject)]
pub struct CreateReviewInput {
    /// The overseeing panel or task-and-finish group; the caller needs a cleared seat on it.
    pub board_id: ID,
    /// The pseudonym the review is known by ('Susan').
    pub pseudonym: String,
    pub notified_on: NaiveDate,
}

/// Moves a review to the next step of the statutory path.
#[derive(InputObject)]
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
#[derive(InputObject)]
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

/// A review the caller may see and manage: NOT_FOUND when invisible, FORBIDDEN (audited
/// against the review under `operation`) without a cleared seat on its board.
async fn review_for_write(
    rc: &RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<domestic_homicide_review::Model> {
    let id = ids::decode(id, Kind::DomesticHomicideReview, "reviewId")?;
    let review =
        guard::load_for_write::<domestic_homicide_review::Entity>(rc, id, "review").await?;
    // A published review is visible to all, but only cleared seats manage it.
    guard::require(
        rc,
        policy::may_on_review(&rc.viewer, ReviewPermission::Manage, review.board_id),
        Target::new(
            operation,
            "domestic_homicide_review",
            review.id,
            review.partnership_id,
        ),
        "only cleared members of the overseeing board may manage this review",
    )
    .await?;
    Ok(review)
}

/// Opens a review (status NOTIFIED, restricted) under a board the caller holds a cleared seat on.
pub async fn create_review(
    rc: &RequestContext,
    input: CreateReviewInput,
) -> ApiResult<domestic_homicide_review::Model> {
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let pseudonym = crate::core::validate::text("pseudonym", &input.pseudonym, 100)?;
    let board = guard::load_for_write::<board::Entity>(rc, board_id, "board").await?;
    guard::require(
        rc,
        policy::may_on_review(&rc.viewer, ReviewPermission::Manage, board.id),
        Target::new(
            "createDomesticHomicideReview",
            "board",
            board.id,
            board.partnership_id,
        ),
        "only cleared members of the board may open a review",
    )
    .await?;
    let txn = begin_write(&rc.db).await?;
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
    Ok(review)
}

/// Moves a review one step along the statutory path, recording the milestone date; publishing
/// makes it public.
pub async fn advance_review(
    rc: &RequestContext,
    input: AdvanceReviewInput,
) -> ApiResult<domestic_homicide_review::Model> {
    let review = review_for_write(rc, &input.review_id, "advanceDomesticHomicideReview").await?;
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
        DbStatus::CommissionerCopySent => changes.commissioner_copy_sent_on = Set(Some(input.on)),
        DbStatus::Notified | DbStatus::PanelAndImrs => {}
    }
    if let Some(summary) = summary {
        changes.summary = Set(Some(summary));
    }
    let txn = begin_write(&rc.db).await?;
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
    Ok(updated)
}

/// Adds a restricted action, owned by the review's board, to a review's action plan.
pub async fn add_review_action(
    rc: &RequestContext,
    input: AddReviewActionInput,
) -> ApiResult<action::Model> {
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
    let txn = begin_write(&rc.db).await?;
    let created = crate::domain::actions::service::insert_action(
        &txn,
        crate::domain::actions::service::NewAction {
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
    Ok(created)
}
