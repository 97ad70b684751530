//! Creates `board`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "board";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "parent_id", "board", true, false);
        t.col(string("name"))
            .col(string_len("kind", 32))
            .col(string_len("visibility", 32))
            .col(string_null("meeting_frequency"))
            .col(text_null("terms_of_reference"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["partnership_id", "name"], &["parent_id"], &["visibility"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
