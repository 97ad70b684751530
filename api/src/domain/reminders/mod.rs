//! Deadlines that chase themselves: what the papers' clocks say is overdue, who owes it, and the
//! worker that emails them a reminder once.
//!
//! - [`rules`]: when each kind of item falls due (written updates, DHR recommendations, DHR
//!   milestones);
//! - [`service`]: the overdue items a viewer may see, with who owes each;
//! - [`worker`]: the reminder emails (off unless `CSP_SMTP_URL` is set), sent once per item and
//!   person, audited, never with a restricted title;
//! - here: `overdueItems(partnershipId:)`, a connection over the computed list.
//!
//! No visibility decisions here: the service reads through `access`.

mod mail;
pub mod rules;
pub mod service;
pub mod worker;

pub use worker::{run_once, start, PassReport, Worker};

use crate::core::context::CtxExt;
use crate::core::error::{ApiError, ApiResult};
use crate::core::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::domain::actions::Action;
use crate::domain::meetings::written_updates::WrittenUpdateRequest;
use crate::domain::partners::Person;
use crate::domain::reviews::Review;
use crate::domain::types::ReviewStatus;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::NaiveDate;
use entity::{action, domestic_homicide_review, person, written_update_request};
use service::{DueItem, DueKind};
use uuid::Uuid;

/// Which clock an overdue item runs on.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum OverdueKind {
    /// A written update the board asked for before its next meeting.
    WrittenUpdate,
    /// A DHR recommendation, due six months after the review was published.
    DhrRecommendation,
    /// A DHR's next milestone: the decision to hold it (one month after notification) or the
    /// overview report (six months after that decision).
    DhrMilestone,
}

/// Something overdue, and who owes it.
pub struct OverdueItem(pub DueItem);

#[Object]
impl OverdueItem {
    async fn kind(&self) -> OverdueKind {
        match self.0.kind {
            DueKind::WrittenUpdate => OverdueKind::WrittenUpdate,
            DueKind::DhrActionPlan => OverdueKind::DhrRecommendation,
            DueKind::DhrMilestone(_) => OverdueKind::DhrMilestone,
        }
    }
    /// When it was due.
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    /// Days since it was due, on the clocks of England.
    async fn days_overdue(&self) -> i64 {
        (rules::today(chrono::Utc::now()) - self.0.due_on).num_days()
    }
    /// The action owing a written update or a recommendation.
    async fn action(&self) -> Option<Action> {
        self.0.action.clone().map(Action)
    }
    /// The review of a recommendation or a milestone.
    async fn review(&self) -> Option<Review> {
        self.0.review.clone().map(Review)
    }
    /// The request a written update answers.
    async fn written_update_request(&self) -> Option<WrittenUpdateRequest> {
        self.0.request.clone().map(WrittenUpdateRequest)
    }
    /// For a milestone, the step that is due.
    async fn milestone(&self) -> Option<ReviewStatus> {
        match self.0.kind {
            DueKind::DhrMilestone(m) => Some(m.status().into()),
            DueKind::WrittenUpdate | DueKind::DhrActionPlan => None,
        }
    }
    /// Who owes it: an action's lead person and today's holder of its lead post; for a
    /// milestone, the chair, joint chair and vice-chair of the overseeing board. Empty when
    /// nobody is named (a vacant post).
    async fn owed_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Person>> {
        let people = ctx
            .req()?
            .load_many::<person::Entity>(self.0.owed_by.iter().copied())
            .await?;
        Ok(self
            .0
            .owed_by
            .iter()
            .filter_map(|id| people.get(id).cloned().map(Person))
            .collect())
    }
}

/// The count beside a page of overdue items.
#[derive(SimpleObject)]
pub struct OverdueTotals {
    /// Overdue items in the whole list (all pages) that the caller may see.
    total_count: i64,
}

/// A page of overdue items.
pub type OverdueConn = Connection<String, OverdueItem, OverdueTotals>;

/// The position a cursor names: an item's [`DueItem::sort_key`].
type Place = (NaiveDate, String, Uuid, Uuid);

/// A cursor: the item's place in the list's order.
fn cursor(item: &DueItem) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&item.sort_key()).unwrap_or_default())
}

fn decode(cursor: &str, field: &str) -> ApiResult<Place> {
    let bad = || {
        ApiError::bad_input(
            field,
            format!("`{field}` is not a valid cursor for this list"),
        )
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}

fn size(value: Option<i32>, field: &str) -> ApiResult<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 || n as u64 > MAX_PAGE_SIZE => Err(ApiError::bad_input(
            field,
            format!("`{field}` must be between 0 and {MAX_PAGE_SIZE} (the maximum page size)"),
        )),
        Some(n) => Ok(Some(n as usize)),
    }
}

/// Root fields of this area.
#[derive(Default)]
pub struct RemindersQuery;

#[Object]
impl RemindersQuery {
    /// What is overdue in a partnership, among what the caller may see, earliest due first:
    /// written updates due before a board's next meeting, DHR recommendations six months after
    /// publication, and DHR milestones (the decision to hold a review one month after
    /// notification; the overview report six months after that decision), each with who owes
    /// it.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn overdue_items(
        &self,
        ctx: &Context<'_>,
        partnership_id: ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<OverdueConn> {
        let rc = ctx.req()?;
        let (first, last) = (size(first, "first")?, size(last, "last")?);
        let after = after.as_deref().map(|c| decode(c, "after")).transpose()?;
        let before = before.as_deref().map(|c| decode(c, "before")).transpose()?;
        let items = service::overdue_items(rc, &partnership_id).await?;
        let total = items.len() as i64;
        // The list is sorted by the same key the cursors hold: a window of it.
        let start = after
            .map(|a| items.partition_point(|i| i.sort_key() <= a))
            .unwrap_or(0);
        let end = before
            .map(|b| items.partition_point(|i| i.sort_key() < b))
            .unwrap_or(items.len())
            .max(start);
        let (mut from, mut to) = (start, end);
        match (first, last) {
            (Some(n), _) => to = to.min(from + n),
            (None, Some(n)) => from = from.max(to.saturating_sub(n)),
            (None, None) => to = to.min(from + DEFAULT_PAGE_SIZE as usize),
        }
        if let (Some(_), Some(n)) = (first, last) {
            from = from.max(to.saturating_sub(n));
        }
        let page = &items[from..to];
        let actions: Vec<action::Model> = page.iter().filter_map(|i| i.action.clone()).collect();
        let reviews: Vec<domestic_homicide_review::Model> =
            page.iter().filter_map(|i| i.review.clone()).collect();
        let requests: Vec<written_update_request::Model> =
            page.iter().filter_map(|i| i.request.clone()).collect();
        rc.reads.note::<action::Entity>(&rc.viewer, &actions);
        rc.reads
            .note::<domestic_homicide_review::Entity>(&rc.viewer, &reviews);
        rc.reads
            .note::<written_update_request::Entity>(&rc.viewer, &requests);
        let mut conn = Connection::with_additional_fields(
            from > 0,
            to < items.len(),
            OverdueTotals { total_count: total },
        );
        conn.edges.extend(
            page.iter()
                .map(|i| Edge::new(cursor(i), OverdueItem(i.clone()))),
        );
        Ok(conn)
    }
}
