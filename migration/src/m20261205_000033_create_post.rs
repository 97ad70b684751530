//! Creates `post` and `post_holder`, and adds `lead_post_id` to actions and priorities.
//!
//! Delivery plans name a post as often as a person ("Head of Safer Communities, Bromley
//! Council"; "MARAC Chair"). A post belongs to an organisation and serves a partnership; people
//! hold it over dated periods, and a post nobody holds now is vacant, shown as vacant, never as an
//! invented person. An action or a priority can be led by a post, a person, or both.
//!
//! The new `lead_post_id` columns carry an index but no foreign key: SQLite cannot add one to an
//! existing table, and the API only ever sets them to a post it has just loaded.

use crate::helpers::{self, create, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut t = helpers::table("post");
        fk(&mut t, "post", "partnership_id", "partnership", false, true);
        fk(
            &mut t,
            "post",
            "organisation_id",
            "organisation",
            false,
            true,
        );
        t.col(string_len("title", 200));
        create(
            manager,
            helpers::with_timestamps(t),
            "post",
            &[&["partnership_id"], &["organisation_id"]],
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_post_title")
                    .table("post")
                    .col("partnership_id")
                    .col("organisation_id")
                    .col("title")
                    .unique()
                    .to_owned(),
            )
            .await?;
        let mut h = helpers::table("post_holder");
        fk(&mut h, "post_holder", "post_id", "post", false, true);
        fk(&mut h, "post_holder", "person_id", "person", false, true);
        h.col(date_null("starts_on")).col(date_null("ends_on"));
        create(
            manager,
            helpers::with_timestamps(h),
            "post_holder",
            &[&["post_id"], &["person_id"]],
        )
        .await?;
        for table in ["action", "priority"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(uuid_null("lead_post_id"))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_lead_post_id"))
                        .table(table)
                        .col("lead_post_id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["action", "priority"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{table}_lead_post_id"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("lead_post_id")
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("post_holder").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("post").to_owned())
            .await
    }
}
