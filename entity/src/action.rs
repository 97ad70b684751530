//! Something someone must do: from a resolution, a strategy priority, a DHR action plan, or none.
use crate::enums::{ActionStatus, MissedReason, Rag, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "action")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    /// The owning board: its cleared seats see a restricted action.
    pub board_id: Option<Uuid>,
    pub resolution_id: Option<Uuid>,
    pub priority_id: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub expected_outcome: Option<String>,
    pub lead_person_id: Option<Uuid>,
    pub lead_organisation_id: Option<Uuid>,
    pub start_date: Option<Date>,
    pub due_date: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub resources_required: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub risks: Option<String>,
    pub percent_complete: i32,
    pub rag: Option<Rag>,
    pub status: ActionStatus,
    pub visibility: Visibility,
    /// Why the action was cancelled.
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    /// Why the due date was missed.
    pub missed_reason: Option<MissedReason>,
    /// Optimistic-locking counter: bumped by every write.
    pub version: i32,
    /// Whether the access summary below may be trusted: 0 stale, 1 summarised, 2 read with the
    /// full rule (see `core::access::summarise`). Kept by the database's triggers and the
    /// summariser, never by hand.
    pub access_state: i16,
    /// The one partnership a caller must belong to, along the whole chain of ancestors.
    pub access_partnership_id: Option<Uuid>,
    /// The one board a caller must be cleared on, along the whole chain of ancestors.
    pub access_board_id: Option<Uuid>,
    /// Invalidations so far, so that a summary of an outdated chain is never stored.
    pub access_epoch: i32,
    /// The row's reference in the partnership's own spreadsheet (see `csp-hub import`).
    pub external_ref: Option<String>,
    /// The post that leads it (its current holder acts as lead), beside or instead of a person.
    pub lead_post_id: Option<Uuid>,
    /// How the matters arising report words it; actions of one minute sharing it print as one row.
    #[sea_orm(column_type = "Text", nullable)]
    pub matter: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
