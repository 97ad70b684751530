//! Creates `calendar_feed`: a person's private, revocable iCalendar feed URL.
//!
//! Calendar clients (Outlook, Google Calendar, Apple Calendar) subscribe to a URL and cannot send
//! an `Authorization` header, so the URL itself carries a secret. It stands for one person and
//! shows only the dates, venues and status of meetings that person may see. Only the secret's
//! SHA-256 is stored; revoking the row stops the URL at once.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table("calendar_feed");
        fk(&mut t, "calendar_feed", "person_id", "person", false, true);
        t.col(string_len("label", 200))
            .col(string_len_uniq("secret_digest", 64))
            .col(timestamp_with_time_zone_null("revoked_at"));
        create(
            manager,
            helpers::with_timestamps(t),
            "calendar_feed",
            &[&["person_id"]],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        helpers::drop(manager, "calendar_feed").await
    }
}
