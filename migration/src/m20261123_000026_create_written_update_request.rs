//! Creates `written_update_request`: a board asking action leads for written updates, due a set
//! number of days before its next meeting. Who still owes one is derived from `action_update`
//! rows made since `created_at`, so nothing here needs changing when an update arrives.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "written_update_request";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, true);
        fk(&mut t, T, "board_id", "board", false, true);
        fk(&mut t, T, "meeting_id", "meeting", false, true);
        fk(&mut t, T, "requested_by_id", "person", true, false);
        t.col(date("due_on"));
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[&["board_id", "created_at"]],
        )
        .await?;
        // One request per meeting, even when two officers ask at the same moment.
        manager
            .create_index(
                Index::create()
                    .name("ux_written_update_request_meeting")
                    .table(T)
                    .col("meeting_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, T).await
    }
}
