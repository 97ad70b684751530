//! An agenda item of a meeting and, once minuted, its minute.
use crate::enums::{AgendaItemType, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Copied from the meeting so visibility conditions need no join.
    pub partnership_id: Uuid,
    /// Copied from the meeting: the board whose cleared seats see a restricted item.
    pub board_id: Uuid,
    pub meeting_id: Uuid,
    pub ordinal: i32,
    pub sub_letter: Option<String>,
    pub title: String,
    /// What people who are not cleared see of a restricted item ("Domestic Homicide Review – RESTRICTED").
    /// Without it a restricted item is hidden from them entirely.
    pub stub_title: Option<String>,
    pub presenter: Option<String>,
    pub item_type: AgendaItemType,
    pub time_allowed_minutes: Option<i32>,
    pub visibility: Visibility,
    /// The board's running minute number.
    pub minute_number: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub minute_text: Option<String>,
    /// Bumped by every change; a change sent with an older `expectedVersion` is a CONFLICT.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
