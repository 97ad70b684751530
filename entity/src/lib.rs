//! SeaORM entities for CSP Hub: one module per table, plain data only.
//!
//! No GraphQL and no visibility decisions here: GraphQL types live in `api`, so personal fields are
//! exposed deliberately, and every read goes through `api::access`, which adds the caller's conditions.

pub mod enums;

pub mod action;
pub mod action_supporter;
pub mod action_update;
pub mod agenda_item;
pub mod attendance;
pub mod audit_log;
pub mod board;
pub mod board_membership;
pub mod calendar_feed;
pub mod clearance;
pub mod declaration_of_interest;
pub mod domestic_homicide_review;
pub mod indicator;
pub mod indicator_reading;
pub mod indicator_target;
pub mod meeting;
pub mod minute_correction;
pub mod organisation;
pub mod organisation_partnership;
pub mod partnership;
pub mod partnership_administrator;
pub mod person;
pub mod post;
pub mod post_holder;
pub mod priority;
pub mod provenance;
pub mod provisioning_token;
pub mod reminder;
pub mod resolution;
pub mod strategy;
pub mod written_update_request;
