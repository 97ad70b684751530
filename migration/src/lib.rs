//! Database migrations for CSP Hub: one table per file, each with a real `down`.
//!
//! Only portable column types are used (UUID, varchar, text, integer, double, date, timestamptz,
//! boolean), so the same migrations run on SQLite (the embedded default) and PostgreSQL. Every
//! foreign key and every column that lists filter or sort by has an index. A migration that has
//! landed is never edited: add a new one.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261123_000001_create_partnership;
mod m20261123_000002_create_organisation;
mod m20261123_000003_create_organisation_partnership;
mod m20261123_000004_create_person;
mod m20261123_000005_create_board;
mod m20261123_000006_create_board_membership;
mod m20261123_000007_create_meeting;
mod m20261123_000008_create_agenda_item;
mod m20261123_000009_create_resolution;
mod m20261123_000010_create_attendance;
mod m20261123_000011_create_declaration_of_interest;
mod m20261123_000012_create_strategy;
mod m20261123_000013_create_priority;
mod m20261123_000014_create_domestic_homicide_review;
mod m20261123_000015_create_action;
mod m20261123_000016_create_action_supporter;
mod m20261123_000017_create_action_update;
mod m20261123_000018_create_indicator;
mod m20261123_000019_create_indicator_reading;
mod m20261123_000020_create_audit_log;
mod m20261123_000021_add_person_organisation_editor;
mod m20261123_000022_add_action_status_reason;
mod m20261123_000023_create_partnership_administrator;
mod m20261123_000024_add_partnership_require_access_purpose;
mod m20261123_000025_add_review_commissioner_copy;
mod m20261123_000026_create_written_update_request;
mod m20261123_000027_create_minute_correction;
mod m20261123_000028_add_meeting_cancelled_reason;
mod m20261123_000029_add_person_identity_issuer;
mod m20261201_000030_create_clearance;
mod m20261201_000031_add_action_access_summary;
mod m20261205_000032_add_action_external_ref;
mod m20261205_000033_create_post;
mod m20261205_000034_create_indicator_target;
mod m20261205_000035_add_versions;
mod m20261206_000036_create_provisioning_token;
mod m20261206_000037_create_calendar_feed;
mod m20261206_000038_create_search_index;
mod m20261206_000039_create_reminder;
mod m20261206_000040_add_record_history;

/// Applies the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_partnership::Migration),
            Box::new(m20261123_000002_create_organisation::Migration),
            Box::new(m20261123_000003_create_organisation_partnership::Migration),
            Box::new(m20261123_000004_create_person::Migration),
            Box::new(m20261123_000005_create_board::Migration),
            Box::new(m20261123_000006_create_board_membership::Migration),
            Box::new(m20261123_000007_create_meeting::Migration),
            Box::new(m20261123_000008_create_agenda_item::Migration),
            Box::new(m20261123_000009_create_resolution::Migration),
            Box::new(m20261123_000010_create_attendance::Migration),
            Box::new(m20261123_000011_create_declaration_of_interest::Migration),
            Box::new(m20261123_000012_create_strategy::Migration),
            Box::new(m20261123_000013_create_priority::Migration),
            Box::new(m20261123_000014_create_domestic_homicide_review::Migration),
            Box::new(m20261123_000015_create_action::Migration),
            Box::new(m20261123_000016_create_action_supporter::Migration),
            Box::new(m20261123_000017_create_action_update::Migration),
            Box::new(m20261123_000018_create_indicator::Migration),
            Box::new(m20261123_000019_create_indicator_reading::Migration),
            Box::new(m20261123_000020_create_audit_log::Migration),
            Box::new(m20261123_000021_add_person_organisation_editor::Migration),
            Box::new(m20261123_000022_add_action_status_reason::Migration),
            Box::new(m20261123_000023_create_partnership_administrator::Migration),
            Box::new(m20261123_000024_add_partnership_require_access_purpose::Migration),
            Box::new(m20261123_000025_add_review_commissioner_copy::Migration),
            Box::new(m20261123_000026_create_written_update_request::Migration),
            Box::new(m20261123_000027_create_minute_correction::Migration),
            Box::new(m20261123_000028_add_meeting_cancelled_reason::Migration),
            Box::new(m20261123_000029_add_person_identity_issuer::Migration),
            Box::new(m20261201_000030_create_clearance::Migration),
            Box::new(m20261201_000031_add_action_access_summary::Migration),
            Box::new(m20261205_000032_add_action_external_ref::Migration),
            Box::new(m20261205_000033_create_post::Migration),
            Box::new(m20261205_000034_create_indicator_target::Migration),
            Box::new(m20261205_000035_add_versions::Migration),
            Box::new(m20261206_000036_create_provisioning_token::Migration),
            Box::new(m20261206_000037_create_calendar_feed::Migration),
            Box::new(m20261206_000038_create_search_index::Migration),
            Box::new(m20261206_000039_create_reminder::Migration),
            Box::new(m20261206_000040_add_record_history::Migration),
        ]
    }
}

/// The full-text search expression of migration 038, so the API's queries repeat the indexed
/// expression exactly (PostgreSQL uses the index only for the same expression).
pub use m20261206_000038_create_search_index::postgres_document as search_document;
