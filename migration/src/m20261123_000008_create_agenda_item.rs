//! Creates `agenda_item`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "agenda_item";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "board_id", "board", false, false);
        fk(&mut t, T, "meeting_id", "meeting", false, true);
        t.col(integer("ordinal"))
            .col(string_len_null("sub_letter", 8))
            .col(string("title"))
            .col(string_null("stub_title"))
            .col(string_null("presenter"))
            .col(string_len("item_type", 32))
            .col(integer_null("time_allowed_minutes"))
            .col(string_len("visibility", 32))
            .col(integer_null("minute_number"))
            .col(text_null("minute_text"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[
                &["meeting_id", "ordinal"],
                &["board_id", "minute_number"],
                &["partnership_id"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
