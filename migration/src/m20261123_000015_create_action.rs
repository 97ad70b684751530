//! Creates `action`. Indexed on every column the action list filters or sorts by.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "action";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "board_id", "board", true, false);
        fk(&mut t, T, "resolution_id", "resolution", true, false);
        fk(&mut t, T, "priority_id", "priority", true, false);
        fk(
            &mut t,
            T,
            "review_id",
            "domestic_homicide_review",
            true,
            false,
        );
        fk(&mut t, T, "lead_person_id", "person", true, false);
        fk(
            &mut t,
            T,
            "lead_organisation_id",
            "organisation",
            true,
            false,
        );
        t.col(string("title"))
            .col(text_null("expected_outcome"))
            .col(date_null("start_date"))
            .col(date_null("due_date"))
            .col(text_null("resources_required"))
            .col(text_null("risks"))
            .col(integer("percent_complete"))
            .col(string_len_null("rag", 32))
            .col(string_len("status", 32))
            .col(string_len("visibility", 32))
            .col(integer("version"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[
                &["partnership_id", "due_date"],
                &["board_id", "due_date"],
                &["resolution_id"],
                &["priority_id"],
                &["review_id"],
                &["lead_person_id"],
                &["lead_organisation_id"],
                &["due_date"],
                &["status", "due_date"],
                &["rag"],
                &["title"],
                &["created_at"],
                &["updated_at"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
