//! Creates `board_membership`. Looked up on every request to work out what the caller may see.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "board_membership";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "board_id", "board", false, true);
        fk(&mut t, T, "person_id", "person", false, false);
        t.col(string_len("role", 32))
            .col(date_null("starts_on"))
            .col(date_null("ends_on"))
            .col(boolean("restricted_clearance"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["board_id"], &["person_id", "board_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
