//! A resolution ("RESOLVED that ...") recorded under an agenda item.
use crate::enums::ResolutionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resolution")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agenda_item_id: Uuid,
    pub ordinal: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    /// Owners' initials exactly as the minutes wrote them ("SK/LC").
    pub owners_initials: Option<String>,
    /// Resolved, or noted for follow-up without a resolution.
    pub kind: ResolutionKind,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
