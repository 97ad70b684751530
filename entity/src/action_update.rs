//! One progress report on an action: the history is append-only.
use crate::enums::Rag;
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
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
