//! A person's seat on a board. Sight of the board's restricted items is a separate, governed
//! grant on the seat: see `clearance`.
use crate::enums::MembershipRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "board_membership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub person_id: Uuid,
    pub role: MembershipRole,
    pub starts_on: Option<Date>,
    /// The last day of the seat; `None` while it is held.
    pub ends_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
