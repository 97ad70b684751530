//! Performance indicators and their readings.
//! No visibility decisions here: reads go through `access`.

pub mod service;

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::boards::Board;
use crate::domain::partners::Partnership;
use crate::domain::types::{Polarity, Rag, SecurityMarking, Visibility};
use async_graphql::{Context, Object, ID};
use chrono::NaiveDate;
use entity::{board, indicator, indicator_reading, partnership};
use sea_orm::{ColumnTrait, QueryFilter};
pub use service::{rag_for, RecordIndicatorReadingInput, AMBER_MARGIN};

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
    /// Bumped by every change: send it back as `expectedVersion` so that a change made meanwhile
    /// by someone else is a CONFLICT rather than silently overwritten.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Indicator, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "indicator", self.0.id).await
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
    /// Its targets over time, earliest first: each applies from its date until the next.
    async fn target_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<IndicatorTarget>> {
        Ok(service::targets(ctx.req()?, self.0.id)
            .await?
            .into_iter()
            .map(IndicatorTarget)
            .collect())
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
        let select = access::visible::<indicator_reading::Entity>(&rc.viewer);
        let sort = Sort::desc(
            indicator_reading::Column::PeriodEnd,
            indicator_reading::Column::Id,
            SortType::Date,
        );
        nested_connection(
            rc,
            select,
            indicator_reading::Column::IndicatorId,
            self.0.id,
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

/// The indicators under a parent (`parent` is the indicator's column naming it: its board or
/// partnership), batched with the same field's pages under the request's other parents.
pub async fn nested(
    ctx: &Context<'_>,
    parent: indicator::Column,
    parent_id: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Indicator>> {
    let rc = ctx.req()?;
    let select = access::visible::<indicator::Entity>(&rc.viewer);
    nested_connection(
        rc,
        select,
        parent,
        parent_id,
        indicator_sort(),
        args,
        Indicator,
    )
    .await
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

/// Mutations of this area.
#[derive(Default)]
pub struct IndicatorsMutation;

#[Object]
impl IndicatorsMutation {
    /// Records a reading (officers of the indicator's board). Its RAG is computed from the
    /// indicator's polarity and target or tolerance range, and its change from `previousValue`.
    /// Creates a performance indicator of a board with its first target (the partnership's
    /// administrators).
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        input: service::CreateIndicatorInput,
    ) -> ApiResult<Indicator> {
        service::create_indicator(ctx.req()?, input)
            .await
            .map(Indicator)
    }

    /// Sets a new target or tolerance range from a date; readings of earlier periods keep the
    /// target, and the RAG, they had (administrators, or officers of the indicator's board).
    async fn change_indicator_target(
        &self,
        ctx: &Context<'_>,
        input: service::ChangeIndicatorTargetInput,
    ) -> ApiResult<Indicator> {
        service::change_target(ctx.req()?, input)
            .await
            .map(Indicator)
    }

    async fn record_indicator_reading(
        &self,
        ctx: &Context<'_>,
        input: RecordIndicatorReadingInput,
    ) -> ApiResult<IndicatorReading> {
        service::record_reading(ctx.req()?, input)
            .await
            .map(IndicatorReading)
    }
}

/// An indicator's target or tolerance range from a date.
pub struct IndicatorTarget(pub entity::indicator_target::Model);

#[Object]
impl IndicatorTarget {
    async fn target_low(&self) -> Option<f64> {
        self.0.target_low
    }
    async fn target_high(&self) -> Option<f64> {
        self.0.target_high
    }
    async fn effective_from(&self) -> chrono::NaiveDate {
        self.0.effective_from
    }
}
