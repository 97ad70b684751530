//! Clearance for a board's restricted items: a request, a second person's decision, an expiry.
//!
//! Whether it is in force (approved, unexpired, on a current seat) is decided in `api::auth`
//! when the caller is loaded; nothing here grants anything by itself.
use crate::enums::ClearanceStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "clearance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub board_id: Uuid,
    /// The seat it clears.
    pub membership_id: Uuid,
    /// The person it clears (the seat's holder).
    pub person_id: Uuid,
    pub status: ClearanceStatus,
    /// Who asked; `None` for a request carried over from the old per-seat flag.
    pub requested_by_id: Option<Uuid>,
    pub requested_at: DateTimeUtc,
    pub request_reason: Option<String>,
    /// Who approved or refused it.
    pub decided_by_id: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
    /// When an approval lapses (set on approval).
    pub expires_at: Option<DateTimeUtc>,
    /// Who revoked it (or renewed it, for a superseded row).
    pub ended_by_id: Option<Uuid>,
    pub ended_at: Option<DateTimeUtc>,
    pub end_reason: Option<String>,
    /// The approval this one renews.
    pub renewed_from_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
