//! The two steps every change starts with, written once: load the record through the access
//! layer ([`load_for_write`]: one the caller cannot see is NOT_FOUND, word for word as a missing
//! one) and check the policy ([`require`]: a "no" is FORBIDDEN and is audited as denied).

use crate::core::access::{self, Scoped};
use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ApiResult};
use sea_orm::{ColumnTrait, QueryFilter};
use uuid::Uuid;

/// The record an operation is about, for its audit row.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The mutation's name, as the audit log shows it.
    pub operation: &'a str,
    /// The audited record's type (`board`, `action`, `board_membership`, …).
    pub entity_type: &'a str,
    pub id: Uuid,
    pub partnership_id: Uuid,
}

impl<'a> Target<'a> {
    pub fn new(operation: &'a str, entity_type: &'a str, id: Uuid, partnership_id: Uuid) -> Self {
        Target {
            operation,
            entity_type,
            id,
            partnership_id,
        }
    }
}

/// The row of `E` with `id` as the caller may see it, read afresh (not from the request's
/// loader, which may hold a copy from before an earlier change in the same document).
/// Invisible and missing are the same NOT_FOUND, named `what`.
pub async fn load_for_write<E>(
    rc: &RequestContext,
    id: Uuid,
    what: &'static str,
) -> ApiResult<E::Model>
where
    E: Scoped,
{
    access::visible::<E>(&rc.viewer)
        .filter(E::id_column().eq(id))
        .one(&rc.db)
        .await?
        .ok_or(ApiError::NotFound(what))
}

/// Goes on when the policy `allowed` it; otherwise records the refusal against `target` (outside
/// any transaction, so it stays when the change does not happen) and fails with FORBIDDEN and
/// `reason`.
pub async fn require(
    rc: &RequestContext,
    allowed: bool,
    target: Target<'_>,
    reason: &str,
) -> ApiResult<()> {
    if allowed {
        return Ok(());
    }
    Err(crate::core::audit::refuse(
        rc,
        target.operation,
        target.entity_type,
        target.id,
        target.partnership_id,
        reason,
    )
    .await)
}
