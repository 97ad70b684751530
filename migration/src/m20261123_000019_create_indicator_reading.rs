//! Creates `indicator_reading`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "indicator_reading";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "indicator_id", "indicator", false, true);
        t.col(string("period"))
            .col(date("period_end"))
            .col(double_null("value"))
            .col(double_null("previous_value"))
            .col(double_null("change"))
            .col(string_null("comparator_name"))
            .col(double_null("comparator_value"))
            .col(string_len_null("rag", 32))
            .col(text_null("commentary"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["indicator_id", "period_end"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
