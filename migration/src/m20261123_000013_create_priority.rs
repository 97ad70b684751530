//! Creates `priority`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "priority";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "strategy_id", "strategy", false, true);
        fk(&mut t, T, "partnership_id", "partnership", false, false);
        fk(&mut t, T, "lead_person_id", "person", true, false);
        fk(
            &mut t,
            T,
            "lead_organisation_id",
            "organisation",
            true,
            false,
        );
        t.col(integer("number"))
            .col(string("title"))
            .col(text_null("aim"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[
                &["strategy_id", "number"],
                &["partnership_id"],
                &["lead_person_id"],
                &["lead_organisation_id"],
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
