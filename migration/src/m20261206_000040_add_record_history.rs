//! The history a past meeting's record is rebuilt from, and where each record came from.
//!
//! - `action_update.status`: the status an action entered with this entry (null when the entry
//!   only reports progress), so "was it still open when the board met?" has an answer.
//! - `action_update.on_matters_arising`: set when a board officer carries an action forward
//!   (true) or takes it off the matters arising list without closing it (false).
//! - `action_update.inferred` / `source`: an entry read off a paper rather than reported, and
//!   which paper, so a closure the demo data infers is never mistaken for one somebody recorded.
//! - `resolution.kind`: `resolved` for "RESOLVED that ...", `noted` for a matter the board noted
//!   for follow-up without a formal resolution; both can carry actions.
//! - `action.matter`: how the matters arising report words the action; actions of one minute
//!   sharing it print as one row, as the papers print them.
//! - `provenance`: for records loaded from the published papers, the paper and place they came
//!   from and whether any value was invented where the paper is silent. Records entered through
//!   the API have none: their audit trail is their provenance.
//!
//! Existing closed actions get their status on their last entry written (a closed action takes
//! no more entries, and `reported_on` is the reporter's date, so the last written is the one
//! that closed it), so that the rule "closed before the previous meeting" holds for history
//! written before this column existed.

use crate::helpers::{self, create};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ("action_update", string_len_null("status", 20)),
            ("action_update", boolean_null("on_matters_arising")),
            ("action_update", boolean("inferred").default(false).take()),
            ("action_update", text_null("source")),
            (
                "resolution",
                string_len("kind", 20).default("resolved").take(),
            ),
            ("action", text_null("matter")),
        ];
        // One column a statement: SQLite alters one thing at a time.
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE action_update SET status = (SELECT a.status FROM action a \
                 WHERE a.id = action_update.action_id) \
                 WHERE id IN (SELECT (SELECT u.id FROM action_update u WHERE u.action_id = a.id \
                 ORDER BY u.created_at DESC, u.id DESC LIMIT 1) \
                 FROM action a WHERE a.status <> 'open')",
            )
            .await?;
        let mut t = Table::create()
            .table("provenance")
            .col(string_len("entity_type", 40))
            .col(uuid("entity_id"))
            .col(text("source"))
            .col(boolean("invented"))
            .col(text_null("note"))
            .primary_key(Index::create().col("entity_type").col("entity_id"))
            .take();
        t.if_not_exists();
        create(manager, t, "provenance", &[]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, "provenance").await?;
        for (table, column) in [
            ("action", "matter"),
            ("resolution", "kind"),
            ("action_update", "source"),
            ("action_update", "inferred"),
            ("action_update", "on_matters_arising"),
            ("action_update", "status"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
