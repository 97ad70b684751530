//! A performance indicator ("Violence with injury", "MARAC repeat referrals").
use crate::enums::{Polarity, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub board_id: Option<Uuid>,
    pub name: String,
    pub unit: String,
    pub polarity: Polarity,
    /// Target, or the bottom of a tolerance range (MARAC repeat rate 28-40%).
    pub target_low: Option<f64>,
    pub target_high: Option<f64>,
    pub visibility: Visibility,
    /// Bumped by every change; a change sent with an older `expectedVersion` is a CONFLICT.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
