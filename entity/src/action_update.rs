//! One progress report on an action: the history is append-only.
use crate::enums::{ActionStatus, Rag};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "action_update")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub action_id: Uuid,
    pub author_id: Option<Uuid>,
    pub reported_on: Date,
    /// Reporting period as the papers write it ("2023/24 Q2").
    pub period: Option<String>,
    pub rag: Option<Rag>,
    pub percent_complete: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub narrative: String,
    /// The status the action entered with this entry; null when the entry only reports progress.
    pub status: Option<ActionStatus>,
    /// Carried forward on the matters arising list (true) or taken off it (false); null when
    /// the entry does not change that.
    pub on_matters_arising: Option<bool>,
    /// Read off a paper rather than reported by anyone (demo history the papers imply).
    pub inferred: bool,
    /// The paper, and place in it, an inferred entry was read from.
    #[sea_orm(column_type = "Text", nullable)]
    pub source: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
