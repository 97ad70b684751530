//! Creates `partnership`.

use crate::helpers::{self, create};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "partnership";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        t.col(string_uniq("slug"))
            .col(string("name"))
            .col(string_null("area"));
        create(manager, helpers::with_timestamps(t), T, &[]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
