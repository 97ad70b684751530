//! Strategies and priorities, written by the partnership's administrators (policy:
//! `PartnershipPermission::ManagePlans`): plain functions over the request context, each one
//! transaction audited with its values before and after.

use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use crate::core::validate;
use async_graphql::{InputObject, ID};
use chrono::{NaiveDate, Utc};
use entity::{partnership, post, priority, strategy};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

/// A new strategy ("Safer Bromley Partnership Strategy 2024-27").
#[derive(InputObject)]
pub struct CreateStrategyInput {
    pub partnership_id: ID,
    pub title: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

/// A new priority of a strategy.
#[derive(InputObject)]
pub struct CreatePriorityInput {
    pub strategy_id: ID,
    /// Its number in the strategy (1, 2, 3…), unique within it.
    pub number: i32,
    pub title: String,
    pub aim: Option<String>,
    pub lead_person_id: Option<ID>,
    pub lead_post_id: Option<ID>,
}

/// Changes to a priority; fields left out stay as they are (an empty aim clears it).
#[derive(InputObject)]
pub struct UpdatePriorityInput {
    pub priority_id: ID,
    pub title: Option<String>,
    pub aim: Option<String>,
    pub lead_person_id: Option<ID>,
    pub lead_post_id: Option<ID>,
}

/// Creates a strategy (the partnership's administrators).
pub async fn create_strategy(
    rc: &RequestContext,
    input: CreateStrategyInput,
) -> ApiResult<strategy::Model> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let title = validate::text("title", &input.title, 300)?;
    if input.period_end < input.period_start {
        return Err(ApiError::bad_input(
            "periodEnd",
            "the period ends before it starts",
        ));
    }
    guard::load_for_write::<partnership::Entity>(rc, partnership_id, "partnership").await?;
    require(
        rc,
        partnership_id,
        Target::new(
            "createStrategy",
            "partnership",
            partnership_id,
            partnership_id,
        ),
    )
    .await?;
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = strategy::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(partnership_id),
        title: Set(title),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let detail = audit::changes(
        &Value::Null,
        &json!({ "title": created.title, "periodStart": created.period_start, "periodEnd": created.period_end }),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "createStrategy",
        ("strategy", created.id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Adds a priority to a strategy (the partnership's administrators).
pub async fn create_priority(
    rc: &RequestContext,
    input: CreatePriorityInput,
) -> ApiResult<priority::Model> {
    let strategy_id = ids::decode(&input.strategy_id, Kind::Strategy, "strategyId")?;
    let title = validate::text("title", &input.title, 300)?;
    let aim = validate::optional_text("aim", input.aim.as_deref(), 5_000)?;
    if !(1..=99).contains(&input.number) {
        return Err(ApiError::bad_input(
            "number",
            "`number` must be from 1 to 99",
        ));
    }
    let strategy = guard::load_for_write::<strategy::Entity>(rc, strategy_id, "strategy").await?;
    require(
        rc,
        strategy.partnership_id,
        Target::new(
            "createPriority",
            "strategy",
            strategy.id,
            strategy.partnership_id,
        ),
    )
    .await?;
    let (person, org, post) = leads(
        rc,
        strategy.partnership_id,
        &input.lead_person_id,
        &input.lead_post_id,
    )
    .await?;
    let taken = priority::Entity::find()
        .filter(priority::Column::StrategyId.eq(strategy.id))
        .filter(priority::Column::Number.eq(input.number))
        .one(&rc.db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict(format!(
            "the strategy already has a priority {}",
            input.number
        )));
    }
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = priority::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        partnership_id: Set(strategy.partnership_id),
        number: Set(input.number),
        title: Set(title),
        aim: Set(aim),
        lead_person_id: Set(person),
        lead_organisation_id: Set(org),
        lead_post_id: Set(post),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let detail = audit::changes(&Value::Null, &priority_values(&created));
    audit::allowed_with_detail(
        &txn,
        rc,
        "createPriority",
        ("priority", created.id, created.partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a priority's title, aim or leads (the partnership's administrators).
pub async fn update_priority(
    rc: &RequestContext,
    input: UpdatePriorityInput,
) -> ApiResult<priority::Model> {
    let id = ids::decode(&input.priority_id, Kind::Priority, "priorityId")?;
    let title = validate::optional_text("title", input.title.as_deref(), 300)?;
    let aim = validate::clearable("aim", input.aim.as_deref(), 5_000)?;
    let before = guard::load_for_write::<priority::Entity>(rc, id, "priority").await?;
    require(
        rc,
        before.partnership_id,
        Target::new(
            "updatePriority",
            "priority",
            before.id,
            before.partnership_id,
        ),
    )
    .await?;
    let (person, org, post) = leads(
        rc,
        before.partnership_id,
        &input.lead_person_id,
        &input.lead_post_id,
    )
    .await?;
    let mut changes = priority::ActiveModel {
        id: Set(before.id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(t) = title {
        changes.title = Set(t);
    }
    if let Some(a) = aim {
        changes.aim = Set(a);
    }
    if input.lead_person_id.is_some() {
        changes.lead_person_id = Set(person);
    }
    if input.lead_post_id.is_some() {
        changes.lead_post_id = Set(post);
    }
    if org.is_some() {
        changes.lead_organisation_id = Set(org);
    }
    let txn = begin_write(&rc.db).await?;
    let after = changes.update(&txn).await?;
    let detail = audit::changes(&priority_values(&before), &priority_values(&after));
    audit::allowed_with_detail(
        &txn,
        rc,
        "updatePriority",
        ("priority", after.id, after.partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// FORBIDDEN (audited) unless the caller administers `partnership`.
async fn require(rc: &RequestContext, partnership: Uuid, target: Target<'_>) -> ApiResult<()> {
    guard::require(
        rc,
        policy::may_in_partnership(&rc.viewer, PartnershipPermission::ManagePlans, partnership),
        target,
        "only the partnership's administrators may change its strategies",
    )
    .await
}

/// The lead person (active, visible) and post (of the same partnership), and the organisation
/// that follows from them (the post's, else the person's).
async fn leads(
    rc: &RequestContext,
    partnership: Uuid,
    person: &Option<ID>,
    post: &Option<ID>,
) -> ApiResult<(Option<Uuid>, Option<Uuid>, Option<Uuid>)> {
    let person = match person {
        Some(id) => Some(
            validate::person(
                rc,
                ids::decode(id, Kind::Person, "leadPersonId")?,
                "leadPersonId",
            )
            .await?,
        ),
        None => None,
    };
    let post = match post {
        Some(id) => {
            let post_id = ids::decode(id, Kind::Post, "leadPostId")?;
            Some(
                crate::core::access::visible::<post::Entity>(&rc.viewer)
                    .filter(post::Column::Id.eq(post_id))
                    .one(&rc.db)
                    .await?
                    .filter(|p| p.partnership_id == partnership)
                    .ok_or_else(|| {
                        ApiError::bad_input("leadPostId", "no such post in this partnership")
                    })?,
            )
        }
        None => None,
    };
    let org = post
        .as_ref()
        .map(|p| p.organisation_id)
        .or(person.as_ref().map(|p| p.organisation_id));
    Ok((person.map(|p| p.id), org, post.map(|p| p.id)))
}

fn priority_values(p: &priority::Model) -> Value {
    json!({
        "number": p.number,
        "title": p.title,
        "aim": p.aim,
        "leadPersonId": p.lead_person_id,
        "leadPostId": p.lead_post_id,
        "leadOrganisationId": p.lead_organisation_id,
    })
}
