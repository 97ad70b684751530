//! No N+1: the number of SQL statements for a page does not grow with the page size.

use crate::common::TestApp;
use crate::fixtures::*;
use chrono::NaiveDate;
use entity::enums::Visibility;
use serde_json::json;

#[tokio::test]
async fn statements_per_page_do_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    let b = Builder { db: app.db() };
    let p = b.partnership("load").await;
    let mut orgs = Vec::new();
    for i in 0..5 {
        orgs.push(b.organisation(&format!("Org {i}"), &[p]).await);
    }
    let viewer = b.person(orgs[0], PARTNER).await;
    let board = b.board(p, "Board", Visibility::Partnership).await;
    b.seat(board, viewer, false, None).await;
    for i in 0..60 {
        let org = orgs[i % orgs.len()];
        let lead = b.person(org, &format!("lead-{i}")).await;
        let action = b
            .action(p, &format!("Action {i}"))
            .board(board)
            .visibility(Visibility::Partnership)
            .lead(lead, org)
            .due(NaiveDate::from_ymd_opt(2026, 1, 1 + (i % 28) as u32).unwrap())
            .insert()
            .await;
        for d in 1..=2 {
            b.update(
                action,
                Some(lead),
                NaiveDate::from_ymd_opt(2025, 10, d).unwrap(),
                "progress",
            )
            .await;
        }
    }
    let q = r#"query($n: Int!) { actions(first: $n) { totalCount edges { node {
        title leadPerson { name organisation { name } } leadOrganisation { name } board { name }
        latestUpdate { narrative author { name } }
    } } } }"#;
    // Batches are formed in a short time window (api::core::loaders), and async-graphql polls a list
    // of more than 32 items in several passes; on a loaded machine a pass can straddle the window
    // and split one batch in two. So the exact count may rise by a statement or two; what must not
    // happen is a statement per row (N+1 would add at least 45 here). Measure a few times and
    // report the best pair.
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let mut counts = Vec::new();
        for n in [5, 50] {
            let before = app.statements();
            let reply = app.gql(Some(PARTNER), q, json!({ "n": n })).await;
            let edges = reply.data()["actions"]["edges"].as_array().unwrap();
            assert_eq!(edges.len(), n);
            assert!(edges.iter().all(|e| {
                !e["node"]["latestUpdate"].is_null()
                    && !e["node"]["leadPerson"]["organisation"].is_null()
            }));
            counts.push(app.statements() - before);
        }
        if counts[0] == counts[1] {
            return;
        }
        attempts.push(counts);
    }
    let best = attempts
        .iter()
        .map(|c| c[1] as i64 - c[0] as i64)
        .min()
        .unwrap_or(0);
    assert!(
        best <= 3,
        "statements grew with the page size (5 vs 50 actions): {attempts:?}"
    );
}

/// Who the caller is, and what they may see, costs two statements whatever they hold: the person
/// for the token's subject, then their seats, clearances, served and administered partnerships
/// together. (It was five, paid by every signed-in request before any work.)
#[tokio::test]
async fn identifying_a_signed_in_caller_costs_two_statements() {
    let app = TestApp::with_demo().await;
    // An administrator with seats, and a cleared chair: the richest callers of the demo data.
    for who in ["sarah-newman", "luke-baldock"] {
        let before = app.statements();
        let reply = app.gql(Some(who), "{ __typename }", json!({})).await;
        assert_eq!(reply.data()["__typename"], "QueryRoot");
        assert_eq!(app.statements() - before, 2, "{who}");
        // And what they hold still counts: the viewer sees their own seats.
        let seats = app
            .gql(Some(who), "{ viewer { person { name } } }", json!({}))
            .await;
        assert!(
            seats.data()["viewer"]["person"]["name"].is_string(),
            "{who}"
        );
    }
}
