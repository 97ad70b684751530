//! Who did or read what, when, and why. Append-only: the API offers no update or delete.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub person_id: Option<Uuid>,
    pub partnership_id: Option<Uuid>,
    /// What was done ("read", "updateActionProgress").
    pub operation: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    /// "allowed", "denied", "failed".
    pub outcome: String,
    /// The purpose the caller stated (`X-Access-Purpose`).
    pub purpose: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
