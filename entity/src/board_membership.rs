//! A person's seat on a board; `restricted_clearance` is what lets them see the board's restricted items.
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
    pub restricted_clearance: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
