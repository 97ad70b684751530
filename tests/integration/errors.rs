//! Bad input gets a coded GraphQL error, never a panic or a 500.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use serde_json::json;

#[tokio::test]
async fn malformed_input_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let cases: Vec<(&str, &str, serde_json::Value)> = vec![
        ("malformed id", "query($id: ID!) { node(id: $id) { id } }", json!({ "id": "%%%not-base64" })),
        ("unknown id type", "query($id: ID!) { node(id: $id) { id } }", json!({ "id": "V2lkZ2V0OjEyMw" })),
        ("id of the wrong type", "query($id: ID!) { actions(filter: { boardId: $id }) { totalCount } }", json!({ "id": gid(Kind::Action, w.public_action) })),
        ("bad enum", "query($r: [Rag!]) { actions(filter: { rag: $r }) { totalCount } }", json!({ "r": ["PURPLE"] })),
        ("invalid date", "query($d: NaiveDate) { actions(filter: { dueBefore: $d }) { totalCount } }", json!({ "d": "2024-02-31" })),
        ("page too large", "{ actions(first: 101) { totalCount } }", json!({})),
        ("negative page", "{ actions(first: -1) { totalCount } }", json!({})),
        ("first and last", "{ actions(first: 2, last: 2) { totalCount } }", json!({})),
        ("bad cursor", r#"{ actions(after: "bm9wZQ") { totalCount } }"#, json!({})),
        ("empty search", r#"{ actions(filter: { search: "  " }) { totalCount } }"#, json!({})),
        ("attendance period reversed", "query($id: ID!) { node(id: $id) { ... on Board { attendanceRates(from: \"2025-02-01\", to: \"2025-01-01\") { rate } } } }", json!({ "id": gid(Kind::Board, w.strategic_board) })),
    ];
    for (label, query, variables) in cases {
        let reply = app.gql(None, query, variables).await;
        assert_eq!(reply.status, 200, "{label}: {}", reply.body);
        assert_eq!(
            reply.error_code(),
            "BAD_USER_INPUT",
            "{label}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn the_field_in_error_is_named() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql(None, "{ actions(first: 500) { totalCount } }", json!({}))
        .await;
    let error = &reply.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(error["extensions"]["field"], "first");
    assert!(error["message"].as_str().unwrap().contains("100"));
}

#[tokio::test]
async fn invalid_documents_get_a_code_too() {
    let app = TestApp::spawn().await;
    let reply = app.gql(None, "{ noSuchField }", json!({})).await;
    assert_eq!(reply.error_code(), "GRAPHQL_VALIDATION_FAILED");
    let reply = app.gql(None, "{ unclosed", json!({})).await;
    assert!(
        reply.status == 200 || reply.status == 400,
        "status {}",
        reply.status
    );
    assert_eq!(reply.error_code(), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn extreme_dates_are_refused_not_panicked_on() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let reply = app
        .gql(
            None,
            r#"{ meetings(filter: { to: "+262142-12-31" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    let q = r#"query($id: ID!) { node(id: $id) { ... on Board { attendanceRates(to: "-262143-01-10") { rate } } } }"#;
    let reply = app
        .gql(
            None,
            q,
            json!({ "id": gid(Kind::Board, w.strategic_board) }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
}
