//! Creates `person`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "person";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "organisation_id", "organisation", false, false);
        t.col(string("name"))
            .col(string_null("post_title"))
            .col(string_len_null("initials", 16))
            .col(string_null("email"))
            .col(string_null("subject").unique_key())
            .col(boolean("active"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["organisation_id"], &["name"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
