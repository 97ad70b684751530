//! Adds to `action` a summary of the access its whole chain of ancestors requires, so that
//! deciding whether an action is visible needs no join or subquery at read time.
//!
//! An action is visible when its own marking, its board's and that board's parent's, and, for an
//! action from a resolution, the marking of the agenda item, the meeting, the meeting's board and
//! that board's parent all admit the caller. Checking that chain at read time cost a subquery
//! over every visible resolution of every meeting, on every read of actions. The summary says
//! the same in two columns: the one partnership the caller must belong to
//! (`access_partnership_id`, NULL when none) and the one board they must be cleared on
//! (`access_board_id`, NULL when none).
//!
//! `access_state` says whether to trust it: 0 stale (not yet summarised), 1 summarised, 2 the
//! chain needs more than one partnership or board (read with the full rule). Readers use the
//! summary only in state 1 and the full rule otherwise, so a stale row is slower, never wrong.
//!
//! Correctness does not rest on every write remembering the summary: the triggers below mark
//! every action whose chain a change touches as stale, in the same statement as the change, on
//! SQLite and PostgreSQL alike. `access_epoch` counts those invalidations, so a summary computed
//! from a chain read before a concurrent change is never stored (see `core::access::summarise`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Marks the actions that `$WHERE` selects as stale (one statement, shared by both databases).
fn stale(filter: &str) -> String {
    format!("UPDATE action SET access_state = 0, access_epoch = access_epoch + 1 WHERE {filter}")
}

/// The boards whose actions' chains pass through board `NEW.id`: itself and its sub-groups.
const BOARD_AND_CHILDREN: &str =
    "(SELECT NEW.id UNION SELECT c.id FROM board c WHERE c.parent_id = NEW.id)";

/// (table, columns whose change alters a chain, the actions whose chain passes through NEW).
fn triggers() -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "board",
            "visibility, partnership_id, parent_id",
            format!(
                "board_id IN {BOARD_AND_CHILDREN} OR resolution_id IN (SELECT r.id FROM resolution r \
                 JOIN agenda_item i ON i.id = r.agenda_item_id JOIN meeting m ON m.id = i.meeting_id \
                 WHERE m.board_id IN {BOARD_AND_CHILDREN})"
            ),
        ),
        (
            "meeting",
            "visibility, partnership_id, board_id",
            "resolution_id IN (SELECT r.id FROM resolution r JOIN agenda_item i \
             ON i.id = r.agenda_item_id WHERE i.meeting_id = NEW.id)"
                .to_string(),
        ),
        (
            "agenda_item",
            "visibility, partnership_id, board_id, meeting_id",
            "resolution_id IN (SELECT r.id FROM resolution r WHERE r.agenda_item_id = NEW.id)"
                .to_string(),
        ),
        (
            "resolution",
            "agenda_item_id",
            "resolution_id = NEW.id".to_string(),
        ),
        (
            "action",
            "visibility, partnership_id, board_id, resolution_id",
            "id = NEW.id".to_string(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(
                        ColumnDef::new("access_state")
                            .small_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(ColumnDef::new("access_partnership_id").uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(ColumnDef::new("access_board_id").uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("action")
                    .add_column(
                        ColumnDef::new("access_epoch")
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // Finding the stale rows is one index probe, whatever the size of the table.
        db.execute_unprepared(
            "CREATE INDEX ix_action_access_stale ON action (id) WHERE access_state = 0",
        )
        .await?;
        for (table, columns, filter) in triggers() {
            let body = stale(&filter);
            let name = format!("{table}_action_access");
            match backend {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ \
                         BEGIN {body}; RETURN NULL; END $$"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION {name}()"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} \
                         FOR EACH ROW BEGIN {body}; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (table, _, _) in triggers() {
            let name = format!("{table}_action_access");
            match backend {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {table}"))
                        .await?;
                    db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {name}()"))
                        .await?;
                }
                _ => {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}"))
                        .await?;
                }
            }
        }
        db.execute_unprepared("DROP INDEX IF EXISTS ix_action_access_stale")
            .await?;
        for column in [
            "access_epoch",
            "access_board_id",
            "access_partnership_id",
            "access_state",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("action")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
