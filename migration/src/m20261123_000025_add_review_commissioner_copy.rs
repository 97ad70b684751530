//! Adds `domestic_homicide_review.commissioner_copy_sent_on`: the last step of the statutory path,
//! when a copy of the published report is sent to the Domestic Abuse Commissioner.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("domestic_homicide_review")
                    .add_column(date_null("commissioner_copy_sent_on"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("domestic_homicide_review")
                    .drop_column("commissioner_copy_sent_on")
                    .to_owned(),
            )
            .await
    }
}
