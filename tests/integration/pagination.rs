//! Keyset pagination: forwards, backwards, stable cursors, nulls last.

use crate::common::TestApp;
use crate::fixtures::*;
use chrono::NaiveDate;
use serde_json::{json, Value};

async fn titles(app: &TestApp, query: &str, vars: Value) -> (Vec<String>, Value) {
    let reply = app.gql(Some(PARTNER), query, vars).await;
    let conn = reply.data()["actions"].clone();
    let titles = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect();
    (titles, conn)
}

#[tokio::test]
async fn pages_forwards_and_backwards_cover_the_list_exactly_once() {
    let app = TestApp::spawn().await;
    let b = Builder { db: app.db() };
    let p = b.partnership("paging").await;
    let org = b.organisation("Org", &[p]).await;
    b.person(org, PARTNER).await;
    for i in 0..7 {
        // Two share a due date (ties broken by id); two have none (they sort last).
        let due = match i {
            0 | 1 => None,
            2 | 3 => NaiveDate::from_ymd_opt(2025, 6, 1),
            n => NaiveDate::from_ymd_opt(2025, 1, n as u32),
        };
        let mut a = b.action(p, &format!("A{i}"));
        if let Some(d) = due {
            a = a.due(d);
        }
        a.insert().await;
    }
    let q = "query($after: String) { actions(first: 3, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { cursor node { title dueDate } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let (page, conn) = titles(&app, q, json!({ "after": after })).await;
        assert_eq!(conn["totalCount"], 7);
        seen.extend(page);
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[..3], ["A4", "A5", "A6"]);
    assert_eq!(
        seen[5..]
            .iter()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        ["A0".to_string(), "A1".to_string()].into()
    );

    // Backwards from the end gives the same order.
    let q_back = "query($before: String) { actions(last: 3, before: $before) { pageInfo { hasPreviousPage startCursor } edges { node { title } } } }";
    let mut back = Vec::new();
    let mut before = Value::Null;
    loop {
        let (page, conn) = titles(&app, q_back, json!({ "before": before })).await;
        back.splice(0..0, page);
        if !conn["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = conn["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(back, seen);

    // Descending by due date puts the undated first (the exact reverse).
    let (desc, _) = titles(&app, "{ actions(first: 10, orderBy: { field: DUE_DATE, direction: DESC }) { edges { node { title } } } }", json!({})).await;
    let mut reversed = seen.clone();
    reversed.reverse();
    assert_eq!(desc, reversed);
}

#[tokio::test]
async fn filters_combine() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($org: ID!) { actions(filter: { leadOrganisationId: $org, rag: [GREEN, AMBER], overdue: true }) { totalCount edges { node { title overdue } } } }"#;
    let reply = app
        .gql(
            Some(PARTNER),
            q,
            json!({ "org": gid(api::core::ids::Kind::Organisation, w.police) }),
        )
        .await;
    assert_eq!(reply.data()["actions"]["totalCount"], 1);
    assert_eq!(
        reply.data()["actions"]["edges"][0]["node"]["title"],
        "Publish the strategy"
    );
    assert_eq!(reply.data()["actions"]["edges"][0]["node"]["overdue"], true);
}
