//! Adds `action.external_ref`: the reference a partnership's own spreadsheet gives a delivery-plan
//! row, so re-importing an updated sheet updates those actions instead of duplicating them.
//! Unique within a partnership (two partnerships may both number their rows "1.1").

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(string_len_null("external_ref", 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_action_partnership_external_ref")
                    .table("action")
                    .col("partnership_id")
                    .col("external_ref")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_action_partnership_external_ref")
                    .table("action")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .drop_column("external_ref")
                    .to_owned(),
            )
            .await
    }
}
