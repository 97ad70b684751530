//! A Community Safety Partnership: the top-level scope of almost every record.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partnership")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Short stable name used in URLs and by the seed data (`bromley`).
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub area: Option<String>,
    /// Restricted reads must state a purpose (`X-Access-Purpose`).
    pub require_access_purpose: bool,
    /// How long an approved clearance lasts before it must be renewed (default 12).
    pub clearance_validity_months: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
