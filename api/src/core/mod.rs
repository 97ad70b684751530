//! The core: what every domain area stands on, and which knows none of them.
//!
//! Who is calling ([`auth`]), what they may see ([`access`]) and do ([`policy`]), the request
//! state ([`context`]) with its batched [`loaders`], the audit writer ([`audit`]), Relay
//! [`pagination`], global [`ids`], the error vocabulary ([`error`]), the database and its write
//! transactions ([`db`]), request admission ([`limits`]), input checks ([`validate`], [`search`],
//! [`dates`]), live-update [`events`], issued bearer [`secrets`] and the printable document model
//! ([`report`]).
//!
//! Nothing here imports `crate::domain`, `crate::http` or `crate::schema`; the `layering` test
//! fails if anything does.

pub mod access;
pub mod access_summary;
pub mod audit;
pub mod auth;
pub mod context;
pub mod dates;
pub mod db;
pub mod error;
pub mod events;
pub mod guard;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod loaders;
pub mod nested_plan;
pub mod pagination;
pub mod policy;
pub mod report;
pub mod search;
pub mod secrets;
pub mod validate;
pub mod versioned;
