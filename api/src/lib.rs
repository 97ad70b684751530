//! CSP Hub: the GraphQL back end of Community Safety Partnerships.
//!
//! Cross-cutting modules: [`config`], [`auth`] (who is calling), [`access`] (what they may see),
//! [`error`], [`ids`], [`pagination`], [`reports`], [`loaders`], [`context`], [`startup`], [`cli`]. One module
//! per domain area: [`partners`], [`boards`], [`meetings`], [`strategies`], [`actions`],
//! [`indicators`], [`reviews`]; [`graphql`] only merges them into the schema.

pub mod access;
pub mod actions;
pub mod audit;
pub mod auth;
pub mod boards;
pub mod clearances;
pub mod cli;
pub mod config;
pub mod context;
pub mod dates;
pub mod error;
pub mod events;
pub mod export;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod indicators;
pub mod limits;
pub mod loaders;
pub mod meetings;
pub mod metrics;
pub mod pagination;
pub mod partners;
pub mod policy;
pub mod reports;
pub mod reviews;
pub mod search;
pub mod seed;
pub mod startup;
pub mod strategies;
pub mod telemetry;
pub mod types;
pub mod validate;
