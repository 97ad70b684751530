//! The policy tables as a document: `api::core::policy::markdown()` kept as a snapshot
//! (`snapshots/integration__policy__policy.snap`), so any change to who may do what shows up as a
//! diff of that file in review, and a change without the updated snapshot fails here.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test integration policy` (or
//! `cargo insta review`), then read the diff and commit it.

#[test]
fn the_policy_tables_match_the_committed_document() {
    insta::assert_snapshot!("policy", api::core::policy::markdown());
}
