//! Reading a partnership's audit log, as a plain function over the request context.

use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use async_graphql::ID;
use entity::audit_log;
use sea_orm::{ColumnTrait, QueryFilter, Select};

/// The audit log of the partnership `partnership_id` (its administrators only, else FORBIDDEN).
pub fn entries(rc: &RequestContext, partnership_id: &ID) -> ApiResult<Select<audit_log::Entity>> {
    let partnership = ids::decode(partnership_id, Kind::Partnership, "partnershipId")?;
    // A plain FORBIDDEN without an audit row, as before: `guard::require` audits refused
    // changes, and this is a read.
    if !policy::may_in_partnership(&rc.viewer, PartnershipPermission::ReadAuditLog, partnership) {
        return Err(ApiError::Forbidden(
            "only the partnership's administrators may read its audit log".into(),
        ));
    }
    Ok(
        crate::core::access::visible::<audit_log::Entity>(&rc.viewer)
            .filter(audit_log::Column::PartnershipId.eq(partnership)),
    )
}
