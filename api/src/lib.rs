//! CSP Hub: the GraphQL back end of Community Safety Partnerships.
//!
//! Cross-cutting modules: [`config`], [`auth`] (who is calling), [`access`] (what they may see),
//! [`error`], [`ids`], [`pagination`], [`loaders`], [`startup`], [`cli`]. One module per domain
//! area: [`partners`], [`boards`], [`meetings`], [`actions`], [`indicators`], [`reviews`];
//! [`graphql`] only merges them into the schema.

pub mod access;
pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod ids;
pub mod pagination;
