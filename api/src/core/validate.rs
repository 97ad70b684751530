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

/// An optional text input of a change where an empty string clears the stored value: `None`,
/// not given (leave as is); `Some(None)`, clear it; `Some(Some(text))`, set it (checked as
/// [`text`]).
pub fn clearable(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> ApiResult<Option<Option<String>>> {
    match value.map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) => Ok(Some(Some(text(field, v, max)?))),
    }
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
