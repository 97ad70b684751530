//! Creates `reminder`: one row per reminder email sent, so that each person is reminded of each
//! due item once, across passes, restarts and several instances.
//!
//! A row is the decision to remind `person_id` of `item_id` (an action owing a written update or
//! a DHR recommendation, or a review owing its next milestone) under the clock `clock_id` set
//! (the written-update request, or the review), as `kind` says. The unique index on
//! (kind, clock_id, item_id, person_id) is what makes a second sender, or a second pass, skip it:
//! the row is written in the transaction that sends the email, beside its audit row.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "reminder";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, true);
        fk(&mut t, T, "person_id", "person", false, true);
        t.col(string_len("kind", 40))
            .col(uuid("clock_id"))
            .col(uuid("item_id"))
            .col(date("due_on"))
            .col(timestamp_with_time_zone("sent_at"));
        create(manager, t, T, &[&["person_id"], &["item_id"]]).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_reminder_once")
                    .table(T)
                    .col("kind")
                    .col("clock_id")
                    .col("item_id")
                    .col("person_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
