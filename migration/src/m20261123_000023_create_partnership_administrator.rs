//! Creates `partnership_administrator`: who manages a partnership's boards, seats and clearances
//! and may read its audit log. Being an administrator grants no sight of restricted content.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "partnership_administrator";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, true);
        fk(&mut t, T, "person_id", "person", false, true);
        t.col(timestamp_with_time_zone("created_at"));
        create(manager, t, T, &[&["person_id"]]).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_partnership_administrator")
                    .table(T)
                    .col("partnership_id")
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
