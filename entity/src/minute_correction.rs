//! A correction of an approved minute: both texts and the reason are kept.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "minute_correction")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agenda_item_id: Uuid,
    pub corrected_by_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_text: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub corrected_text: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
