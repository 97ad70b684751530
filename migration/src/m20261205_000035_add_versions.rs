//! Adds `version` to boards, meetings, agenda items and indicators: the records a board's
//! officers edit at the same time (an agenda being put together, minutes being written, a
//! target being reset). Each change bumps it; a change sent with the `expectedVersion` its author
//! last saw fails with CONFLICT instead of silently overwriting someone else's, as actions do.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["board", "meeting", "agenda_item", "indicator"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(integer("version").default(1))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("version")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
