//! A person's private iCalendar feed URL: meeting dates and venues they may see, for calendar
//! clients that cannot send a token. Only the digest of its secret is kept.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_feed")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Whose meetings it shows (what they may see, when it is read).
    pub person_id: Uuid,
    /// What its owner calls it ("Outlook at work").
    pub label: String,
    /// SHA-256 of the secret in its URL, hex.
    #[sea_orm(unique)]
    pub secret_digest: String,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
