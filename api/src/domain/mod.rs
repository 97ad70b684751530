//! The domain areas, one folder each: a service (plain async functions over the request context:
//! load through access, check the policy, write in one transaction, audit) and the area's GraphQL
//! types, whose resolvers delegate to the service in one call.

pub mod actions;
pub mod administration;
pub mod audit_log;
pub mod boards;
pub mod calendars;
pub mod clearances;
pub mod imports;
pub mod indicators;
pub mod meetings;
pub mod partners;
pub mod reminders;
pub mod reviews;
pub mod search;
pub mod strategies;
pub mod types;
