//! Partnerships, organisations and people, and `viewer` (who am I).
//!
//! These are published in the papers, so they are visible to everyone; a person's email is shown
//! only to signed-in callers. No visibility decisions here: reads go through `access`.

pub mod service;

use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use crate::core::pagination::{connection, nested_connection, Conn, PageArgs, Sort, SortType};
use crate::domain::actions::{Action, ActionFilter, ActionOrder, RagGroupBy, RagSummary};
use crate::domain::boards::{Board, BoardMembership};
use crate::domain::indicators::Indicator;
use crate::domain::meetings::{Meeting, MeetingFilter};
use crate::domain::reviews::Review;
use crate::domain::strategies::Strategy;
use crate::domain::types::OrganisationKind;
use async_graphql::{Context, Object, ID};
use entity::{board_membership, organisation, partnership, person};

/// A Community Safety Partnership.
pub struct Partnership(pub partnership::Model);

#[Object]
impl Partnership {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Partnership, self.0.id)
    }
    /// Short stable name (`bromley`).
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn area(&self) -> Option<&str> {
        self.0.area.as_deref()
    }
    /// Organisations that serve this partnership.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Organisation>> {
        let rc = ctx.req()?;
        let select = service::organisations(rc, Some(self.0.id));
        connection(
            rc,
            select,
            organisation_sort(),
            PageArgs::new(first, after, last, before),
            Organisation,
        )
        .await
    }
    /// The partnership's boards, sub-groups and panels that the caller may see.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn boards(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Board>> {
        let args = PageArgs::new(first, after, last, before);
        crate::domain::boards::nested(ctx, entity::board::Column::PartnershipId, self.0.id, args)
            .await
    }
    /// Meetings of the partnership's boards that the caller may see, newest first.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        filter: Option<MeetingFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Meeting>> {
        let filter = MeetingFilter {
            partnership_id: None,
            ..filter.unwrap_or_default()
        };
        let args = PageArgs::new(first, after, last, before);
        let parent = entity::meeting::Column::PartnershipId;
        crate::domain::meetings::nested(ctx, filter, parent, self.0.id, args).await
    }
    /// The partnership's strategies, newest first.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Strategy>> {
        let args = PageArgs::new(first, after, last, before);
        crate::domain::strategies::nested(ctx, self.0.id, args).await
    }
    /// Performance indicators the caller may see.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Indicator>> {
        let args = PageArgs::new(first, after, last, before);
        let parent = entity::indicator::Column::PartnershipId;
        crate::domain::indicators::nested(ctx, parent, self.0.id, args).await
    }
    /// Domestic Homicide Reviews the caller may see (cleared seats only, until published).
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn domestic_homicide_reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Review>> {
        let args = PageArgs::new(first, after, last, before);
        crate::domain::reviews::nested(ctx, self.0.id, args).await
    }
    /// Counts by RAG of the partnership's actions the caller may see.
    async fn rag_summary(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        group_by: Option<RagGroupBy>,
    ) -> ApiResult<RagSummary> {
        let filter = ActionFilter {
            partnership_id: Some(self.id_gql()),
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::rag_summary(ctx, filter, group_by).await
    }
    /// Actions of this partnership the caller may see, filtered and ordered.
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
            partnership_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            entity::action::Column::PartnershipId,
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

impl Partnership {
    fn id_gql(&self) -> ID {
        ids::encode(Kind::Partnership, self.0.id)
    }
}

fn organisation_sort() -> Sort<organisation::Entity> {
    Sort::asc(
        organisation::Column::Name,
        organisation::Column::Id,
        SortType::Text,
    )
}

fn person_sort() -> Sort<person::Entity> {
    Sort::asc(person::Column::Name, person::Column::Id, SortType::Text)
}

/// An agency taking part in one or more partnerships.
pub struct Organisation(pub organisation::Model);

#[Object]
impl Organisation {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organisation, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "organisation", self.0.id).await
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }
    /// A responsible authority under the Crime and Disorder Act 1998.
    async fn responsible_authority(&self) -> bool {
        self.0.responsible_authority
    }
    /// Partnerships this organisation serves (one police BCU serves several boroughs).
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Partnership>> {
        let rc = ctx.req()?;
        let select = service::partnerships_served_by(rc, self.0.id);
        let sort = Sort::asc(
            partnership::Column::Name,
            partnership::Column::Id,
            SortType::Text,
        );
        connection(
            rc,
            select,
            sort,
            PageArgs::new(first, after, last, before),
            Partnership,
        )
        .await
    }
    /// Staff of this organisation.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Person>> {
        let rc = ctx.req()?;
        let select = access::visible::<person::Entity>(&rc.viewer);
        nested_connection(
            rc,
            select,
            person::Column::OrganisationId,
            self.0.id,
            person_sort(),
            PageArgs::new(first, after, last, before),
            Person,
        )
        .await
    }
    /// Actions this organisation leads, across every partnership it serves.
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
            lead_organisation_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            entity::action::Column::LeadOrganisationId,
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// A member of staff of an organisation.
pub struct Person(pub person::Model);

#[Object]
impl Person {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Person, self.0.id)
    }
    /// Where this record came from: the published paper it was read from and whether any of
    /// its values were invented. Null for records entered through the API.
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::domain::types::Provenance>> {
        crate::domain::types::Provenance::of(ctx, "person", self.0.id).await
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Post title ("Met Police Superintendent").
    async fn post_title(&self) -> Option<&str> {
        self.0.post_title.as_deref()
    }
    /// Initials as the minutes write them.
    async fn initials(&self) -> Option<&str> {
        self.0.initials.as_deref()
    }
    /// Whether the person still works with the partnership: a leaver is inactive, cannot sign
    /// in, and stays the author of what they wrote.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Work email: shown to signed-in callers only.
    async fn email(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        Ok(if access::sees_email(&ctx.req()?.viewer) {
            self.0.email.as_deref()
        } else {
            None
        })
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(ctx
            .req()?
            .load::<organisation::Entity>(self.0.organisation_id)
            .await?
            .map(Organisation))
    }
    /// Seats this person holds on boards the caller may see.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn seats(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<BoardMembership>> {
        let rc = ctx.req()?;
        let select = access::visible::<board_membership::Entity>(&rc.viewer);
        nested_connection(
            rc,
            select,
            board_membership::Column::PersonId,
            self.0.id,
            crate::domain::boards::membership_sort(),
            PageArgs::new(first, after, last, before),
            BoardMembership,
        )
        .await
    }
    /// Actions this person leads that the caller may see.
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
            lead_person_id: None,
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::nested(
            ctx,
            filter,
            order_by,
            entity::action::Column::LeadPersonId,
            self.0.id,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// The caller: who they are and what is theirs. (`Me` in Rust, beside `auth::Viewer`, the
/// caller's standing the access layer decides by.)
pub struct Me;

#[Object(name = "Viewer")]
impl Me {
    /// Whether the request carried a valid token.
    async fn signed_in(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(ctx.req()?.viewer.person.is_some())
    }
    /// The signed-in person; null for anonymous callers.
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx.req()?.viewer.person.clone().map(Person))
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let rc = ctx.req()?;
        rc.load_opt::<organisation::Entity>(rc.viewer.person.as_ref().map(|p| p.organisation_id))
            .await
            .map(|o| o.map(Organisation))
    }
    /// Partnerships whose partnership-level records the caller may see.
    async fn partnerships(&self, ctx: &Context<'_>) -> ApiResult<Vec<Partnership>> {
        let rows = service::my_partnerships(ctx.req()?).await?;
        Ok(rows.into_iter().map(Partnership).collect())
    }
    /// The caller's current seats.
    async fn seats(&self, ctx: &Context<'_>) -> ApiResult<Vec<BoardMembership>> {
        let rows = service::my_seats(ctx.req()?).await?;
        Ok(rows.into_iter().map(BoardMembership).collect())
    }
    /// Boards on which the caller holds restricted clearance.
    async fn cleared_boards(&self, ctx: &Context<'_>) -> ApiResult<Vec<Board>> {
        let rows = service::my_cleared_boards(ctx.req()?).await?;
        Ok(rows.into_iter().map(Board).collect())
    }
    /// Actions the caller leads.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn my_actions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        order_by: Option<ActionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Action>> {
        let rc = ctx.req()?;
        let me = rc.viewer.person_id().unwrap_or_default();
        // Led by them, or by a post they hold today.
        let filter = ActionFilter {
            led_by: Some((me, rc.viewer.posts.iter().copied().collect())),
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::list(
            ctx,
            filter,
            order_by,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
    /// Actions the caller's organisation leads, across all the partnerships it serves.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn organisation_actions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ActionFilter>,
        order_by: Option<ActionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Action>> {
        let rc = ctx.req()?;
        let org = rc
            .viewer
            .person
            .as_ref()
            .map(|p| p.organisation_id)
            .unwrap_or_default();
        let filter = ActionFilter {
            lead_organisation_id: Some(ids::encode(Kind::Organisation, org)),
            ..filter.unwrap_or_default()
        };
        crate::domain::actions::list(
            ctx,
            filter,
            order_by,
            PageArgs::new(first, after, last, before),
        )
        .await
    }
}

/// Root fields of this area.
#[derive(Default)]
pub struct PartnersQuery;

#[Object]
impl PartnersQuery {
    /// The caller.
    async fn viewer(&self) -> Me {
        Me
    }
    /// All partnerships.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Partnership>> {
        let rc = ctx.req()?;
        let sort = Sort::asc(
            partnership::Column::Name,
            partnership::Column::Id,
            SortType::Text,
        );
        connection(
            rc,
            access::visible::<partnership::Entity>(&rc.viewer),
            sort,
            PageArgs::new(first, after, last, before),
            Partnership,
        )
        .await
    }
    /// A partnership by its slug (`bromley`, `barking-dagenham`).
    async fn partnership(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Option<Partnership>> {
        Ok(service::partnership_by_slug(ctx.req()?, slug)
            .await?
            .map(Partnership))
    }
    /// Organisations, optionally only those serving one partnership.
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        partnership_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Organisation>> {
        let rc = ctx.req()?;
        let partnership = partnership_id
            .map(|p| ids::decode(&p, Kind::Partnership, "partnershipId"))
            .transpose()?;
        let select = service::organisations(rc, partnership);
        connection(
            rc,
            select,
            organisation_sort(),
            PageArgs::new(first, after, last, before),
            Organisation,
        )
        .await
    }
    /// People, optionally of one organisation or matching a name.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        organisation_id: Option<ID>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Conn<Person>> {
        let rc = ctx.req()?;
        let select = service::people(rc, organisation_id.as_ref(), search.as_deref())?;
        connection(
            rc,
            select,
            person_sort(),
            PageArgs::new(first, after, last, before),
            Person,
        )
        .await
    }
}

/// A post in an organisation that serves a partnership ("Head of Safer Communities"), held by
/// people over dated periods. Delivery plans name posts as often as people.
pub struct Post(pub entity::post::Model);

#[Object]
impl Post {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Post, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(ctx
            .req()?
            .load::<organisation::Entity>(self.0.organisation_id)
            .await?
            .map(Organisation))
    }
    async fn partnership(&self, ctx: &Context<'_>) -> ApiResult<Option<Partnership>> {
        Ok(ctx
            .req()?
            .load::<partnership::Entity>(self.0.partnership_id)
            .await?
            .map(Partnership))
    }
    /// Who holds it today; null when it is vacant.
    async fn holder(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        let rc = ctx.req()?;
        let held = service::current_holder(rc, self.0.id).await?;
        Ok(held.map(Person))
    }
    /// Nobody holds it today.
    async fn vacant(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(service::current_holder(ctx.req()?, self.0.id)
            .await?
            .is_none())
    }
    /// Who held it, from when to when, earliest first.
    async fn holders(&self, ctx: &Context<'_>) -> ApiResult<Vec<PostHolding>> {
        Ok(service::holdings(ctx.req()?, self.0.id)
            .await?
            .into_iter()
            .map(PostHolding)
            .collect())
    }
}

/// One person's time in a post.
pub struct PostHolding(pub entity::post_holder::Model);

#[Object]
impl PostHolding {
    async fn person(&self, ctx: &Context<'_>) -> ApiResult<Option<Person>> {
        Ok(ctx
            .req()?
            .load::<person::Entity>(self.0.person_id)
            .await?
            .map(Person))
    }
    async fn starts_on(&self) -> Option<chrono::NaiveDate> {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<chrono::NaiveDate> {
        self.0.ends_on
    }
}
