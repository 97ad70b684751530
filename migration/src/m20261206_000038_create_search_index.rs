//! Full-text search of what boards wrote: agenda item titles and minutes, resolutions, and
//! action updates. Officers ask "what did we decide about knife bins?".
//!
//! PostgreSQL: a GIN index on each table's English `tsvector` expression (the query repeats the
//! same expression, so the index serves it); PostgreSQL keeps it in step with every write, in
//! the write's own transaction. SQLite: an FTS5 table per source table over its text columns
//! (external content, Porter stemming), kept in step by triggers, which run inside the writing
//! transaction; `rebuild` indexes the rows already there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each searchable table and its text columns.
pub const SEARCHED: [(&str, &[&str]); 3] = [
    ("agenda_item", &["title", "minute_text"]),
    ("resolution", &["text"]),
    ("action_update", &["narrative"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, columns) in SEARCHED {
            let statements = match manager.get_database_backend() {
                DatabaseBackend::Postgres => vec![format!(
                    "CREATE INDEX ix_{table}_search ON {table} USING GIN ({})",
                    postgres_document(table, columns)
                )],
                _ => sqlite_statements(table, columns),
            };
            for sql in statements {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, _) in SEARCHED {
            let statements = match manager.get_database_backend() {
                DatabaseBackend::Postgres => {
                    vec![format!("DROP INDEX IF EXISTS ix_{table}_search")]
                }
                _ => vec![
                    format!("DROP TRIGGER IF EXISTS {table}_fts_ai"),
                    format!("DROP TRIGGER IF EXISTS {table}_fts_ad"),
                    format!("DROP TRIGGER IF EXISTS {table}_fts_au"),
                    format!("DROP TABLE IF EXISTS {table}_fts"),
                ],
            };
            for sql in statements {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }
}

/// `to_tsvector('english', coalesce(t.a, '') || ' ' || coalesce(t.b, ''))`: the expression the
/// index is built on and the search repeats, word for word.
pub fn postgres_document(table: &str, columns: &[&str]) -> String {
    let text = columns
        .iter()
        .map(|c| format!("coalesce(\"{table}\".\"{c}\", '')"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ");
    format!("to_tsvector('english', {text})")
}

fn sqlite_statements(table: &str, columns: &[&str]) -> Vec<String> {
    let cols = columns.join(", ");
    let new = columns
        .iter()
        .map(|c| format!("new.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let old = columns
        .iter()
        .map(|c| format!("old.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let fts = format!("{table}_fts");
    vec![
        format!(
            "CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', \
             content_rowid='rowid', tokenize='porter unicode61')"
        ),
        format!(
            "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN \
             INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
        ),
        format!(
            "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN \
             INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END"
        ),
        format!(
            "CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN \
             INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); \
             INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
        ),
        format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"),
    ]
}
