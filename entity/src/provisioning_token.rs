//! A credential with which one identity provider provisions the people of one organisation over
//! SCIM. Only the digest of its secret is kept.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "provisioning_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organisation whose people it manages, and no other.
    pub organisation_id: Uuid,
    /// The partnership whose administrator issued it (its audit rows belong there).
    pub partnership_id: Uuid,
    pub created_by: Uuid,
    /// What the administrators call it ("Met Police Entra ID").
    pub label: String,
    /// The provider whose tokens sign in the people it provisions (their `identity_issuer`).
    pub issuer: String,
    /// SHA-256 of the secret, hex.
    #[sea_orm(unique)]
    pub secret_digest: String,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
