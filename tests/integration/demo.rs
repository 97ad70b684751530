//! The embedded demo data set loads and is browsable, with restricted content hidden.

use crate::common::TestApp;
use serde_json::json;

#[tokio::test]
async fn both_partnerships_load_with_boards_meetings_minutes_and_actions() {
    let app = TestApp::with_demo().await;
    let q = r#"{ partnerships(first: 5) { totalCount edges { node { slug boards(first: 20) { totalCount edges { node { name meetings(first: 1) { edges { node { agendaItems(first: 3) { edges { node { title minuteNumber } } } } } } } } } actions { totalCount } } } }
               domesticHomicideReviews { totalCount } }"#;
    let reply = app.gql(None, q, json!({})).await;
    let data = reply.data();
    assert_eq!(data["partnerships"]["totalCount"], 2);
    for edge in data["partnerships"]["edges"].as_array().unwrap() {
        assert!(
            edge["node"]["boards"]["totalCount"].as_i64().unwrap() >= 3,
            "{}",
            edge["node"]["slug"]
        );
        assert!(
            edge["node"]["actions"]["totalCount"].as_i64().unwrap() >= 20,
            "{}",
            edge["node"]["slug"]
        );
    }
    assert_eq!(
        data["domesticHomicideReviews"]["totalCount"], 0,
        "DHRs are restricted"
    );
    let body = reply.body.to_string();
    assert!(
        !body.contains("'Susan'") && !body.contains("Roger"),
        "no DHR pseudonym in the public view"
    );
}

#[tokio::test]
async fn cleared_demo_members_see_their_dhr_and_others_do_not() {
    let app = TestApp::with_demo().await;
    let q = "{ domesticHomicideReviews { edges { node { pseudonym } } } }";
    let cleared_bromley = app.gql(Some("trevor-lawry"), q, json!({})).await;
    assert_eq!(
        cleared_bromley.data()["domesticHomicideReviews"]["edges"][0]["node"]["pseudonym"],
        "Susan"
    );
    let cleared_bd = app.gql(Some("hazel-north-stephens"), q, json!({})).await;
    assert_eq!(
        cleared_bd.data()["domesticHomicideReviews"]["edges"][0]["node"]["pseudonym"],
        "Roger"
    );
    for uncleared in [
        "barbara-godfrey",
        "luke-baldock",
        "jordan-reid",
        "henry-staples",
    ] {
        let reply = app.gql(Some(uncleared), q, json!({})).await;
        assert_eq!(
            reply.data()["domesticHomicideReviews"]["edges"],
            json!([]),
            "{uncleared}"
        );
    }
}

#[tokio::test]
async fn demo_administrators_read_their_own_partnerships_audit_log_only() {
    let app = TestApp::with_demo().await;
    let ids = app
        .gql(
            None,
            "{ partnerships { edges { node { id slug } } } }",
            json!({}),
        )
        .await;
    let id_of = |slug: &str| {
        ids.data()["partnerships"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["slug"] == slug)
            .unwrap()["node"]["id"]
            .clone()
    };
    let q = "query($p: ID!) { auditLog(partnershipId: $p) { totalCount } }";
    let own = app
        .gql(Some("sarah-newman"), q, json!({ "p": id_of("bromley") }))
        .await;
    assert!(own.data()["auditLog"]["totalCount"].is_number());
    let other = app
        .gql(
            Some("sarah-newman"),
            q,
            json!({ "p": id_of("barking-dagenham") }),
        )
        .await;
    assert_eq!(other.error_code(), "FORBIDDEN");
    // The refused look at another partnership's log is itself on record, as denied.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let refused = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("auditLog"))
        .filter(entity::audit_log::Column::Outcome.eq("denied"))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
}

/// The performance figures the papers published are public: anyone reads them as printed.
#[tokio::test]
async fn published_performance_figures_read_as_the_papers_printed_them() {
    let app = TestApp::with_demo().await;
    let reply = app
        .gql(
            None,
            "{ indicators(first: 50) { totalCount nodes { name classification readings(first: 3) { nodes { period value } } } } }",
            json!({}),
        )
        .await;
    let data = &reply.data()["indicators"];
    // Bromley's MARAC and strategy figures, and Barking and Dagenham's 24-indicator report.
    assert_eq!(data["totalCount"], 32, "{data}");
    let nodes = data["nodes"].as_array().unwrap();
    let find = |name: &str| {
        nodes
            .iter()
            .find(|n| n["name"].as_str().unwrap().starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    // Barking and Dagenham CSP, 12 September 2017, performance report.
    let violence = find("Violence With Injury");
    assert_eq!(violence["classification"], "OFFICIAL");
    assert_eq!(
        violence["readings"]["nodes"][0]["period"],
        "2017/18 YTD to July"
    );
    assert_eq!(violence["readings"]["nodes"][0]["value"], 715.0);
    // Bromley: the SafeLives self-assessment of 9 June 2015 (118 of a projected 520).
    let marac = find("MARAC cases discussed");
    assert!(marac["readings"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["period"] == "2014 (January-December)" && r["value"] == 118.0));
}

/// Meetings whose dates the papers print are in the demo data, each saying which paper printed
/// the date.
#[tokio::test]
async fn meeting_dates_printed_in_the_papers_are_meetings() {
    let app = TestApp::with_demo().await;
    let q = r#"query($s: String!) { partnership(slug: $s) { boards(first: 20) { nodes { name
        meetings(first: 12) { nodes { startsAt status provenance { source } } } } } } }"#;
    let meetings = |reply: &crate::common::Reply| -> Vec<(String, String, String, String)> {
        reply.data()["partnership"]["boards"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| {
                b["meetings"]["nodes"].as_array().unwrap().iter().map(|m| {
                    (
                        b["name"].as_str().unwrap().to_string(),
                        m["startsAt"].as_str().unwrap().to_string(),
                        m["status"].as_str().unwrap().to_string(),
                        m["provenance"]["source"].as_str().unwrap_or("").to_string(),
                    )
                })
            })
            .collect()
    };
    let find = |all: &[(String, String, String, String)], board: &str, day: &str| {
        all.iter()
            .find(|(b, at, _, _)| b.starts_with(board) && at.starts_with(day))
            .cloned()
            .unwrap_or_else(|| panic!("no {board} meeting on {day}: {all:#?}"))
    };
    // Bromley: the agenda of 15 September 2016 and minute 160 of 6 July 2017.
    let bromley = meetings(&app.gql(None, q, json!({ "s": "bromley" })).await);
    let dec_2016 = find(&bromley, "Safer Bromley Partnership Board", "2016-12-08");
    assert!(dec_2016.3.contains("December 8th 2016"), "{dec_2016:?}");
    let sep_2017 = find(&bromley, "Safer Bromley Partnership Board", "2017-09-14");
    assert!(sep_2017.3.contains("minute 160"), "{sep_2017:?}");
    // Past meetings the papers announced are held.
    assert_eq!(sep_2017.2, "HELD");
    // Barking and Dagenham: the sub-group plans' "Next Meeting Date" lines.
    let bd = app
        .gql(Some("matthew-cole"), q, json!({ "s": "barking-dagenham" }))
        .await;
    let bd = meetings(&bd);
    for (board, day) in [
        ("Managing Offenders", "2017-09-07"),
        ("Hate, Intolerance", "2017-09-07"),
        ("Safer Borough", "2017-09-21"),
        ("Violence Against Women", "2017-10-03"),
        ("Children & Young People", "2017-10-30"),
    ] {
        let m = find(&bd, board, day);
        assert!(m.3.contains("seed paper 004"), "{m:?}");
    }
    // A meeting marked for the partnership is not shown to anonymous callers.
    let anon = meetings(&app.gql(None, q, json!({ "s": "barking-dagenham" })).await);
    assert!(anon
        .iter()
        .any(|(b, _, _, _)| b.starts_with("Managing Offenders")));
    assert!(
        !anon
            .iter()
            .any(|(b, at, _, _)| b.starts_with("Violence Against Women")
                && at.starts_with("2017-10-03")),
        "{anon:?}"
    );
}
