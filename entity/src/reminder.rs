//! A reminder email sent: `person_id` was reminded of `item_id`, due on `due_on` under the clock
//! `clock_id` set. Unique on (kind, clock_id, item_id, person_id): each is sent once.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reminder")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    /// Who was reminded.
    pub person_id: Uuid,
    /// `written_update`, `dhr_action_plan` or `dhr_milestone:<step>` (see `api::domain::reminders`).
    pub kind: String,
    /// What set the clock: the written-update request, or the review.
    pub clock_id: Uuid,
    /// What is owed: the action, or the review whose next milestone is due.
    pub item_id: Uuid,
    pub due_on: Date,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
