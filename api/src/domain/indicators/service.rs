//! Recording indicator readings, as a plain function over the request context, and the RAG rule
//! a reading's colour comes from.

use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, BoardPermission, PartnershipPermission};
use async_graphql::{InputObject, ID};
use chrono::NaiveDate;
use entity::{indicator, indicator_reading, indicator_target};
use sea_orm::{ActiveModelTrait, Set};

/// A new reading of an indicator.
#[derive(InputObject)]
pub struct RecordIndicatorReadingInput {
    pub indicator_id: ID,
    /// The period as reported ("2017/18 YTD to July").
    pub period: String,
    pub period_end: NaiveDate,
    pub value: f64,
    /// Same period last year; the change is computed from it.
    pub previous_value: Option<f64>,
    pub comparator_name: Option<String>,
    pub comparator_value: Option<f64>,
    pub commentary: Option<String>,
}

/// How far outside a target or tolerance range (as a share of the bound) is still AMBER.
pub const AMBER_MARGIN: f64 = 0.10;

/// The RAG of a reading, from the indicator's polarity and target or tolerance range; never typed
/// in. A range (both bounds) is a tolerance: inside is GREEN whatever the polarity. A single
/// target is met according to the polarity. MONITOR_ONLY indicators and indicators without a
/// target get no RAG ("a rise in reporting is not bad").
pub fn rag_for(
    polarity: entity::enums::Polarity,
    low: Option<f64>,
    high: Option<f64>,
    value: f64,
) -> Option<entity::enums::Rag> {
    use entity::enums::{Polarity as P, Rag as R};
    let near = |bound: f64| (value - bound).abs() <= bound.abs() * AMBER_MARGIN;
    match (polarity, low, high) {
        (P::MonitorOnly, _, _) | (_, None, None) => None,
        (_, Some(lo), Some(hi)) => Some(if value >= lo && value <= hi {
            R::Green
        } else if near(if value < lo { lo } else { hi }) {
            R::Amber
        } else {
            R::Red
        }),
        (P::HigherIsBetter, Some(t), None) | (P::HigherIsBetter, None, Some(t)) => {
            Some(if value >= t {
                R::Green
            } else if near(t) {
                R::Amber
            } else {
                R::Red
            })
        }
        (P::LowerIsBetter, Some(t), None) | (P::LowerIsBetter, None, Some(t)) => {
            Some(if value <= t {
                R::Green
            } else if near(t) {
                R::Amber
            } else {
                R::Red
            })
        }
    }
}

/// Records a reading of a visible indicator (officers of its board), its RAG computed by
/// [`rag_for`] and its change from `previousValue`.
pub async fn record_reading(
    rc: &RequestContext,
    input: RecordIndicatorReadingInput,
) -> ApiResult<indicator_reading::Model> {
    let id = ids::decode(&input.indicator_id, Kind::Indicator, "indicatorId")?;
    let period = crate::core::validate::text("period", &input.period, 100)?;
    for (field, v) in [
        ("value", Some(input.value)),
        ("previousValue", input.previous_value),
        ("comparatorValue", input.comparator_value),
    ] {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(ApiError::bad_input(
                field,
                format!("`{field}` must be a finite number"),
            ));
        }
    }
    let indicator = guard::load_for_write::<indicator::Entity>(rc, id, "indicator").await?;
    let allowed = indicator
        .board_id
        .is_some_and(|b| policy::may_on_board(&rc.viewer, BoardPermission::RecordReadings, b));
    guard::require(
        rc,
        allowed,
        Target::new(
            "recordIndicatorReading",
            "indicator",
            indicator.id,
            indicator.partnership_id,
        ),
        "only officers of the indicator's board may record readings",
    )
    .await?;
    let change = input
        .previous_value
        .filter(|p| *p != 0.0)
        .map(|p| ((input.value - p) / p * 1000.0).round() / 10.0);
    // Judged against the target of the reading's own period, not today's.
    let target = target_on(rc, &indicator, input.period_end).await?;
    let txn = begin_write(&rc.db).await?;
    let now = chrono::Utc::now();
    let reading = indicator_reading::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        indicator_id: Set(indicator.id),
        period: Set(period),
        period_end: Set(input.period_end),
        value: Set(Some(input.value)),
        previous_value: Set(input.previous_value),
        change: Set(change),
        comparator_name: Set(input
            .comparator_name
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())),
        comparator_value: Set(input.comparator_value),
        rag: Set(rag_for(indicator.polarity, target.0, target.1, input.value)),
        commentary: Set(input
            .commentary
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::core::audit::allowed(
        &txn,
        rc,
        "recordIndicatorReading",
        "indicator_reading",
        reading.id,
        indicator.partnership_id,
    )
    .await?;
    txn.commit().await?;
    Ok(reading)
}

/// The target or tolerance range in force on `day`: the latest that took effect on or before it,
/// else the indicator's own (for indicators whose history starts later).
async fn target_on(
    rc: &RequestContext,
    indicator: &indicator::Model,
    day: NaiveDate,
) -> ApiResult<(Option<f64>, Option<f64>)> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let row = indicator_target::Entity::find()
        .filter(indicator_target::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_target::Column::EffectiveFrom.lte(day))
        .order_by_desc(indicator_target::Column::EffectiveFrom)
        .order_by_desc(indicator_target::Column::CreatedAt)
        .one(&rc.db)
        .await?;
    Ok(match row {
        Some(t) => (t.target_low, t.target_high),
        None => (indicator.target_low, indicator.target_high),
    })
}

/// A new performance indicator.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    pub partnership_id: ID,
    /// The board that reviews it (same partnership); its officers record readings.
    pub board_id: ID,
    pub name: String,
    /// "percent", "count", "rate per 1,000"...
    pub unit: String,
    pub polarity: crate::domain::types::Polarity,
    /// A single target (one bound) or a tolerance range (both); none for monitor-only.
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    /// From when the target applies (today when left out).
    pub effective_from: Option<NaiveDate>,
    #[graphql(default_with = "crate::domain::types::Visibility::Partnership")]
    pub visibility: crate::domain::types::Visibility,
}

/// A new target or tolerance range for an indicator, from a date.
#[derive(InputObject)]
pub struct ChangeIndicatorTargetInput {
    pub indicator_id: ID,
    /// The `version` you last saw; if someone changed it since, CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    /// From when it applies; readings of earlier periods keep the target they had.
    pub effective_from: NaiveDate,
}

fn check_target(low: Option<f64>, high: Option<f64>) -> ApiResult<()> {
    for (field, v) in [("targetLow", low), ("targetHigh", high)] {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(ApiError::bad_input(
                field,
                format!("`{field}` must be a finite number"),
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (low, high) {
        if hi < lo {
            return Err(ApiError::bad_input(
                "targetHigh",
                "the range's top is below its bottom",
            ));
        }
    }
    Ok(())
}

/// Creates an indicator with its first target (the partnership's administrators).
pub async fn create_indicator(
    rc: &RequestContext,
    input: CreateIndicatorInput,
) -> ApiResult<indicator::Model> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let name = crate::core::validate::text("name", &input.name, 300)?;
    let unit = crate::core::validate::text("unit", &input.unit, 50)?;
    check_target(input.target_low, input.target_high)?;
    let board = guard::load_for_write::<entity::board::Entity>(rc, board_id, "board").await?;
    if board.partnership_id != partnership_id {
        return Err(ApiError::bad_input(
            "boardId",
            "the board belongs to another partnership",
        ));
    }
    guard::require(
        rc,
        policy::may_in_partnership(
            &rc.viewer,
            PartnershipPermission::ManagePlans,
            partnership_id,
        ),
        Target::new(
            "createIndicator",
            "partnership",
            partnership_id,
            partnership_id,
        ),
        "only the partnership's administrators may create indicators",
    )
    .await?;
    let now = chrono::Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = indicator::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(partnership_id),
        board_id: Set(Some(board.id)),
        name: Set(name),
        unit: Set(unit),
        polarity: Set(input.polarity.into()),
        target_low: Set(input.target_low),
        target_high: Set(input.target_high),
        visibility: Set(input.visibility.into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let from = input.effective_from.unwrap_or_else(|| now.date_naive());
    insert_target(
        &txn,
        rc,
        created.id,
        input.target_low,
        input.target_high,
        from,
    )
    .await?;
    let detail = crate::core::audit::changes(
        &serde_json::Value::Null,
        &serde_json::json!({ "name": created.name, "unit": created.unit, "targetLow": created.target_low, "targetHigh": created.target_high, "effectiveFrom": from }),
    );
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "createIndicator",
        ("indicator", created.id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Sets a new target from a date, keeping the old one for earlier periods (the partnership's
/// administrators, or officers of the indicator's board).
pub async fn change_target(
    rc: &RequestContext,
    input: ChangeIndicatorTargetInput,
) -> ApiResult<indicator::Model> {
    let id = ids::decode(&input.indicator_id, Kind::Indicator, "indicatorId")?;
    check_target(input.target_low, input.target_high)?;
    let before = guard::load_for_write::<indicator::Entity>(rc, id, "indicator").await?;
    let allowed = policy::may_in_partnership(
        &rc.viewer,
        PartnershipPermission::ManagePlans,
        before.partnership_id,
    ) || before
        .board_id
        .is_some_and(|b| policy::may_on_board(&rc.viewer, BoardPermission::RecordReadings, b));
    guard::require(
        rc,
        allowed,
        Target::new(
            "changeIndicatorTarget",
            "indicator",
            before.id,
            before.partnership_id,
        ),
        "only the partnership's administrators or the board's officers may change a target",
    )
    .await?;
    crate::core::versioned::check(input.expected_version, before.version, "indicator")?;
    let txn = begin_write(&rc.db).await?;
    crate::core::versioned::bump::<indicator::Entity, _>(
        &txn,
        indicator::Column::Id,
        indicator::Column::Version,
        before.id,
        before.version,
        "indicator",
    )
    .await?;
    insert_target(
        &txn,
        rc,
        before.id,
        input.target_low,
        input.target_high,
        input.effective_from,
    )
    .await?;
    // The indicator shows the target in force today.
    let today = chrono::Utc::now().date_naive();
    let after = if input.effective_from <= today {
        indicator::ActiveModel {
            id: Set(before.id),
            target_low: Set(input.target_low),
            target_high: Set(input.target_high),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await?
    } else {
        use sea_orm::EntityTrait;
        indicator::Entity::find_by_id(before.id)
            .one(&txn)
            .await?
            .ok_or(ApiError::NotFound("indicator"))?
    };
    let detail = crate::core::audit::changes(
        &serde_json::json!({ "targetLow": before.target_low, "targetHigh": before.target_high }),
        &serde_json::json!({ "targetLow": input.target_low, "targetHigh": input.target_high, "effectiveFrom": input.effective_from }),
    );
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "changeIndicatorTarget",
        ("indicator", before.id, before.partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

async fn insert_target(
    txn: &sea_orm::DatabaseTransaction,
    rc: &RequestContext,
    indicator: uuid::Uuid,
    low: Option<f64>,
    high: Option<f64>,
    from: NaiveDate,
) -> ApiResult<()> {
    let now = chrono::Utc::now();
    indicator_target::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        indicator_id: Set(indicator),
        target_low: Set(low),
        target_high: Set(high),
        effective_from: Set(from),
        set_by_id: Set(rc.viewer.person_id()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// An indicator's targets, earliest first.
pub async fn targets(
    rc: &RequestContext,
    indicator: uuid::Uuid,
) -> ApiResult<Vec<indicator_target::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(
        crate::core::access::visible::<indicator_target::Entity>(&rc.viewer)
            .filter(indicator_target::Column::IndicatorId.eq(indicator))
            .order_by_asc(indicator_target::Column::EffectiveFrom)
            .order_by_asc(indicator_target::Column::CreatedAt)
            .all(&rc.db)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::rag_for;
    use entity::enums::{Polarity as P, Rag as R};

    #[test]
    fn tolerance_range_marac_repeat_rate() {
        assert_eq!(
            rag_for(P::HigherIsBetter, Some(28.0), Some(40.0), 33.0),
            Some(R::Green)
        );
        assert_eq!(
            rag_for(P::HigherIsBetter, Some(28.0), Some(40.0), 26.0),
            Some(R::Amber)
        );
        assert_eq!(
            rag_for(P::HigherIsBetter, Some(28.0), Some(40.0), 20.0),
            Some(R::Red)
        );
        assert_eq!(
            rag_for(P::HigherIsBetter, Some(28.0), Some(40.0), 43.0),
            Some(R::Amber)
        );
    }

    #[test]
    fn single_targets_follow_polarity_and_monitor_only_has_no_rag() {
        assert_eq!(
            rag_for(P::LowerIsBetter, Some(100.0), None, 95.0),
            Some(R::Green)
        );
        assert_eq!(
            rag_for(P::LowerIsBetter, Some(100.0), None, 108.0),
            Some(R::Amber)
        );
        assert_eq!(
            rag_for(P::LowerIsBetter, Some(100.0), None, 130.0),
            Some(R::Red)
        );
        assert_eq!(
            rag_for(P::HigherIsBetter, None, Some(50.0), 40.0),
            Some(R::Red)
        );
        assert_eq!(rag_for(P::MonitorOnly, Some(1.0), Some(2.0), 5.0), None);
        assert_eq!(rag_for(P::LowerIsBetter, None, None, 5.0), None);
    }
}
