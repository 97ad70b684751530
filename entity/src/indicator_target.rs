//! An indicator's target or tolerance range from a date: the one in force for a period is the
//! latest that took effect on or before the period's end.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub indicator_id: Uuid,
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    pub effective_from: Date,
    /// Who set it; `None` for a target carried over from before the history was kept.
    pub set_by_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
