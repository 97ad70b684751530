//! One reading of an indicator for a period.
use crate::enums::Rag;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_reading")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub indicator_id: Uuid,
    /// The period as reported ("2017/18 YTD to July").
    pub period: String,
    pub period_end: Date,
    pub value: Option<f64>,
    pub previous_value: Option<f64>,
    /// Change against the previous value, in percent.
    pub change: Option<f64>,
    pub comparator_name: Option<String>,
    pub comparator_value: Option<f64>,
    pub rag: Option<Rag>,
    #[sea_orm(column_type = "Text", nullable)]
    pub commentary: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
