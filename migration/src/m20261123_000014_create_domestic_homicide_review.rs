//! Creates `domestic_homicide_review`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "domestic_homicide_review";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "board_id", "board", false, false);
        t.col(string("pseudonym"))
            .col(string_len("status", 32))
            .col(date_null("notified_on"))
            .col(date_null("commissioned_on"))
            .col(date_null("submitted_on"))
            .col(date_null("qa_panel_on"))
            .col(date_null("published_on"))
            .col(text_null("summary"))
            .col(string_len("visibility", 32));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["partnership_id", "pseudonym"], &["board_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
