//! Recording indicator readings, as a plain function over the request context, and the RAG rule
//! a reading's colour comes from.

use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, BoardPermission};
use async_graphql::{InputObject, ID};
use chrono::NaiveDate;
use entity::{indicator, indicator_reading};
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
        rag: Set(rag_for(
            indicator.polarity,
            indicator.target_low,
            indicator.target_high,
            input.value,
        )),
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
