//! Creates `declaration_of_interest`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "declaration_of_interest";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "meeting_id", "meeting", false, true);
        fk(&mut t, T, "person_id", "person", false, false);
        t.col(text("interest"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["meeting_id"], &["person_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
