//! Optimistic concurrency for the records several officers edit at once: each change bumps the
//! record's `version`, and a change made from a stale copy fails with CONFLICT (naming the
//! current version) instead of silently overwriting someone else's.
//!
//! [`check`] refuses a stale `expectedVersion` before any work; [`bump`] moves the version on
//! inside the write's transaction with `WHERE id = ? AND version = ?`, so two writers who both
//! passed the check cannot both succeed: the second finds no row and gets CONFLICT.

use crate::core::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// CONFLICT when the caller sent an `expectedVersion` other than `current`. Leaving it out
/// accepts whatever is there (older clients), but the change still bumps the version.
pub fn check(expected: Option<i32>, current: i32, what: &str) -> ApiResult<()> {
    match expected {
        Some(v) if v != current => Err(ApiError::Conflict(format!(
            "the {what} has changed since you read it: the current version is {current}"
        ))),
        _ => Ok(()),
    }
}

/// Moves the row's version from `current` to the next, or fails with CONFLICT when someone else
/// changed it first (in the same transaction as the change itself).
pub async fn bump<E, C>(
    db: &C,
    id_column: E::Column,
    version_column: E::Column,
    id: Uuid,
    current: i32,
    what: &str,
) -> ApiResult<()>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let result = E::update_many()
        .col_expr(version_column, Expr::col(version_column).add(1))
        .filter(id_column.eq(id))
        .filter(version_column.eq(current))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::Conflict(format!(
            "someone else changed the {what} at the same time: read it again"
        )));
    }
    Ok(())
}
