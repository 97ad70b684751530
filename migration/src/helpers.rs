//! Small builders shared by the migrations, so each file reads as a list of columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// A new table with a UUID primary key `id`.
pub fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(schema::pk_uuid("id"))
        .take()
}

/// Adds `created_at` and `updated_at` (timestamptz, not null).
pub fn with_timestamps(mut t: TableCreateStatement) -> TableCreateStatement {
    t.col(schema::timestamp_with_time_zone("created_at"))
        .col(schema::timestamp_with_time_zone("updated_at"));
    t
}

/// A UUID column referencing `target(id)`; `cascade` deletes children with their parent.
pub fn fk(
    t: &mut TableCreateStatement,
    table: &'static str,
    column: &'static str,
    target: &'static str,
    nullable: bool,
    cascade: bool,
) {
    let mut col = if nullable {
        schema::uuid_null(column)
    } else {
        schema::uuid(column)
    };
    t.col(&mut col);
    let mut key = ForeignKey::create();
    key.name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        });
    t.foreign_key(&mut key);
}

/// Creates the table, then one index per column list.
pub async fn create(
    manager: &SchemaManager<'_>,
    t: TableCreateStatement,
    table: &'static str,
    indexes: &[&[&'static str]],
) -> Result<(), DbErr> {
    manager.create_table(t).await?;
    for cols in indexes {
        let mut idx = Index::create();
        idx.name(format!("idx_{table}_{}", cols.join("_")))
            .table(table);
        for c in *cols {
            idx.col(*c);
        }
        manager.create_index(idx).await?;
    }
    Ok(())
}

/// Drops the table (its indexes go with it).
pub async fn drop(manager: &SchemaManager<'_>, table: &'static str) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}
