//! Creates `indicator_target`: an indicator's target or tolerance range with the date it took
//! effect, so a target can change (a board raises the bar for next year) while readings of past
//! periods keep the RAG they had, and a reading recorded late for an earlier period is judged
//! against the target of its own period. Existing indicators get their current target as the
//! first row, in force from the beginning.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "indicator_target";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "indicator_id", "indicator", false, true);
        t.col(double_null("target_low"))
            .col(double_null("target_high"))
            .col(date("effective_from"));
        fk(&mut t, T, "set_by_id", "person", true, false);
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["indicator_id", "effective_from"]],
        )
        .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO indicator_target (id, indicator_id, target_low, target_high, \
                 effective_from, set_by_id, created_at, updated_at) \
                 SELECT id, id, target_low, target_high, '1900-01-01', NULL, created_at, updated_at \
                 FROM indicator WHERE target_low IS NOT NULL OR target_high IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(T).to_owned()).await
    }
}
