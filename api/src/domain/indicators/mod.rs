//! Performance indicators and their readings.
//! No visibility decisions here: reads go through `access`.

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, Conn, PageArgs, Sort, SortType};
use crate::domain::boards::Board;
use crate::domain::partners::Partnership;
use crate::domain::types::{Polarity, Rag, SecurityMarking, Visibility};
use async_graphql::{Context, Object, ID};
use chrono::NaiveDate;
use entity::{board, indicator, indicator_reading, partnership};
use sea_orm::{ColumnTrait, QueryFilter};

pub(crate) fn indicator_sort() -> Sort<indicator::Entity> {
    Sort::asc(
        indicator::Column::Name,
        indicator::Column::Id,
        SortType::Text,
    )
}

/// A performance indicator.
pub struct Indicator(pub indicator::Model);

#[Object]
impl Indicator {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Indicator, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// "count", "percent", "rate", ...
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    async fn polarity(&self) -> Polarity {
        self.0.polarity.into()
    }
    /// Target, or the bottom of a tolerance range.
    async fn target_low(&self) -> Option<f64> {
        self.0.target_low
    }
    /// Top of a tolerance range (MARAC repeat referrals: 28–40%).
    async fn target_high(&self) -> Option<f64> {
        self.0.target_high
    }
    async fn visibility(&self) -> Visibility {
        self.0.visibility.into()
    }
    async fn classification(&self) -> SecurityMarking {
        self.0.visibility.into()
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    async fn board(&self, ctx: &Context<'_>) -> ApiResult<Option<Board>> {
        Ok(ctx
            .req()?
            .load_opt::<board::Entity>(self.0.board_id)
            .await?
            .map(Board))
    }
    /// Readings, most recent period first.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn readings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<IndicatorReading>> {
        let rc = ctx.req()?;
        let select = access::visible::<indicator_reading::Entity>(&rc.viewer)
            .filter(indicator_reading::Column::IndicatorId.eq(self.0.id));
        let sort = Sort::desc(
            indicator_reading::Column::PeriodEnd,
            indicator_reading::Column::Id,
            SortType::Date,
        );
        connection(
            rc,
            select,
            sort,
            PageArgs::new(first, after, last, before),
            IndicatorReading,
        )
        .await
    }
}

/// One reading of an indicator.
pub struct IndicatorReading(pub indicator_reading::Model);

#[Object]
impl IndicatorReading {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::IndicatorReading, self.0.id)
    }
    /// The period as reported ("2017/18 YTD to July").
    async fn period(&self) -> &str {
        &self.0.period
    }
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    async fn value(&self) -> Option<f64> {
        self.0.value
    }
    async fn previous_value(&self) -> Option<f64> {
        self.0.previous_value
    }
    /// Change against the previous value, in percent.
    async fn change(&self) -> Option<f64> {
        self.0.change
    }
    /// Comparator area ("London").
    async fn comparator_name(&self) -> Option<&str> {
        self.0.comparator_name.as_deref()
    }
    async fn comparator_value(&self) -> Option<f64> {
        self.0.comparator_value
    }
    async fn rag(&self) -> Option<Rag> {
        self.0.rag.map(Into::into)
    }
    async fn commentary(&self) -> Option<&str> {
        self.0.commentary.as_deref()
    }
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Option<Indicator>> {
        Ok(ctx
            .req()?
            .load::<indicator::Entity>(self.0.indicator_id)
            .await?
            .map(Indicator))
    }
}

/// Indicators the caller may see, optionally of one partnership or board.
pub async fn list(
    ctx: &Context<'_>,
    partnership: Option<uuid::Uuid>,
    board: Option<uuid::Uuid>,
    args: PageArgs,
) -> ApiResult<Conn<Indicator>> {
    let rc = ctx.req()?;
    let mut select = access::visible::<indicator::Entity>(&rc.viewer);
    if let Some(p) = partnership {
        select = select.filter(indicator::Column::PartnershipId.eq(p));
    }
    if let Some(b) = board {
        select = select.filter(indicator::Column::BoardId.eq(b));
    }
    connection(rc, select, indicator_sort(), args, Indicator).await
}

/// Root fields of this area.
#[derive(Default)]
pub struct IndicatorsQuery;

#[Object]
impl IndicatorsQuery {
    /// Indicators the caller may see, optionally of one partnership or board.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        partnership_id: Option<ID>,
        board_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Indicator>> {
        let partnership = partnership_id
            .map(|p| ids::decode(&p, Kind::Partnership, "partnershipId"))
            .transpose()?;
        let board = board_id
            .map(|b| ids::decode(&b, Kind::Board, "boardId"))
            .transpose()?;
        list(
            ctx,
            partnership,
            board,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
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

/// A new reading of an indicator.
#[derive(async_graphql::InputObject)]
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

/// Mutations of this area.
#[derive(Default)]
pub struct IndicatorsMutation;

#[Object]
impl IndicatorsMutation {
    /// Records a reading (officers of the indicator's board). Its RAG is computed from the
    /// indicator's polarity and target or tolerance range, and its change from `previousValue`.
    async fn record_indicator_reading(
        &self,
        ctx: &Context<'_>,
        input: RecordIndicatorReadingInput,
    ) -> ApiResult<IndicatorReading> {
        use crate::core::error::ApiError;
        use sea_orm::{ActiveModelTrait, Set};
        let rc = ctx.req()?;
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
        let indicator = access::visible::<indicator::Entity>(&rc.viewer)
            .filter(indicator::Column::Id.eq(id))
            .one(&rc.db)
            .await?
            .ok_or(ApiError::NotFound("indicator"))?;
        let allowed = indicator.board_id.is_some_and(|b| {
            crate::core::policy::may_on_board(
                &rc.viewer,
                crate::core::policy::BoardPermission::RecordReadings,
                b,
            )
        });
        if !allowed {
            return Err(crate::core::audit::refuse(
                rc,
                "recordIndicatorReading",
                "indicator",
                indicator.id,
                indicator.partnership_id,
                "only officers of the indicator's board may record readings",
            )
            .await);
        }
        let change = input
            .previous_value
            .filter(|p| *p != 0.0)
            .map(|p| ((input.value - p) / p * 1000.0).round() / 10.0);
        let txn = crate::core::db::begin_write(&rc.db).await?;
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
        Ok(IndicatorReading(reading))
    }
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
