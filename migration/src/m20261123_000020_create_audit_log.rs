//! Creates `audit_log`. Append-only: no API path updates or deletes a row.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "audit_log";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        t.col(timestamp_with_time_zone("occurred_at"));
        fk(&mut t, T, "person_id", "person", true, false);
        fk(&mut t, T, "partnership_id", "partnership", true, false);
        t.col(string_len("operation", 64))
            .col(string_len("entity_type", 64))
            .col(uuid_null("entity_id"))
            .col(string_len("outcome", 16))
            .col(string_null("purpose"))
            .col(text_null("detail"));
        create(
            manager,
            t,
            T,
            &[
                &["occurred_at"],
                &["person_id", "occurred_at"],
                &["partnership_id", "occurred_at"],
                &["entity_id"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
