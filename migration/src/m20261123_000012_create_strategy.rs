//! Creates `strategy`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "strategy";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        t.col(string("title"))
            .col(date("period_start"))
            .col(date("period_end"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["partnership_id", "period_start"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
