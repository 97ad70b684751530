//! Creates `action_update`. Append-only history; `(action_id, reported_on)` serves "latest update".

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "action_update";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "action_id", "action", false, true);
        fk(&mut t, T, "author_id", "person", true, false);
        t.col(date("reported_on"))
            .col(string_null("period"))
            .col(string_len_null("rag", 32))
            .col(integer_null("percent_complete"))
            .col(text("narrative"))
            .col(timestamp_with_time_zone("created_at"));
        create(
            manager,
            t,
            T,
            &[&["action_id", "reported_on"], &["author_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
