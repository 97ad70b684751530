//! Input checks shared by every mutation, so the same mistake gets the same BAD_USER_INPUT.

use crate::core::error::{ApiError, ApiResult};

/// Trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_input(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(ApiError::bad_input(
            field,
            format!("`{field}` must be at most {max} characters"),
        ));
    }
    Ok(value.to_string())
}

/// Like [`text`] for an optional field.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    value.map(|v| text(field, v, max)).transpose()
}

/// A person named in an input: must exist, be visible to the caller and be active; anything else
/// is BAD_USER_INPUT on `field` (the person is an argument, not the record being changed).
pub async fn person(
    rc: &crate::core::context::RequestContext,
    id: uuid::Uuid,
    field: &str,
) -> ApiResult<entity::person::Model> {
    use sea_orm::{ColumnTrait, QueryFilter};
    crate::core::access::visible::<entity::person::Entity>(&rc.viewer)
        .filter(entity::person::Column::Id.eq(id))
        .one(&rc.db)
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| ApiError::bad_input(field, "no such active person"))
}
