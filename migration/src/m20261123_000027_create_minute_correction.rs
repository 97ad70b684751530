//! Creates `minute_correction`: the explicit, audited correction of an approved minute. The text
//! before and after are both kept, so approved minutes are never silently rewritten.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "minute_correction";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "agenda_item_id", "agenda_item", false, true);
        fk(&mut t, T, "corrected_by_id", "person", true, false);
        t.col(text_null("previous_text"))
            .col(text("corrected_text"))
            .col(text("reason"))
            .col(timestamp_with_time_zone("created_at"));
        create(manager, t, T, &[&["agenda_item_id", "created_at"]]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
