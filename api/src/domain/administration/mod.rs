//! Administration of a partnership's reference data: its settings, the organisations that serve
//! it and their people, so a council can run its own partnership without touching SQL.
//!
//! Reads of these records live in `partners`; this area only changes them. Each resolver is one
//! call to [`service`].

pub mod bootstrap;
pub mod provisioning;
pub mod service;

use crate::core::context::CtxExt;
use crate::core::error::ApiResult;
use crate::domain::partners::{Organisation, Partnership, Person, Post};
use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use provisioning::IssueProvisioningTokenInput;
use service::{
    AddOrganisationToPartnershipInput, AppointToPostInput, CreateOrganisationInput,
    CreatePersonInput, CreatePostInput, UpdateOrganisationInput, UpdatePartnershipInput,
    UpdatePersonInput, VacatePostInput,
};

/// Mutations of this area.
#[derive(Default)]
pub struct AdministrationMutation;

#[Object]
impl AdministrationMutation {
    /// Changes a partnership's name, area or settings (its administrators). Audited with the
    /// values before and after.
    async fn update_partnership(
        &self,
        ctx: &Context<'_>,
        input: UpdatePartnershipInput,
    ) -> ApiResult<Partnership> {
        service::update_partnership(ctx.req()?, input)
            .await
            .map(Partnership)
    }

    /// Creates an organisation serving a partnership (its administrators).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> ApiResult<Organisation> {
        service::create_organisation(ctx.req()?, input)
            .await
            .map(Organisation)
    }

    /// Changes an organisation (administrators of any partnership it serves).
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> ApiResult<Organisation> {
        service::update_organisation(ctx.req()?, input)
            .await
            .map(Organisation)
    }

    /// Makes an existing organisation (a police force, a trust) serve another partnership too
    /// (that partnership's administrators).
    async fn add_organisation_to_partnership(
        &self,
        ctx: &Context<'_>,
        input: AddOrganisationToPartnershipInput,
    ) -> ApiResult<Organisation> {
        service::add_organisation_to_partnership(ctx.req()?, input)
            .await
            .map(Organisation)
    }

    /// Creates a person in an organisation, optionally with the identity they sign in with
    /// (administrators of any partnership the organisation serves).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> ApiResult<Person> {
        service::create_person(ctx.req()?, input).await.map(Person)
    }

    /// Changes a person; `active: false` ends their access on their next request and closes
    /// their open subscriptions (administrators of any partnership their organisation serves).
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> ApiResult<Person> {
        service::update_person(ctx.req()?, input).await.map(Person)
    }

    /// Creates a post ("Head of Safer Communities") in an organisation serving the partnership
    /// (its administrators). Actions and priorities can then be led by the post.
    async fn create_post(&self, ctx: &Context<'_>, input: CreatePostInput) -> ApiResult<Post> {
        service::create_post(ctx.req()?, input).await.map(Post)
    }

    /// Appoints a person of the post's organisation to it from a date; the previous holder's
    /// time ends the day before. The holder acts as lead of what the post leads.
    async fn appoint_to_post(
        &self,
        ctx: &Context<'_>,
        input: AppointToPostInput,
    ) -> ApiResult<Post> {
        service::appoint_to_post(ctx.req()?, input).await.map(Post)
    }

    /// Ends the current holding: the post shows as vacant from the next day.
    async fn vacate_post(&self, ctx: &Context<'_>, input: VacatePostInput) -> ApiResult<Post> {
        service::vacate_post(ctx.req()?, input).await.map(Post)
    }

    /// Issues a token with which one identity provider provisions one organisation's people over
    /// SCIM 2.0 (`/scim/v2`); administrators of the partnership. The secret is shown in this
    /// answer and never again, so store it in the provider at once.
    async fn issue_provisioning_token(
        &self,
        ctx: &Context<'_>,
        input: IssueProvisioningTokenInput,
    ) -> ApiResult<IssuedProvisioningToken> {
        provisioning::issue_provisioning_token(ctx.req()?, input)
            .await
            .map(IssuedProvisioningToken)
    }

    /// Revokes a provisioning token: the provider's next request is refused. The people it
    /// provisioned are untouched.
    async fn revoke_provisioning_token(
        &self,
        ctx: &Context<'_>,
        token_id: ID,
    ) -> ApiResult<ProvisioningToken> {
        provisioning::revoke_provisioning_token(ctx.req()?, token_id)
            .await
            .map(ProvisioningToken)
    }
}

/// Queries of this area.
#[derive(Default)]
pub struct AdministrationQuery;

#[Object]
impl AdministrationQuery {
    /// A partnership's SCIM provisioning tokens, newest first; empty for anyone but its
    /// administrators.
    async fn provisioning_tokens(
        &self,
        ctx: &Context<'_>,
        partnership_id: ID,
    ) -> ApiResult<Vec<ProvisioningToken>> {
        let tokens = provisioning::provisioning_tokens(ctx.req()?, partnership_id).await?;
        Ok(tokens.into_iter().map(ProvisioningToken).collect())
    }
}

/// A credential an identity provider provisions one organisation's people with (SCIM 2.0). Its
/// secret is never shown again after issue.
pub struct ProvisioningToken(pub entity::provisioning_token::Model);

#[Object]
impl ProvisioningToken {
    pub async fn id(&self) -> ID {
        crate::core::ids::encode(crate::core::ids::Kind::ProvisioningToken, self.0.id)
    }
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The provider whose sign-in tokens the people it provisions carry.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }
    /// The organisation whose people it manages.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(ctx
            .req()?
            .load::<entity::organisation::Entity>(self.0.organisation_id)
            .await?
            .map(Organisation))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it stopped working; null while it works.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A provisioning token just issued, with its secret.
pub struct IssuedProvisioningToken(provisioning::Issued);

#[Object]
impl IssuedProvisioningToken {
    async fn token(&self) -> ProvisioningToken {
        ProvisioningToken(self.0.token.clone())
    }
    /// The bearer secret for the provider's SCIM settings; shown this once, never stored.
    async fn secret(&self) -> &str {
        &self.0.secret
    }
}
