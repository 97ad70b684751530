//! The audit log as partnership administrators read it: who did or read what, newest first.

pub mod service;

use crate::core::error::ApiResult;
use chrono::Utc;
use entity::audit_log;
use uuid::Uuid;

/// One entry of the audit log.
pub struct AuditEntry(pub audit_log::Model);

#[async_graphql::Object]
impl AuditEntry {
    async fn occurred_at(&self) -> chrono::DateTime<Utc> {
        self.0.occurred_at
    }
    /// Who: null for an anonymous caller.
    async fn person(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> ApiResult<Option<crate::domain::partners::Person>> {
        use crate::core::context::CtxExt;
        Ok(ctx
            .req()?
            .load_opt::<entity::person::Entity>(self.0.person_id)
            .await?
            .map(crate::domain::partners::Person))
    }
    /// What was done: "read" or the mutation's name.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The record's UUID (not a global ID: the record may since have been deleted or be hidden).
    async fn entity_id(&self) -> Option<Uuid> {
        self.0.entity_id
    }
    /// "allowed" or "denied".
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }
    /// The purpose the caller stated.
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
}

/// Root fields of the audit log.
#[derive(Default)]
pub struct AuditQuery;

#[async_graphql::Object]
impl AuditQuery {
    /// The audit log of a partnership, newest first (its administrators only).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::core::pagination::page_cost(first, last, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &async_graphql::Context<'_>,
        partnership_id: async_graphql::ID,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<crate::core::pagination::Conn<AuditEntry>> {
        use crate::core::context::CtxExt;
        use crate::core::pagination::{connection, PageArgs, Sort, SortType};
        let rc = ctx.req()?;
        let select = service::entries(rc, &partnership_id).await?;
        let sort = Sort::desc(
            audit_log::Column::OccurredAt,
            audit_log::Column::Id,
            SortType::DateTime,
        );
        connection(
            rc,
            select,
            sort,
            PageArgs::new(first, after, last, before),
            AuditEntry,
        )
        .await
    }
}
