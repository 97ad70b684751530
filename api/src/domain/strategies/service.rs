//! The strategy list as a plain function over the request context, read through `access`.

pub mod writes;

use crate::core::access;
use crate::core::context::RequestContext;
use entity::strategy;
use sea_orm::{ColumnTrait, QueryFilter, Select};
use uuid::Uuid;

/// The visible strategies, only those of `partnership` when given.
pub fn strategies(rc: &RequestContext, partnership: Option<Uuid>) -> Select<strategy::Entity> {
    let select = access::visible::<strategy::Entity>(&rc.viewer);
    match partnership {
        Some(p) => select.filter(strategy::Column::PartnershipId.eq(p)),
        None => select,
    }
}
