//! Case-insensitive text search that behaves the same on SQLite and PostgreSQL.

use crate::core::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::ColumnTrait;

/// Longest search string accepted.
pub const MAX_SEARCH_LEN: usize = 200;

/// `LOWER(col) LIKE '%term%'` with the user's `%`, `_` and `\` escaped.
pub fn contains<C: ColumnTrait>(col: C, term: &str, field: &str) -> ApiResult<SimpleExpr> {
    let term = term.trim();
    if term.is_empty() {
        return Err(ApiError::bad_input(field, "search text must not be empty"));
    }
    if term.chars().count() > MAX_SEARCH_LEN {
        return Err(ApiError::bad_input(
            field,
            format!("search text must be at most {MAX_SEARCH_LEN} characters"),
        ));
    }
    let escaped: String = term
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = LikeExpr::new(format!("%{escaped}%")).escape('\\');
    Ok(Expr::expr(Func::lower(Expr::col(col))).like(pattern))
}
