//! Adds `person.identity_issuer`: the identity provider (`iss`) whose tokens may sign this person
//! in. Null means the server's own issuer (`CSP_JWT_ISSUER`). Matching on `sub` alone would let
//! any configured provider sign in as anyone whose subject it can put in a token.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("person")
                    .add_column(string_len_null("identity_issuer", 300))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("person")
                    .drop_column("identity_issuer")
                    .to_owned(),
            )
            .await
    }
}
