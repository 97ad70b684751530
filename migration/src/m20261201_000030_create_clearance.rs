//! Creates `clearance`: sight of a board's restricted items as a governed, time-limited grant,
//! and moves the old `board_membership.restricted_clearance` flag into it.
//!
//! A clearance is requested by one person and takes effect only once a *second*, entitled person
//! approves it (never the person it clears); it grants nothing after `expires_at`, nor once
//! revoked, refused or superseded by a renewal. Every step is a row's state, so the register
//! (who holds clearance, granted by whom, when, until when) is a query, not a reconstruction.
//!
//! The old flag was set by one person (an administrator could set it on their own seat), so it
//! carries over as a *pending* request: nobody keeps sight of restricted content on the strength
//! of it, and an entitled second person approves the ones that should stand.
//! `partnership.clearance_validity_months` (default 12) sets how long an approval lasts.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const T: &str = "clearance";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table(T);
        fk(&mut t, T, "partnership_id", "partnership", false, true);
        fk(&mut t, T, "board_id", "board", false, true);
        fk(&mut t, T, "membership_id", "board_membership", false, true);
        fk(&mut t, T, "person_id", "person", false, true);
        t.col(string_len("status", 32));
        fk(&mut t, T, "requested_by_id", "person", true, false);
        t.col(timestamp_with_time_zone("requested_at"))
            .col(text_null("request_reason"));
        fk(&mut t, T, "decided_by_id", "person", true, false);
        t.col(timestamp_with_time_zone_null("decided_at"))
            .col(text_null("decision_note"))
            .col(timestamp_with_time_zone_null("expires_at"));
        fk(&mut t, T, "ended_by_id", "person", true, false);
        t.col(timestamp_with_time_zone_null("ended_at"))
            .col(text_null("end_reason"));
        fk(&mut t, T, "renewed_from_id", "clearance", true, false);
        create(
            manager,
            helpers::with_timestamps(t),
            T,
            &[
                &["membership_id"],
                &["person_id", "status"],
                &["board_id", "status", "expires_at"],
                &["partnership_id", "status"],
            ],
        )
        .await?;
        // At most one open (pending or approved) clearance per seat, even under concurrent
        // requests. Partial unique indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_clearance_open_per_seat ON clearance (membership_id) \
                 WHERE status IN ('pending', 'approved')",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("partnership")
                    .add_column(integer("clearance_validity_months").default(12))
                    .to_owned(),
            )
            .await?;
        // The old flag becomes a pending request awaiting a second person's approval.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO clearance (id, partnership_id, board_id, membership_id, person_id, \
                 status, requested_by_id, requested_at, request_reason, created_at, updated_at) \
                 SELECT m.id, b.partnership_id, m.board_id, m.id, m.person_id, 'pending', NULL, \
                 m.updated_at, 'carried over from the seat''s former clearance flag: needs approval', \
                 m.updated_at, m.updated_at \
                 FROM board_membership m JOIN board b ON b.id = m.board_id \
                 WHERE m.restricted_clearance",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("board_membership")
                    .drop_column("restricted_clearance")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("board_membership")
                    .add_column(boolean("restricted_clearance").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE board_membership SET restricted_clearance = TRUE WHERE id IN \
                 (SELECT membership_id FROM clearance WHERE status = 'approved')",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("partnership")
                    .drop_column("clearance_validity_months")
                    .to_owned(),
            )
            .await?;
        helpers::drop(manager, T).await
    }
}
