//! CSP Hub: the GraphQL back end of Community Safety Partnerships.
//!
//! # Layers
//!
//! - [`core`]: access control, policy, the audit writer, the request context and its loaders,
//!   pagination, ids, errors, the database. It knows no domain area.
//! - [`domain`]: one folder per area (partners, boards, clearances, meetings, strategies,
//!   actions, indicators, reviews, audit log). Each has a `service` of plain async functions
//!   over [`core::context::RequestContext`] and its GraphQL types. Services never import GraphQL
//!   types; only the areas' GraphQL types refer to each other (`Board.actions`, `Action.board`).
//! - [`schema`]: assembles the areas' roots and the Relay `Node` interface into one schema.
//! - [`http`]: GraphQL over HTTP and WebSocket, the CSV export, health and metrics; the caller's
//!   token and purpose are read there once, for both transports.
//! - [`startup`], [`cli`], [`config`], [`seed`], [`generate`], [`telemetry`]: running the
//!   server and filling its database.
//!
//! Imports point down this list only: `core` imports no `domain`, `http` or `schema`
//! (the `layering` integration test fails when it does), a service imports no GraphQL type, and
//! `domain` imports no `http`.

pub mod cli;
pub mod config;
pub mod core;
pub mod domain;
pub mod generate;
pub mod http;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod telemetry;
