//! The queries of partnerships, organisations and people that do more than load by id, and the
//! caller's own partnerships, seats and cleared boards, as plain functions over the request
//! context. Everything is read through `access`.

use crate::core::access;
use crate::core::context::RequestContext;
use crate::core::error::ApiResult;
use crate::core::ids::{self, Kind};
use async_graphql::ID;
use entity::{
    board, board_membership, organisation, organisation_partnership, partnership, person,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};
use uuid::Uuid;

/// The organisations serving `partnership`, as a subquery of their ids.
fn members_of(partnership: Uuid) -> sea_orm::sea_query::SelectStatement {
    use organisation_partnership::Column as C;
    organisation_partnership::Entity::find()
        .select_only()
        .column(C::OrganisationId)
        .filter(C::PartnershipId.eq(partnership))
        .into_query()
}

/// The partnerships `organisation` serves, as a subquery of their ids.
fn served_by(organisation: Uuid) -> sea_orm::sea_query::SelectStatement {
    use organisation_partnership::Column as C;
    organisation_partnership::Entity::find()
        .select_only()
        .column(C::PartnershipId)
        .filter(C::OrganisationId.eq(organisation))
        .into_query()
}

/// The visible organisations, only those serving `partnership` when given.
pub fn organisations(
    rc: &RequestContext,
    partnership: Option<Uuid>,
) -> Select<organisation::Entity> {
    let select = access::visible::<organisation::Entity>(&rc.viewer);
    match partnership {
        Some(p) => select.filter(organisation::Column::Id.in_subquery(members_of(p))),
        None => select,
    }
}

/// The visible partnerships `organisation` serves.
pub fn partnerships_served_by(
    rc: &RequestContext,
    organisation: Uuid,
) -> Select<partnership::Entity> {
    access::visible::<partnership::Entity>(&rc.viewer)
        .filter(partnership::Column::Id.in_subquery(served_by(organisation)))
}

/// The visible people, optionally of one organisation (`organisationId`) or whose name contains
/// `search`.
pub fn people(
    rc: &RequestContext,
    organisation_id: Option<&ID>,
    search: Option<&str>,
) -> ApiResult<Select<person::Entity>> {
    let mut select = access::visible::<person::Entity>(&rc.viewer);
    if let Some(o) = organisation_id {
        select = select.filter(person::Column::OrganisationId.eq(ids::decode(
            o,
            Kind::Organisation,
            "organisationId",
        )?));
    }
    if let Some(q) = search {
        select = select.filter(crate::core::search::contains(
            person::Column::Name,
            q,
            "search",
        )?);
    }
    Ok(select)
}

/// A visible partnership by its slug.
pub async fn partnership_by_slug(
    rc: &RequestContext,
    slug: String,
) -> ApiResult<Option<partnership::Model>> {
    Ok(access::visible::<partnership::Entity>(&rc.viewer)
        .filter(partnership::Column::Slug.eq(slug))
        .one(&rc.db)
        .await?)
}

/// Partnerships whose partnership-level records the caller may see.
pub async fn my_partnerships(rc: &RequestContext) -> ApiResult<Vec<partnership::Model>> {
    Ok(access::visible::<partnership::Entity>(&rc.viewer)
        .filter(partnership::Column::Id.is_in(rc.viewer.partnerships.iter().copied()))
        .all(&rc.db)
        .await?)
}

/// The caller's current seats; none for an anonymous caller.
pub async fn my_seats(rc: &RequestContext) -> ApiResult<Vec<board_membership::Model>> {
    let Some(me) = rc.viewer.person_id() else {
        return Ok(Vec::new());
    };
    Ok(access::visible::<board_membership::Entity>(&rc.viewer)
        .filter(board_membership::Column::PersonId.eq(me))
        .filter(board_membership::Column::BoardId.is_in(rc.viewer.seats.iter().copied()))
        .all(&rc.db)
        .await?)
}

/// Boards on which the caller holds restricted clearance.
pub async fn my_cleared_boards(rc: &RequestContext) -> ApiResult<Vec<board::Model>> {
    Ok(access::visible::<board::Entity>(&rc.viewer)
        .filter(board::Column::Id.is_in(rc.viewer.cleared_boards.iter().copied()))
        .all(&rc.db)
        .await?)
}

crate::child_relation!(
    /// The holdings of a post, through the request's batching loader: a page of actions with
    /// their lead posts' holders costs one statement, not one per post (and `holder` beside
    /// `vacant` reads it once).
    HoldersOfPost: post_holder by PostId order StartsOn
);

/// A post's holdings, earliest first.
pub async fn holdings(
    rc: &RequestContext,
    post: Uuid,
) -> ApiResult<Vec<entity::post_holder::Model>> {
    rc.children::<HoldersOfPost>(post).await
}

/// Who holds a post today, if anyone (an active person whose holding covers today).
pub async fn current_holder(rc: &RequestContext, post: Uuid) -> ApiResult<Option<person::Model>> {
    let today = chrono::Utc::now().date_naive();
    let current = holdings(rc, post)
        .await?
        .into_iter()
        .find(|h| h.starts_on.is_none_or(|s| s <= today) && h.ends_on.is_none_or(|e| e >= today));
    match current {
        Some(h) => Ok(rc
            .load::<person::Entity>(h.person_id)
            .await?
            .filter(|p| p.active)),
        None => Ok(None),
    }
}
