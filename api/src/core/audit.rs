//! The audit log: who did or read what, when, with what outcome and stated purpose.
//!
//! Rows are only ever inserted; no API path updates or deletes them. A successful write records
//! its row inside the write's own transaction, so the audit row and the change land together or
//! not at all. A refused write records its row on its own after the rollback.

use crate::core::auth::Viewer;
use crate::core::error::ApiResult;
use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// Outcome of an audited operation.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }
}

/// One audit entry.
pub struct Entry<'a> {
    pub operation: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<Uuid>,
    pub partnership_id: Option<Uuid>,
    pub outcome: Outcome,
    pub detail: Option<String>,
}

/// Appends an entry for the caller.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    purpose: Option<&str>,
    entry: Entry<'_>,
) -> ApiResult<()> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(Utc::now()),
        person_id: Set(viewer.person_id()),
        partnership_id: Set(entry.partnership_id),
        operation: Set(entry.operation.to_string()),
        entity_type: Set(entry.entity_type.to_string()),
        entity_id: Set(entry.entity_id),
        outcome: Set(entry.outcome.as_str().to_string()),
        purpose: Set(purpose.map(str::to_string)),
        detail: Set(entry.detail),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records a refused write (outside any transaction) and returns the FORBIDDEN error to send.
pub async fn refuse(
    rc: &crate::core::context::RequestContext,
    operation: &str,
    entity_type: &str,
    entity_id: Uuid,
    partnership_id: Uuid,
    message: &str,
) -> crate::core::error::ApiError {
    let entry = Entry {
        operation,
        entity_type,
        entity_id: Some(entity_id),
        partnership_id: Some(partnership_id),
        outcome: Outcome::Denied,
        detail: None,
    };
    match record(&rc.db, &rc.viewer, rc.purpose.as_deref(), entry).await {
        Ok(()) => crate::core::error::ApiError::Forbidden(message.to_string()),
        Err(err) => err,
    }
}

/// Records a successful write inside its transaction.
pub async fn allowed<C: ConnectionTrait>(
    db: &C,
    rc: &crate::core::context::RequestContext,
    operation: &str,
    entity_type: &str,
    entity_id: Uuid,
    partnership_id: Uuid,
) -> ApiResult<()> {
    let entry = Entry {
        operation,
        entity_type,
        entity_id: Some(entity_id),
        partnership_id: Some(partnership_id),
        outcome: Outcome::Allowed,
        detail: None,
    };
    record(db, &rc.viewer, rc.purpose.as_deref(), entry).await
}

/// Like [`allowed`], with a note kept with the row (the reason a correction was made).
pub async fn allowed_with_detail<C: ConnectionTrait>(
    db: &C,
    rc: &crate::core::context::RequestContext,
    operation: &str,
    (entity_type, entity_id, partnership_id): (&str, Uuid, Uuid),
    detail: String,
) -> ApiResult<()> {
    let entry = Entry {
        operation,
        entity_type,
        entity_id: Some(entity_id),
        partnership_id: Some(partnership_id),
        outcome: Outcome::Allowed,
        detail: Some(detail),
    };
    record(db, &rc.viewer, rc.purpose.as_deref(), entry).await
}

/// Records a request's reads of restricted content, one row per record, in one statement.
pub async fn record_reads<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    purpose: Option<&str>,
    reads: Vec<crate::core::access::RestrictedRead>,
) -> ApiResult<()> {
    let now = Utc::now();
    let rows = reads.into_iter().map(|r| audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now),
        person_id: Set(viewer.person_id()),
        partnership_id: Set(Some(r.partnership_id)),
        operation: Set("read".to_string()),
        entity_type: Set(r.entity_type.to_string()),
        entity_id: Set(Some(r.id)),
        outcome: Set(Outcome::Allowed.as_str().to_string()),
        purpose: Set(purpose.map(str::to_string)),
        detail: Set(None),
    });
    audit_log::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Settles a response's reads before it leaves the server: the content rows read are
/// classified (restricted by their own marking or a parent's), then refused (BAD_USER_INPUT on
/// `X-Access-Purpose`) when a partnership read from requires a purpose and none was stated, and
/// otherwise audited, one row per restricted record. Any other error means the content must be
/// withheld. GraphQL responses, the exports and live updates all come through here.
pub async fn settle_reads<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    purpose: Option<&str>,
    candidates: crate::core::access::Candidates,
) -> ApiResult<()> {
    settle(db, viewer, purpose, candidates).await.map(|_| ())
}

/// Like [`settle_reads`], returning the restricted records read, for a response that marks
/// them (the exports' classification column).
pub async fn settle<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    purpose: Option<&str>,
    candidates: crate::core::access::Candidates,
) -> ApiResult<Vec<crate::core::access::RestrictedRead>> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let reads = candidates.classify(db).await?;
    if reads.is_empty() {
        return Ok(reads);
    }
    if purpose.is_none() && purpose_required(db, &reads).await? {
        return Err(crate::core::error::ApiError::purpose_required(
            "this partnership requires an X-Access-Purpose header to read restricted records",
        ));
    }
    record_reads(db, viewer, purpose, reads.clone()).await?;
    Ok(reads)
}

/// Whether any partnership whose restricted records were read requires a stated purpose.
pub async fn purpose_required<C: ConnectionTrait>(
    db: &C,
    reads: &[crate::core::access::RestrictedRead],
) -> ApiResult<bool> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let partnerships: std::collections::BTreeSet<Uuid> =
        reads.iter().map(|r| r.partnership_id).collect();
    let requiring = entity::partnership::Entity::find()
        .filter(entity::partnership::Column::Id.is_in(partnerships))
        .filter(entity::partnership::Column::RequireAccessPurpose.eq(true))
        .count(db)
        .await?;
    Ok(requiring > 0)
}

/// Whether the caller holds a cleared seat in a partnership that requires a stated purpose. Such
/// a caller states one for every change they make: a change to a restricted record reads it, and
/// refusing *before* the change runs means nothing is written that the caller was not allowed to
/// do without a purpose.
pub async fn purpose_required_for_changes<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
) -> ApiResult<bool> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait};
    if viewer.cleared_boards.is_empty() {
        return Ok(false);
    }
    let partnerships = entity::board::Entity::find()
        .select_only()
        .column(entity::board::Column::PartnershipId)
        .filter(entity::board::Column::Id.is_in(viewer.cleared_boards.iter().copied()))
        .into_query();
    let requiring = entity::partnership::Entity::find()
        .filter(entity::partnership::Column::Id.in_subquery(partnerships))
        .filter(entity::partnership::Column::RequireAccessPurpose.eq(true))
        .count(db)
        .await?;
    Ok(requiring > 0)
}

/// The audit detail of an administrative change: the fields whose values differ, before and
/// after (`{"before": {...}, "after": {...}}`), so the log answers "who changed what from what".
/// `before` is `null` for a record created by the change.
pub fn changes(before: &serde_json::Value, after: &serde_json::Value) -> String {
    let empty = serde_json::Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let mut was = serde_json::Map::new();
    let mut now = serde_json::Map::new();
    for (key, value) in new {
        let previous = old.get(key).unwrap_or(&serde_json::Value::Null);
        if previous != value {
            was.insert(key.clone(), previous.clone());
            now.insert(key.clone(), value.clone());
        }
    }
    serde_json::json!({ "before": was, "after": now }).to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn changes_keep_only_the_fields_that_differ() {
        let detail = super::changes(
            &json!({"name": "Bromley", "area": null, "months": 12}),
            &json!({"name": "Bromley", "area": "London", "months": 6}),
        );
        assert_eq!(
            detail,
            r#"{"after":{"area":"London","months":6},"before":{"area":null,"months":12}}"#
        );
        let created = super::changes(&serde_json::Value::Null, &json!({"name": "MPS"}));
        assert_eq!(
            created,
            r#"{"after":{"name":"MPS"},"before":{"name":null}}"#
        );
    }
}
