//! The actions service: progress updates, completion, cancellation, missed-deadline reasons,
//! reassignment and delivery-plan actions, as plain functions over the request context that
//! return models (the GraphQL mutations in [`super::writes`] only call them).
//!
//! Every write is one transaction that
//! 1. loads the action through `access` (invisible = NOT_FOUND, same as missing),
//! 2. asks `policy` whether the caller may do this (no = FORBIDDEN, audited),
//! 3. checks the state and the caller's `expectedVersion` (stale = CONFLICT with the current one),
//! 4. changes the row with `WHERE id = ? AND version = ?`, so a concurrent writer that got there
//!    first makes this one fail instead of being silently overwritten,
//! 5. appends history and an audit row, and commits. Any error rolls everything back.

use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, ActionPermission};
use crate::domain::types::Rag;
use async_graphql::{Enum, InputObject, ID};
use chrono::{NaiveDate, Utc};
use entity::enums::{ActionStatus, MissedReason as DbMissedReason};
use entity::{action, action_update, board, priority};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Longest narrative accepted in one update.
pub const MAX_NARRATIVE_LEN: usize = 10_000;
/// Longest reporting period label ("2023/24 Q2").
pub const MAX_PERIOD_LEN: usize = 100;

/// A progress report on an action.
#[derive(InputObject)]
pub struct UpdateActionProgressInput {
    pub action_id: ID,
    /// The `version` the caller last saw; a stale version is refused with CONFLICT.
    pub expected_version: i32,
    pub rag: Option<Rag>,
    /// 0–100.
    pub percent_complete: i32,
    pub narrative: String,
    /// Reporting period ("2023/24 Q2").
    pub period: Option<String>,
    /// Date of the report; today when omitted.
    pub reported_on: Option<NaiveDate>,
}

/// Completion or cancellation of an action.
#[derive(InputObject)]
pub struct CloseActionInput {
    pub action_id: ID,
    pub expected_version: i32,
    /// Required when cancelling; recorded in the history when completing.
    pub reason: Option<String>,
}

/// Why an action missed its due date, in the words MARAC minutes use.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MissedReason {
    ChangeInCircumstance,
    AgencyHasNotUndertaken,
}

impl From<DbMissedReason> for MissedReason {
    fn from(r: DbMissedReason) -> Self {
        match r {
            DbMissedReason::ChangeInCircumstance => MissedReason::ChangeInCircumstance,
            DbMissedReason::AgencyHasNotUndertaken => MissedReason::AgencyHasNotUndertaken,
        }
    }
}

impl From<MissedReason> for DbMissedReason {
    fn from(r: MissedReason) -> Self {
        match r {
            MissedReason::ChangeInCircumstance => DbMissedReason::ChangeInCircumstance,
            MissedReason::AgencyHasNotUndertaken => DbMissedReason::AgencyHasNotUndertaken,
        }
    }
}

/// Records why an overdue action missed its due date.
#[derive(InputObject)]
pub struct RecordMissedReasonInput {
    pub action_id: ID,
    pub expected_version: i32,
    pub reason: MissedReason,
}

/// Loads the action for a write and checks visibility, permission, state and version.
///
/// Runs before the write transaction opens, so a refusal can be audited at once without waiting
/// on (or being rolled back with) the transaction. The write itself re-checks state and version
/// in its `WHERE` clause, so nothing that changes in between can slip through.
pub(super) async fn authorize(
    rc: &RequestContext,
    id: Uuid,
    expected_version: i32,
    permission: ActionPermission,
    operation: &str,
) -> ApiResult<action::Model> {
    let action = guard::load_for_write::<action::Entity>(rc, id, "action").await?;
    guard::require(
        rc,
        policy::may(&rc.viewer, permission, &action),
        Target::new(operation, "action", action.id, action.partnership_id),
        &format!("you may not {} this action", operation_verb(permission)),
    )
    .await?;
    check_state(&action, expected_version)?;
    Ok(action)
}

/// Open, and at the version the caller last saw.
fn check_state(action: &action::Model, expected_version: i32) -> ApiResult<()> {
    if action.status != ActionStatus::Open {
        return Err(ApiError::bad_input(
            "actionId",
            "the action is closed (completed or cancelled) and cannot be changed",
        ));
    }
    if action.version != expected_version {
        return Err(stale(action.version));
    }
    Ok(())
}

fn operation_verb(permission: ActionPermission) -> &'static str {
    match permission {
        ActionPermission::UpdateProgress => "update progress on",
        ActionPermission::Complete => "complete",
        ActionPermission::Cancel => "cancel",
        ActionPermission::RecordMissedReason => "record a missed-deadline reason on",
        ActionPermission::Reassign => "reassign",
        ActionPermission::Edit => "edit",
        ActionPermission::DecideMatterArising => "decide the matters arising of",
    }
}

fn stale(current: i32) -> ApiError {
    ApiError::Conflict(format!(
        "the action has changed since you read it: the current version is {current}"
    ))
}

/// Applies `changes` with `WHERE id = ? AND version = ? AND status = 'open'` and bumps the
/// version; zero rows means a concurrent writer got there first (or closed the action).
pub(super) async fn bump(
    txn: &DatabaseTransaction,
    action: &action::Model,
    changes: action::ActiveModel,
) -> ApiResult<action::Model> {
    let mut changes = changes;
    changes.updated_at = Set(Utc::now());
    let result = action::Entity::update_many()
        .set(changes)
        .col_expr(
            action::Column::Version,
            Expr::col(action::Column::Version).add(1),
        )
        .filter(action::Column::Id.eq(action.id))
        .filter(action::Column::Version.eq(action.version))
        .filter(action::Column::Status.eq(ActionStatus::Open))
        .exec(txn)
        .await?;
    let current = action::Entity::find_by_id(action.id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound("action"))?;
    if result.rows_affected == 0 {
        check_state(&current, action.version)?;
        return Err(stale(current.version));
    }
    Ok(current)
}

async fn append_history(
    txn: &DatabaseTransaction,
    rc: &RequestContext,
    action: &action::Model,
    period: Option<String>,
    reported_on: Option<NaiveDate>,
    narrative: String,
) -> ApiResult<()> {
    append_entry(
        txn,
        rc,
        action,
        period,
        reported_on,
        narrative,
        Change::default(),
    )
    .await
}

/// What an entry changes besides reporting progress: the status the action entered, or its
/// place on the matters arising list. Kept on the entry so a past meeting's record can be
/// rebuilt as it stood (`super::matters_arising`).
#[derive(Default, Clone, Copy)]
pub(crate) struct Change {
    pub status: Option<ActionStatus>,
    pub on_matters_arising: Option<bool>,
}

/// Appends one history entry, with what it changes.
pub(crate) async fn append_entry(
    txn: &DatabaseTransaction,
    rc: &RequestContext,
    action: &action::Model,
    period: Option<String>,
    reported_on: Option<NaiveDate>,
    narrative: String,
    change: Change,
) -> ApiResult<()> {
    action_update::ActiveModel {
        id: Set(Uuid::now_v7()),
        action_id: Set(action.id),
        author_id: Set(rc.viewer.person_id()),
        reported_on: Set(reported_on.unwrap_or_else(today)),
        period: Set(period),
        rag: Set(action.rag),
        percent_complete: Set(Some(action.percent_complete)),
        narrative: Set(narrative),
        status: Set(change.status),
        on_matters_arising: Set(change.on_matters_arising),
        inferred: Set(false),
        source: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Today in London, where the papers are dated: an entry made at 00:30 BST is today's.
pub(super) fn today() -> NaiveDate {
    crate::core::dates::local(Utc::now()).date_naive()
}

/// The audit row of an allowed write, noting the version it left the action at.
pub(super) async fn audit_write(
    txn: &DatabaseTransaction,
    rc: &RequestContext,
    operation: &str,
    action: &action::Model,
) -> ApiResult<()> {
    audit::allowed_with_detail(
        txn,
        rc,
        operation,
        ("action", action.id, action.partnership_id),
        format!("version {}", action.version),
    )
    .await
}

/// Appends a progress update and sets the action's RAG and percent complete.
pub async fn update_progress(
    rc: &RequestContext,
    input: UpdateActionProgressInput,
) -> ApiResult<action::Model> {
    let id = ids::decode(&input.action_id, Kind::Action, "actionId")?;
    if !(0..=100).contains(&input.percent_complete) {
        return Err(ApiError::bad_input(
            "percentComplete",
            "`percentComplete` must be between 0 and 100",
        ));
    }
    let narrative = crate::core::validate::text("narrative", &input.narrative, MAX_NARRATIVE_LEN)?;
    let period = input
        .period
        .as_deref()
        .map(|p| crate::core::validate::text("period", p, MAX_PERIOD_LEN))
        .transpose()?;
    // A past meeting's record is rebuilt from entries by their date: a report dated in the
    // future would show in papers printed before it was written.
    if input.reported_on.is_some_and(|d| d > today()) {
        return Err(ApiError::bad_input(
            "reportedOn",
            "an update cannot be dated after today",
        ));
    }
    let action = authorize(
        rc,
        id,
        input.expected_version,
        ActionPermission::UpdateProgress,
        "updateActionProgress",
    )
    .await?;
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let changes = action::ActiveModel {
        rag: Set(input.rag.map(Into::into)),
        percent_complete: Set(input.percent_complete),
        ..Default::default()
    };
    let updated = bump(&txn, &action, changes).await?;
    append_history(&txn, rc, &updated, period, input.reported_on, narrative).await?;
    audit_write(&txn, rc, "updateActionProgress", &updated).await?;
    rc.events.publish_in(&txn, updated.id).await?;
    txn.commit().await?;
    rc.events.published(updated.id);
    Ok(updated)
}

/// Completes an action (`completeAction`).
pub async fn complete(rc: &RequestContext, input: CloseActionInput) -> ApiResult<action::Model> {
    close(rc, input, ActionStatus::Completed).await
}

/// Cancels an action with its reason (`cancelAction`).
pub async fn cancel(rc: &RequestContext, input: CloseActionInput) -> ApiResult<action::Model> {
    close(rc, input, ActionStatus::Cancelled).await
}

/// Completes or cancels an action; the closing note goes into the history.
async fn close(
    rc: &RequestContext,
    input: CloseActionInput,
    status: ActionStatus,
) -> ApiResult<action::Model> {
    let id = ids::decode(&input.action_id, Kind::Action, "actionId")?;
    let (permission, operation) = match status {
        ActionStatus::Completed => (ActionPermission::Complete, "completeAction"),
        ActionStatus::Cancelled => (ActionPermission::Cancel, "cancelAction"),
        ActionStatus::Open => {
            return Err(ApiError::bad_input(
                "status",
                "an action cannot be reopened this way",
            ))
        }
    };
    let reason = match (&input.reason, status) {
        (Some(r), _) => Some(crate::core::validate::text("reason", r, MAX_NARRATIVE_LEN)?),
        (None, ActionStatus::Cancelled) => {
            return Err(ApiError::bad_input(
                "reason",
                "a reason is required to cancel an action",
            ))
        }
        (None, _) => None,
    };
    let action = authorize(rc, id, input.expected_version, permission, operation).await?;
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let mut changes = action::ActiveModel {
        status: Set(status),
        ..Default::default()
    };
    if status == ActionStatus::Completed {
        changes.percent_complete = Set(100);
    } else {
        changes.status_reason = Set(reason.clone());
    }
    let updated = bump(&txn, &action, changes).await?;
    let narrative = match (status, reason) {
        (ActionStatus::Cancelled, Some(r)) => format!("Cancelled: {r}"),
        (_, Some(r)) => format!("Completed: {r}"),
        (_, None) => "Completed.".to_string(),
    };
    let change = Change {
        status: Some(status),
        on_matters_arising: None,
    };
    append_entry(&txn, rc, &updated, None, None, narrative, change).await?;
    audit_write(&txn, rc, operation, &updated).await?;
    rc.events.publish_in(&txn, updated.id).await?;
    txn.commit().await?;
    rc.events.published(updated.id);
    Ok(updated)
}

/// Records why an action missed its due date (only once it is overdue).
pub async fn record_missed_reason(
    rc: &RequestContext,
    input: RecordMissedReasonInput,
) -> ApiResult<action::Model> {
    let id = ids::decode(&input.action_id, Kind::Action, "actionId")?;
    let action = authorize(
        rc,
        id,
        input.expected_version,
        ActionPermission::RecordMissedReason,
        "recordMissedReason",
    )
    .await?;
    let txn = crate::core::db::begin_write(&rc.db).await?;
    if action.due_date.is_none_or(|d| d >= Utc::now().date_naive()) {
        return Err(ApiError::bad_input(
            "actionId",
            "the action is not past its due date",
        ));
    }
    let changes = action::ActiveModel {
        missed_reason: Set(Some(input.reason.into())),
        ..Default::default()
    };
    let updated = bump(&txn, &action, changes).await?;
    audit_write(&txn, rc, "recordMissedReason", &updated).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A delivery-plan action under a strategy priority.
#[derive(InputObject)]
pub struct CreatePriorityActionInput {
    pub priority_id: ID,
    /// The board that owns and oversees the action.
    pub board_id: ID,
    pub title: String,
    pub expected_outcome: Option<String>,
    /// Money, staff time or data the action needs, as delivery plans list them.
    pub resources_required: Option<String>,
    /// What could stop it being delivered.
    pub risks: Option<String>,
    pub lead_person_id: Option<ID>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    #[graphql(default_with = "crate::domain::types::Visibility::Public")]
    pub visibility: crate::domain::types::Visibility,
}

/// A new lead for an action.
#[derive(InputObject)]
pub struct ReassignActionInput {
    pub action_id: ID,
    pub expected_version: i32,
    pub lead_person_id: ID,
}

async fn visible_person(
    rc: &RequestContext,
    id: &ID,
    field: &str,
) -> ApiResult<entity::person::Model> {
    crate::core::validate::person(rc, ids::decode(id, Kind::Person, field)?, field).await
}

/// Creates a delivery-plan action (the priority's lead, or an officer of the owning board).
pub async fn create_priority_action(
    rc: &RequestContext,
    input: CreatePriorityActionInput,
) -> ApiResult<action::Model> {
    let priority_id = ids::decode(&input.priority_id, Kind::Priority, "priorityId")?;
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let title = crate::core::validate::text("title", &input.title, 300)?;
    let outcome = crate::core::validate::optional_text(
        "expectedOutcome",
        input.expected_outcome.as_deref(),
        MAX_NARRATIVE_LEN,
    )?;
    let resources = crate::core::validate::optional_text(
        "resourcesRequired",
        input.resources_required.as_deref(),
        MAX_DETAIL_LEN,
    )?;
    let risks =
        crate::core::validate::optional_text("risks", input.risks.as_deref(), MAX_DETAIL_LEN)?;
    if let (Some(start), Some(due)) = (input.start_date, input.due_date) {
        if due < start {
            return Err(ApiError::bad_input(
                "dueDate",
                "`dueDate` must not be before `startDate`",
            ));
        }
    }
    let priority = guard::load_for_write::<priority::Entity>(rc, priority_id, "priority").await?;
    let board = guard::load_for_write::<board::Entity>(rc, board_id, "board").await?;
    if board.partnership_id != priority.partnership_id {
        return Err(ApiError::bad_input(
            "boardId",
            "the board belongs to another partnership",
        ));
    }
    let lead = match &input.lead_person_id {
        Some(id) => Some(visible_person(rc, id, "leadPersonId").await?),
        None => None,
    };
    guard::require(
        rc,
        policy::may_on_priority(
            &rc.viewer,
            policy::PriorityPermission::AddAction,
            &priority,
            board.id,
        ),
        Target::new(
            "createPriorityAction",
            "priority",
            priority.id,
            priority.partnership_id,
        ),
        "only the priority's lead or an officer of the board may add actions",
    )
    .await?;
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let created = insert_action(
        &txn,
        NewAction {
            partnership_id: priority.partnership_id,
            board_id: board.id,
            resolution_id: None,
            review_id: None,
            title,
            lead,
            start_date: input.start_date,
            due_date: input.due_date,
            visibility: input.visibility.into(),
        },
    )
    .await?;
    let created = action::ActiveModel {
        id: Set(created.id),
        priority_id: Set(Some(priority.id)),
        expected_outcome: Set(outcome),
        resources_required: Set(resources),
        risks: Set(risks),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit_write(&txn, rc, "createPriorityAction", &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Gives an action a new lead person (and their organisation), recorded in the history.
pub async fn reassign(rc: &RequestContext, input: ReassignActionInput) -> ApiResult<action::Model> {
    let id = ids::decode(&input.action_id, Kind::Action, "actionId")?;
    let lead = visible_person(rc, &input.lead_person_id, "leadPersonId").await?;
    let action = authorize(
        rc,
        id,
        input.expected_version,
        ActionPermission::Reassign,
        "reassignAction",
    )
    .await?;
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let changes = action::ActiveModel {
        lead_person_id: Set(Some(lead.id)),
        lead_organisation_id: Set(Some(lead.organisation_id)),
        ..Default::default()
    };
    let updated = bump(&txn, &action, changes).await?;
    append_history(
        &txn,
        rc,
        &updated,
        None,
        None,
        format!("Reassigned to {}.", lead.name),
    )
    .await?;
    audit_write(&txn, rc, "reassignAction", &updated).await?;
    rc.events.publish_in(&txn, updated.id).await?;
    txn.commit().await?;
    rc.events.published(updated.id);
    Ok(updated)
}

/// Changes to what an action is; fields left out stay as they are, and an empty text clears an
/// optional one.
#[derive(InputObject)]
pub struct UpdateActionInput {
    pub action_id: ID,
    /// The `version` the caller last saw; a stale version is refused with CONFLICT.
    pub expected_version: i32,
    pub title: Option<String>,
    pub expected_outcome: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub resources_required: Option<String>,
    pub risks: Option<String>,
    /// A new marking. Re-marking decides at once who sees the action and its history.
    pub visibility: Option<crate::domain::types::Visibility>,
    /// A post of the same partnership to lead it (its holder acts as lead).
    pub lead_post_id: Option<ID>,
}

/// Longest action title.
const MAX_TITLE_LEN: usize = 500;
/// Longest expected outcome, resources or risks text.
const MAX_DETAIL_LEN: usize = 5_000;

/// Changes an action's title, outcome, dates, resources, risks or marking (officers of the owning
/// board). The action's history gets a line saying what changed, and the audit row the values
/// before and after.
pub async fn update(rc: &RequestContext, input: UpdateActionInput) -> ApiResult<action::Model> {
    use crate::core::validate;
    let id = ids::decode(&input.action_id, Kind::Action, "actionId")?;
    let title = validate::optional_text("title", input.title.as_deref(), MAX_TITLE_LEN)?;
    let clear =
        |field: &str, v: &Option<String>| validate::clearable(field, v.as_deref(), MAX_DETAIL_LEN);
    let outcome = clear("expectedOutcome", &input.expected_outcome)?;
    let resources = clear("resourcesRequired", &input.resources_required)?;
    let risks = clear("risks", &input.risks)?;
    let action = authorize(
        rc,
        id,
        input.expected_version,
        ActionPermission::Edit,
        "updateAction",
    )
    .await?;
    let lead_post = match &input.lead_post_id {
        Some(id) => {
            let post_id = ids::decode(id, Kind::Post, "leadPostId")?;
            let post = crate::core::access::visible::<entity::post::Entity>(&rc.viewer)
                .filter(entity::post::Column::Id.eq(post_id))
                .one(&rc.db)
                .await?
                .filter(|p| p.partnership_id == action.partnership_id)
                .ok_or_else(|| {
                    ApiError::bad_input("leadPostId", "no such post in the action's partnership")
                })?;
            Some(post)
        }
        None => None,
    };
    let start = input.start_date.or(action.start_date);
    let due = input.due_date.or(action.due_date);
    if let (Some(start), Some(due)) = (start, due) {
        if due < start {
            return Err(ApiError::bad_input(
                "dueDate",
                "the due date is before the start date",
            ));
        }
    }
    let mut changes = <action::ActiveModel as Default>::default();
    if let Some(title) = title {
        changes.title = Set(title);
    }
    if let Some(v) = outcome {
        changes.expected_outcome = Set(v);
    }
    if let Some(v) = resources {
        changes.resources_required = Set(v);
    }
    if let Some(v) = risks {
        changes.risks = Set(v);
    }
    if let Some(d) = input.start_date {
        changes.start_date = Set(Some(d));
    }
    if let Some(d) = input.due_date {
        changes.due_date = Set(Some(d));
    }
    if let Some(v) = input.visibility {
        changes.visibility = Set(v.into());
    }
    if let Some(post) = &lead_post {
        changes.lead_post_id = Set(Some(post.id));
        changes.lead_organisation_id = Set(Some(post.organisation_id));
    }
    let txn = crate::core::db::begin_write(&rc.db).await?;
    let updated = bump(&txn, &action, changes).await?;
    let (before, after) = (described(&action), described(&updated));
    let mut changed: Vec<String> = before
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| after.get(k.as_str()) != Some(v))
        .map(|(k, v)| format!("{k}: {} → {}", shown(v), shown(&after[k.as_str()])))
        .collect();
    if let Some(post) = lead_post
        .as_ref()
        .filter(|p| action.lead_post_id != Some(p.id))
    {
        changed.push(format!("lead post: {}", post.title));
    }
    if !changed.is_empty() {
        append_history(
            &txn,
            rc,
            &updated,
            None,
            None,
            format!("Changed {}.", changed.join("; ")),
        )
        .await?;
    }
    audit::allowed_with_detail(
        &txn,
        rc,
        "updateAction",
        ("action", updated.id, updated.partnership_id),
        audit::changes(&before, &after),
    )
    .await?;
    // A re-marked action has a stale access summary (the database's trigger marked it).
    crate::core::access_summary::summarise(&txn).await?;
    rc.events.publish_in(&txn, updated.id).await?;
    txn.commit().await?;
    rc.events.published(updated.id);
    Ok(updated)
}

/// The fields `updateAction` may change, as the history and the audit log show them.
fn described(a: &action::Model) -> serde_json::Value {
    serde_json::json!({
        "title": a.title,
        "expected outcome": a.expected_outcome,
        "start date": a.start_date,
        "due date": a.due_date,
        "resources required": a.resources_required,
        "risks": a.risks,
        "marking": format!("{:?}", a.visibility).to_uppercase(),
    })
}

fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A new open action, as meetings (from a resolution) and reviews (an action-plan item) create it.
pub struct NewAction {
    pub partnership_id: Uuid,
    pub board_id: Uuid,
    pub resolution_id: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub title: String,
    /// The lead person; the lead organisation is theirs.
    pub lead: Option<entity::person::Model>,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub visibility: entity::enums::Visibility,
}

/// Inserts a new action at version 1 inside the caller's transaction.
pub async fn insert_action<C: sea_orm::ConnectionTrait>(
    db: &C,
    new: NewAction,
) -> ApiResult<action::Model> {
    let now = Utc::now();
    let created = action::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(new.partnership_id),
        board_id: Set(Some(new.board_id)),
        resolution_id: Set(new.resolution_id),
        priority_id: Set(None),
        review_id: Set(new.review_id),
        title: Set(new.title),
        expected_outcome: Set(None),
        lead_person_id: Set(new.lead.as_ref().map(|p| p.id)),
        lead_organisation_id: Set(new.lead.as_ref().map(|p| p.organisation_id)),
        start_date: Set(new.start_date),
        due_date: Set(new.due_date),
        resources_required: Set(None),
        risks: Set(None),
        percent_complete: Set(0),
        rag: Set(None),
        status: Set(ActionStatus::Open),
        visibility: Set(new.visibility),
        version: Set(1),
        status_reason: Set(None),
        missed_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // Readers get the one-condition check at once, not the full rule.
    crate::core::access_summary::summarise(db).await?;
    Ok(created)
}
