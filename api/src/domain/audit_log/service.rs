//! Reading a partnership's audit log, as a plain function over the request context.

use crate::core::context::RequestContext;
use crate::core::error::ApiResult;
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use async_graphql::ID;
use entity::audit_log;
use sea_orm::{ColumnTrait, QueryFilter, Select};

/// The audit log of the partnership `partnership_id`: its administrators only, else FORBIDDEN,
/// and the refusal is itself audited (someone looking at who read what is worth knowing about).
pub async fn entries(
    rc: &RequestContext,
    partnership_id: &ID,
) -> ApiResult<Select<audit_log::Entity>> {
    let partnership = ids::decode(partnership_id, Kind::Partnership, "partnershipId")?;
    guard::require(
        rc,
        policy::may_in_partnership(&rc.viewer, PartnershipPermission::ReadAuditLog, partnership),
        Target::new("auditLog", "partnership", partnership, partnership),
        "only the partnership's administrators may read its audit log",
    )
    .await?;
    Ok(
        crate::core::access::visible::<audit_log::Entity>(&rc.viewer)
            .filter(audit_log::Column::PartnershipId.eq(partnership)),
    )
}
