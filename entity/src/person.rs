//! A member of staff of an organisation.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub post_title: Option<String>,
    /// Initials as minutes write them ("LB").
    pub initials: Option<String>,
    pub email: Option<String>,
    /// The `sub` claim a sign-in token carries for this person.
    #[sea_orm(unique)]
    pub subject: Option<String>,
    /// The identity provider whose tokens sign this person in; `None`: the server's own issuer.
    pub identity_issuer: Option<String>,
    /// Inactive people cannot sign in.
    pub active: bool,
    /// May update progress on any action its organisation leads.
    pub organisation_editor: bool,
    /// The identity provider's own identifier for them (SCIM `externalId`).
    pub external_id: Option<String>,
    /// When their identity provider deleted them: they stay, inactive, as the author of what they
    /// wrote, and the provider no longer sees them.
    pub removed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
