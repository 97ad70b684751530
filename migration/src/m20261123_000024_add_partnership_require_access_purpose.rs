//! Adds `partnership.require_access_purpose`: restricted reads without `X-Access-Purpose` are
//! refused (Data Protection Act 2018 s62 logging for police partners).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("partnership")
                    .add_column(boolean("require_access_purpose").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("partnership")
                    .drop_column("require_access_purpose")
                    .to_owned(),
            )
            .await
    }
}
