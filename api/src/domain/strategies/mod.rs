//! Strategies and their numbered priorities: the frame of the delivery plan.
//! No visibility decisions here: reads go through `access`.

pub mod service;

use service::writes;

use crate::child_relation;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder};
use crate::domain::partners::{Organisation, Partnership, Person};
use async_graphql::{Context, Object, ID};
use chrono::NaiveDate;
use entity::{organisation, partnership, person, priority, strategy};

child_relation!(
    /// Priorities of a strategy, by number.
    PrioritiesOfStrategy: priority by StrategyId order Number
);

/// A multi-year partnership strategy.
pub struct Strategy(pub strategy::Model);

#[Object]
impl Strategy {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Strategy, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "strategy", self.0.id).await
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// The delivery plan as a document: each priority's actions with lead, due date, progress,
    /// RAG and latest update, from the actions the caller may see (at most 500).
    #[graphql(complexity = "crate::core::report::REPORT_COST")]
    async fn delivery_plan_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: crate::core::report::DocumentFormat,
    ) -> ApiResult<String> {
        let rc = ctx.req()?;
        Ok(crate::domain::actions::report::delivery_plan(rc, &self.0)
            .await?
            .render(format))
    }
    /// The numbered priorities.
    async fn priorities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Priority>> {
        Ok(ctx
            .req()?
            .children::<PrioritiesOfStrategy>(self.0.id)
            .await?
            .into_iter()
            .map(Priority)
            .collect())
    }
}

/// A numbered priority of a strategy.
pub struct Priority(pub priority::Model);

#[Object]
impl Priority {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Priority, self.0.id)
    }
    async fn number(&self) -> i32 {
        self.0.number
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn aim(&self) -> Option<&str> {
        self.0.aim.as_deref()
    }
    async fn strategy(&self, ctx: &Context<'_>) -> ApiResult<Option<Strategy>> {
        Ok(ctx
            .req()?
            .load::<strategy::Entity>(self.0.strategy_id)
            .await?
            .map(Strategy))
    }
    async fn lead_person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load_opt::<person::Entity>(self.0.lead_person_id)
            .await?
            .map(Person))
    }
    /// The post that leads it, if any; its current holder acts as lead.
    async fn lead_post(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::partners::Post>> {
        Ok(ctx
            .req()?
            .load_opt::<entity::post::Entity>(self.0.lead_post_id)
            .await?
            .map(crate::domain::partners::Post))
    }
    async fn lead_organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(ctx
            .req()?
            .load_opt::<organisation::Entity>(self.0.lead_organisation_id)
            .await?
            .map(Organisation))
    }
    /// The delivery-plan actions under this priority.
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
            priority_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            entity::action::Column::PriorityId,
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// Strategies the caller may see, newest first, optionally of one partnership.
pub async fn list(
    ctx: &Context<'_>,
    partnership: Option<uuid::Uuid>,
    args: PageArgs,
) -> ApiResult<Conn<Strategy>> {
    let rc = ctx.req()?;
    let select = service::strategies(rc, partnership);
    connection(rc, select, strategy_sort(), args, Strategy).await
}

/// A partnership's strategies, newest first, batched with the same field's pages under the
/// request's other partnerships.
pub async fn nested(
    ctx: &Context<'_>,
    partnership: uuid::Uuid,
    args: PageArgs,
) -> ApiResult<Conn<Strategy>> {
    let rc = ctx.req()?;
    let select = service::strategies(rc, None);
    let parent = strategy::Column::PartnershipId;
    nested_connection(
        rc,
        select,
        parent,
        partnership,
        strategy_sort(),
        args,
        Strategy,
    )
    .await
}

fn strategy_sort() -> Sort<strategy::Entity> {
    Sort::desc(
        strategy::Column::PeriodStart,
        strategy::Column::Id,
        SortType::Date,
    )
}

/// Root fields of this area.
#[derive(Default)]
pub struct StrategiesQuery;

#[Object]
impl StrategiesQuery {
    /// Strategies, newest first, optionally of one partnership.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        partnership_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Strategy>> {
        let partnership = partnership_id
            .map(|p| ids::decode(&p, Kind::Partnership, "partnershipId"))
            .transpose()?;
        list(ctx, partnership, PageArgs::new(first, after, last, before)).await
    }
}

/// Mutations of this area: each resolver is one call to [`service::writes`].
#[derive(Default)]
pub struct StrategiesMutation;

#[Object]
impl StrategiesMutation {
    /// Creates a strategy with its period (the partnership's administrators).
    async fn create_strategy(
        &self,
        ctx: &Context<'_>,
        input: writes::CreateStrategyInput,
    ) -> ApiResult<Strategy> {
        writes::create_strategy(ctx.req()?, input)
            .await
            .map(Strategy)
    }

    /// Adds a numbered priority to a strategy, led by a person, a post, or both (the
    /// partnership's administrators).
    async fn create_priority(
        &self,
        ctx: &Context<'_>,
        input: writes::CreatePriorityInput,
    ) -> ApiResult<Priority> {
        writes::create_priority(ctx.req()?, input)
            .await
            .map(Priority)
    }

    /// Changes a priority's title, aim or leads (the partnership's administrators).
    async fn update_priority(
        &self,
        ctx: &Context<'_>,
        input: writes::UpdatePriorityInput,
    ) -> ApiResult<Priority> {
        writes::update_priority(ctx.req()?, input)
            .await
            .map(Priority)
    }
}
