//! Creates `provisioning_token` and adds `person.external_id` and `person.removed_at`, for SCIM
//! 2.0 provisioning (RFC 7643/7644) by the partners' identity providers.
//!
//! A provisioning token lets one identity provider manage the people of one organisation, and
//! nothing else. Only its SHA-256 digest is stored: a copy of the database does not let anyone
//! provision people. `removed_at` is when the provider deleted a person: deleting never destroys
//! history, so the person stays (inactive) as the author of what they wrote, and the provider no
//! longer sees them.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table("provisioning_token");
        fk(
            &mut t,
            "provisioning_token",
            "organisation_id",
            "organisation",
            false,
            true,
        );
        fk(
            &mut t,
            "provisioning_token",
            "partnership_id",
            "partnership",
            false,
            true,
        );
        fk(
            &mut t,
            "provisioning_token",
            "created_by",
            "person",
            false,
            false,
        );
        t.col(string_len("label", 200))
            .col(string_len("issuer", 500))
            .col(string_len_uniq("secret_digest", 64))
            .col(timestamp_with_time_zone_null("revoked_at"));
        create(
            manager,
            helpers::with_timestamps(t),
            "provisioning_token",
            &[&["organisation_id"]],
        )
        .await?;
        for column in [
            string_len_null("external_id", 200),
            timestamp_with_time_zone_null("removed_at"),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("person")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["external_id", "removed_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("person")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        helpers::drop(manager, "provisioning_token").await
    }
}
