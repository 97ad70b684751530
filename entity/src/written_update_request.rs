//! A board's request for written updates on its actions, due before its next meeting.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "written_update_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub board_id: Uuid,
    /// The meeting the updates are for.
    pub meeting_id: Uuid,
    pub requested_by_id: Option<Uuid>,
    /// When updates are due: the meeting date less the days the board asked for.
    pub due_on: Date,
    /// Updates recorded after this moment answer the request.
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
