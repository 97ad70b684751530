//! Integration tests: the real HTTP endpoint on a real database (see `common`).

mod common;
mod fixtures;

mod access;
mod access_summary;
mod administration;
mod auth;
mod board_writes;
mod clearances;
mod demo;
mod errors;
mod export;
mod http;
mod imports;
mod indicator_writes;
mod layering;
mod limits;
mod live;
mod meeting_changes;
mod meeting_writes;
mod nested;
mod oidc;
mod pagination;
mod performance;
mod permissions;
mod policy;
mod posts;
mod reports;
mod resilience;
mod restricted_reads;
mod review_writes;
mod schema;
mod strategies;
mod tokens;
mod versions;
mod writes;
