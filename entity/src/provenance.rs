//! Where a record loaded from the published papers came from, and whether any of its values
//! were invented where the papers are silent. Keyed by the record's type and id; records entered
//! through the API have none.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "provenance")]
pub struct Model {
    /// The record's table ("action", "meeting", ...).
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_id: Uuid,
    /// The paper and the place in it (minute, page, table) the record was read from.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    /// Whether any value of the record was invented.
    pub invented: bool,
    /// Which values were invented or inferred, and how.
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
