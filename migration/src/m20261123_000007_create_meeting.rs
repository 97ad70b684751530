//! Creates `meeting`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "meeting";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "board_id", "board", false, false);
        t.col(timestamp_with_time_zone("starts_at"))
            .col(string_null("venue"))
            .col(string_len("status", 32))
            .col(string_len("minutes_status", 32))
            .col(string_len("visibility", 32));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[
                &["board_id", "starts_at"],
                &["partnership_id", "starts_at"],
                &["starts_at"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
