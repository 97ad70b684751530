//! Creates `resolution`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "resolution";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "agenda_item_id", "agenda_item", false, true);
        t.col(integer("ordinal"))
            .col(text("text"))
            .col(string_len_null("owners_initials", 64));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["agenda_item_id", "ordinal"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
