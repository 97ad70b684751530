//! A numbered priority of a strategy, with its lead.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "priority")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub strategy_id: Uuid,
    pub partnership_id: Uuid,
    pub number: i32,
    pub title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub aim: Option<String>,
    pub lead_person_id: Option<Uuid>,
    pub lead_organisation_id: Option<Uuid>,
    /// The post that leads it, beside or instead of a person.
    pub lead_post_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
