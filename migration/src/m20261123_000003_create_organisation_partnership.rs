//! Creates `organisation_partnership`. Unique per (organisation, partnership).

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "organisation_partnership";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "organisation_id", "organisation", false, true);
        fk(&mut t, T, "partnership_id", "partnership", false, true);
        t.col(timestamp_with_time_zone("created_at"));
        create(manager, t, T, &[&["partnership_id"]]).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_organisation_partnership")
                    .table(T)
                    .col("organisation_id")
                    .col("partnership_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
