//! A Domestic Homicide Review, known by a pseudonym. Restricted until published.
use crate::enums::{ReviewStatus, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "domestic_homicide_review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    /// The board (panel or task-and-finish group) whose cleared seats see the review.
    pub board_id: Uuid,
    pub pseudonym: String,
    pub status: ReviewStatus,
    pub notified_on: Option<Date>,
    pub commissioned_on: Option<Date>,
    pub submitted_on: Option<Date>,
    pub qa_panel_on: Option<Date>,
    pub published_on: Option<Date>,
    /// The last step: a copy of the published report sent to the Domestic Abuse Commissioner.
    pub commissioner_copy_sent_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    /// Stored marking; `api::access` treats every unpublished review as restricted whatever it says.
    pub visibility: Visibility,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
