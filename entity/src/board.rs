//! A board, sub-group, panel, forum or task-and-finish group of a partnership.
use crate::enums::{BoardKind, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "board")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    /// The board this one reports to.
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: BoardKind,
    pub visibility: Visibility,
    pub meeting_frequency: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub terms_of_reference: Option<String>,
    /// Bumped by every change; a change sent with an older `expectedVersion` is a CONFLICT.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
