//! Creates `indicator`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "indicator";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "board_id", "board", true, false);
        t.col(string("name"))
            .col(string_len("unit", 32))
            .col(string_len("polarity", 32))
            .col(double_null("target_low"))
            .col(double_null("target_high"))
            .col(string_len("visibility", 32));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["partnership_id", "name"], &["board_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
