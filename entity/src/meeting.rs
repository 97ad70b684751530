//! A sitting of a board.
use crate::enums::{MeetingStatus, MinutesStatus, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub board_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub venue: Option<String>,
    pub status: MeetingStatus,
    pub minutes_status: MinutesStatus,
    pub visibility: Visibility,
    /// Why a cancelled meeting was cancelled.
    pub cancelled_reason: Option<String>,
    /// Bumped by every change; a change sent with an older `expectedVersion` is a CONFLICT.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
