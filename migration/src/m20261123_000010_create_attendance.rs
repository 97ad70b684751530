//! Creates `attendance`.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "attendance";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        #[allow(unused_mut)]
        let mut t = helpers::table(T);
        fk(&mut t, T, "meeting_id", "meeting", false, true);
        fk(&mut t, T, "person_id", "person", false, false);
        fk(&mut t, T, "substitute_for_id", "person", true, false);
        t.col(string_len("status", 32));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["meeting_id"], &["person_id"], &["substitute_for_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
