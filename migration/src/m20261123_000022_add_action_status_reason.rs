//! Adds `action.status_reason` (why it was cancelled) and `action.missed_reason` (why a due date
//! was missed, in MARAC's words: change in circumstance / agency has not undertaken).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(text_null("status_reason"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(string_len_null("missed_reason", 32))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .drop_column("missed_reason")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .drop_column("status_reason")
                    .to_owned(),
            )
            .await
    }
}
