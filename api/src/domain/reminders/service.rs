//! What is overdue and who owes it, over what one viewer may see: the `overdueItems` query reads
//! it as the caller, and the reminder worker ([`super::worker`]) as each recipient, so nobody is
//! ever told of an item they could not open themselves. The dates come from [`super::rules`].
//!
//! Who owes what:
//! - a written update: each action of the request still outstanding (the meetings area's
//!   `outstanding_select`), while the meeting it is for is still ahead (once the board has met,
//!   matters arising takes over), owed by the action's lead person and today's holder of its
//!   lead post;
//! - a DHR recommendation: each open action of a published review past its six months, owed by
//!   its lead the same way;
//! - a DHR milestone: owed by the chair, joint chair and vice-chair of the overseeing board.
//!
//! No visibility decision here: every read starts from `access::visible` for the viewer.

use super::rules::{self, Milestone};
use crate::core::access;
use crate::core::auth::{current_seat, Viewer};
use crate::core::context::RequestContext;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::domain::meetings::service::written_updates::outstanding_select;
use async_graphql::ID;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{ActionStatus, MeetingStatus, MembershipRole, ReviewStatus};
use entity::{
    action, board_membership, domestic_homicide_review, meeting, post_holder,
    written_update_request,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Select,
};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Which clock an item runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// A written update asked for before a board's meeting.
    WrittenUpdate,
    /// A recommendation of a published DHR.
    DhrActionPlan,
    /// A DHR's next milestone.
    DhrMilestone(Milestone),
}

impl DueKind {
    /// Its name in the `reminder.kind` column and the audit detail.
    pub fn key(self) -> String {
        match self {
            DueKind::WrittenUpdate => "written_update".into(),
            DueKind::DhrActionPlan => "dhr_action_plan".into(),
            DueKind::DhrMilestone(m) => format!("dhr_milestone:{}", m.key()),
        }
    }
}

/// One overdue item: what is owed, since when, under which clock, and by whom.
#[derive(Debug, Clone)]
pub struct DueItem {
    pub kind: DueKind,
    pub partnership_id: Uuid,
    pub due_on: NaiveDate,
    /// What set the clock: the written-update request, or the review.
    pub clock_id: Uuid,
    /// What is owed: the action, or (for a milestone) the review.
    pub item_id: Uuid,
    /// The action owing an update or a recommendation.
    pub action: Option<action::Model>,
    /// The review of a recommendation or a milestone.
    pub review: Option<domestic_homicide_review::Model>,
    /// The request a written update answers.
    pub request: Option<written_update_request::Model>,
    /// Who owes it (people's ids, each once).
    pub owed_by: Vec<Uuid>,
}

impl DueItem {
    /// The list's order: earliest due first, then by kind, item and clock (a total order, so
    /// cursors are stable).
    pub fn sort_key(&self) -> (NaiveDate, String, Uuid, Uuid) {
        (self.due_on, self.kind.key(), self.item_id, self.clock_id)
    }
}

/// Which items to compute.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// Only this partnership's.
    pub partnership: Option<Uuid>,
    /// Only those owed by this person, who must be the viewer (their posts and chairs are the
    /// viewer's).
    pub owed_by: Option<Uuid>,
}

/// The overdue items of a partnership the caller may see, in [`DueItem::sort_key`] order.
pub async fn overdue_items(rc: &RequestContext, partnership_id: &ID) -> ApiResult<Vec<DueItem>> {
    let partnership = ids::decode(partnership_id, Kind::Partnership, "partnershipId")?;
    let scope = Scope {
        partnership: Some(partnership),
        owed_by: None,
    };
    overdue(&rc.db, &rc.viewer, scope, Utc::now()).await
}

/// The items overdue at `now` that `viewer` may see, within `scope`, in [`DueItem::sort_key`]
/// order.
pub async fn overdue(
    db: &DatabaseConnection,
    viewer: &Viewer,
    scope: Scope,
    now: DateTime<Utc>,
) -> ApiResult<Vec<DueItem>> {
    let today = rules::today(now);
    let mut items = written_updates(db, viewer, scope, now, today).await?;
    items.extend(action_plans(db, viewer, scope, today).await?);
    items.extend(milestones(db, viewer, scope, today).await?);
    items.sort_by_key(DueItem::sort_key);
    Ok(items)
}

/// Actions led by `person`, or by a post the viewer (that person) holds today.
fn led_by(viewer: &Viewer, person: Uuid) -> Condition {
    let mut led = Condition::any().add(action::Column::LeadPersonId.eq(person));
    if !viewer.posts.is_empty() {
        led = led.add(action::Column::LeadPostId.is_in(viewer.posts.iter().copied()));
    }
    led
}

fn in_scope(
    select: Select<action::Entity>,
    viewer: &Viewer,
    scope: Scope,
) -> Select<action::Entity> {
    match scope.owed_by {
        Some(person) => select.filter(led_by(viewer, person)),
        None => select,
    }
}

/// Written updates due before a meeting still ahead, not yet recorded.
async fn written_updates(
    db: &DatabaseConnection,
    viewer: &Viewer,
    scope: Scope,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> ApiResult<Vec<DueItem>> {
    use written_update_request::Column as R;
    let ahead = access::visible::<meeting::Entity>(viewer)
        .select_only()
        .column(meeting::Column::Id)
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(meeting::Column::StartsAt.gt(now))
        .into_query();
    let mut requests = access::visible::<written_update_request::Entity>(viewer)
        .filter(R::DueOn.lt(today))
        .filter(R::MeetingId.in_subquery(ahead));
    if let Some(p) = scope.partnership {
        requests = requests.filter(R::PartnershipId.eq(p));
    }
    let mut owed = Vec::new();
    for request in requests.all(db).await? {
        let actions = in_scope(outstanding_select(viewer, &request), viewer, scope)
            .all(db)
            .await?;
        owed.extend(actions.into_iter().map(|a| (request.clone(), a)));
    }
    let holders = post_holders(
        db,
        viewer,
        owed.iter().filter_map(|(_, a)| a.lead_post_id),
        today,
    )
    .await?;
    Ok(owed
        .into_iter()
        .map(|(request, action)| DueItem {
            kind: DueKind::WrittenUpdate,
            partnership_id: action.partnership_id,
            due_on: request.due_on,
            clock_id: request.id,
            item_id: action.id,
            owed_by: leads(&action, &holders),
            action: Some(action),
            review: None,
            request: Some(request),
        })
        .collect())
}

/// Open recommendations of published reviews past their six months.
async fn action_plans(
    db: &DatabaseConnection,
    viewer: &Viewer,
    scope: Scope,
    today: NaiveDate,
) -> ApiResult<Vec<DueItem>> {
    use domestic_homicide_review::Column as D;
    let mut reviews = access::visible::<domestic_homicide_review::Entity>(viewer)
        .filter(D::Status.is_in([ReviewStatus::Published, ReviewStatus::CommissionerCopySent]))
        .filter(D::PublishedOn.is_not_null());
    if let Some(p) = scope.partnership {
        reviews = reviews.filter(D::PartnershipId.eq(p));
    }
    let late: BTreeMap<Uuid, (NaiveDate, domestic_homicide_review::Model)> = reviews
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            rules::action_plan_due(&r)
                .filter(|due| rules::is_overdue(*due, today))
                .map(|due| (r.id, (due, r)))
        })
        .collect();
    if late.is_empty() {
        return Ok(Vec::new());
    }
    let actions = in_scope(
        access::visible::<action::Entity>(viewer)
            .filter(action::Column::ReviewId.is_in(late.keys().copied()))
            .filter(action::Column::Status.eq(ActionStatus::Open)),
        viewer,
        scope,
    )
    .all(db)
    .await?;
    let holders = post_holders(
        db,
        viewer,
        actions.iter().filter_map(|a| a.lead_post_id),
        today,
    )
    .await?;
    Ok(actions
        .into_iter()
        .filter_map(|action| {
            let (due_on, review) = late.get(&action.review_id?)?.clone();
            Some(DueItem {
                kind: DueKind::DhrActionPlan,
                partnership_id: action.partnership_id,
                due_on,
                clock_id: review.id,
                item_id: action.id,
                owed_by: leads(&action, &holders),
                action: Some(action),
                review: Some(review),
                request: None,
            })
        })
        .collect())
}

/// Reviews whose next clocked milestone is late.
async fn milestones(
    db: &DatabaseConnection,
    viewer: &Viewer,
    scope: Scope,
    today: NaiveDate,
) -> ApiResult<Vec<DueItem>> {
    use domestic_homicide_review::Column as D;
    let mut reviews =
        access::visible::<domestic_homicide_review::Entity>(viewer).filter(D::Status.is_in([
            ReviewStatus::Notified,
            ReviewStatus::Commissioned,
            ReviewStatus::PanelAndImrs,
        ]));
    if let Some(p) = scope.partnership {
        reviews = reviews.filter(D::PartnershipId.eq(p));
    }
    if scope.owed_by.is_some() {
        if viewer.chair_boards.is_empty() {
            return Ok(Vec::new());
        }
        reviews = reviews.filter(D::BoardId.is_in(viewer.chair_boards.iter().copied()));
    }
    let late: Vec<_> = reviews
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            rules::next_milestone(&r)
                .filter(|(_, due)| rules::is_overdue(*due, today))
                .map(|(milestone, due)| (milestone, due, r))
        })
        .collect();
    if late.is_empty() {
        return Ok(Vec::new());
    }
    let boards: BTreeSet<Uuid> = late.iter().map(|(_, _, r)| r.board_id).collect();
    let mut chairs: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for seat in access::visible::<board_membership::Entity>(viewer)
        .filter(board_membership::Column::BoardId.is_in(boards))
        .filter(board_membership::Column::Role.is_in([
            MembershipRole::Chair,
            MembershipRole::JointChair,
            MembershipRole::ViceChair,
        ]))
        .filter(current_seat(today))
        .all(db)
        .await?
    {
        let people = chairs.entry(seat.board_id).or_default();
        if !people.contains(&seat.person_id) {
            people.push(seat.person_id);
        }
    }
    Ok(late
        .into_iter()
        .map(|(milestone, due_on, review)| DueItem {
            kind: DueKind::DhrMilestone(milestone),
            partnership_id: review.partnership_id,
            due_on,
            clock_id: review.id,
            item_id: review.id,
            owed_by: chairs.get(&review.board_id).cloned().unwrap_or_default(),
            action: None,
            review: Some(review),
            request: None,
        })
        .collect())
}

/// Today's holders of `posts`, by post.
async fn post_holders(
    db: &DatabaseConnection,
    viewer: &Viewer,
    posts: impl Iterator<Item = Uuid>,
    today: NaiveDate,
) -> ApiResult<BTreeMap<Uuid, Vec<Uuid>>> {
    use post_holder::Column as H;
    let posts: BTreeSet<Uuid> = posts.collect();
    let mut out: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    if posts.is_empty() {
        return Ok(out);
    }
    let held = access::visible::<post_holder::Entity>(viewer)
        .filter(H::PostId.is_in(posts))
        .filter(crate::core::auth::holding_covers(today))
        .all(db)
        .await?;
    for h in held {
        out.entry(h.post_id).or_default().push(h.person_id);
    }
    Ok(out)
}

/// An action's leads: its lead person and today's holders of its lead post, each once.
fn leads(action: &action::Model, holders: &BTreeMap<Uuid, Vec<Uuid>>) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = action.lead_person_id.into_iter().collect();
    for holder in action
        .lead_post_id
        .and_then(|p| holders.get(&p))
        .into_iter()
        .flatten()
    {
        if !out.contains(holder) {
            out.push(*holder);
        }
    }
    out
}

/// Everyone who might owe something today, by id alone: leads of open actions (in person or by
/// a post held today) and chairs of boards overseeing a review still before its report. No
/// content is read here; what each of them is reminded of is then read through `access` as
/// them ([`overdue`] with [`Scope::owed_by`]).
pub async fn possible_debtors(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> ApiResult<BTreeSet<Uuid>> {
    let mut people: BTreeSet<Uuid> = action::Entity::find()
        .select_only()
        .column(action::Column::LeadPersonId)
        .filter(action::Column::Status.eq(ActionStatus::Open))
        .filter(action::Column::LeadPersonId.is_not_null())
        .distinct()
        .into_tuple::<Option<Uuid>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let led_posts = action::Entity::find()
        .select_only()
        .column(action::Column::LeadPostId)
        .filter(action::Column::Status.eq(ActionStatus::Open))
        .filter(action::Column::LeadPostId.is_not_null())
        .into_query();
    people.extend(
        post_holder::Entity::find()
            .select_only()
            .column(post_holder::Column::PersonId)
            .filter(post_holder::Column::PostId.in_subquery(led_posts))
            .filter(crate::core::auth::holding_covers(today))
            .distinct()
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    let review_boards = domestic_homicide_review::Entity::find()
        .select_only()
        .column(domestic_homicide_review::Column::BoardId)
        .filter(domestic_homicide_review::Column::Status.is_in([
            ReviewStatus::Notified,
            ReviewStatus::Commissioned,
            ReviewStatus::PanelAndImrs,
        ]))
        .into_query();
    people.extend(
        board_membership::Entity::find()
            .select_only()
            .column(board_membership::Column::PersonId)
            .filter(board_membership::Column::BoardId.in_subquery(review_boards))
            .filter(board_membership::Column::Role.is_in([
                MembershipRole::Chair,
                MembershipRole::JointChair,
                MembershipRole::ViceChair,
            ]))
            .filter(current_seat(today))
            .distinct()
            .into_tuple::<Uuid>()
            .all(db)
            .await?,
    );
    Ok(people)
}
