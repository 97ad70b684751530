//! Derived views: matters arising, RAG summary groups, attendance rates.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::enums::{AttendanceStatus, Rag, Visibility};
use entity::{attendance, person};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

#[tokio::test]
async fn matters_arising_lists_open_actions_from_earlier_meetings_with_their_latest_update() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let next = b
        .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
        .await;
    let q = r#"query($id: ID!) { node(id: $id) { ... on Meeting { mattersArising { totalCount edges { node {
        title latestUpdate { narrative } resolution { agendaItem { minuteNumber } } } } } } } }"#;
    let anon = app
        .gql(None, q, json!({ "id": gid(Kind::Meeting, next) }))
        .await;
    let ma = &anon.data()["node"]["mattersArising"];
    assert_eq!(ma["totalCount"], 1, "{ma}");
    assert_eq!(ma["edges"][0]["node"]["title"], "Publish the strategy");
    assert_eq!(
        ma["edges"][0]["node"]["latestUpdate"]["narrative"],
        "On track"
    );
    assert_eq!(
        ma["edges"][0]["node"]["resolution"]["agendaItem"]["minuteNumber"],
        81
    );
    // The action from the restricted minute appears for a cleared member only.
    let cleared = app
        .gql(Some(CLEARED), q, json!({ "id": gid(Kind::Meeting, next) }))
        .await;
    assert_eq!(cleared.data()["node"]["mattersArising"]["totalCount"], 2);
    // The meeting that created the actions has no matters arising of its own.
    let first = app
        .gql(
            Some(CLEARED),
            q,
            json!({ "id": gid(Kind::Meeting, w.meeting) }),
        )
        .await;
    assert_eq!(first.data()["node"]["mattersArising"]["totalCount"], 0);
}

#[tokio::test]
async fn rag_summary_groups_by_board_without_leaking_hidden_groups() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($p: ID!) { ragSummary(filter: { partnershipId: $p }, groupBy: BOARD) { counts { total } groups { board { name } counts { total red amber green overdue } } } }"#;
    let partner = app
        .gql(
            Some(PARTNER),
            q,
            json!({ "p": gid(Kind::Partnership, w.partnership) }),
        )
        .await;
    let groups = partner.data()["ragSummary"]["groups"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0]["board"]["name"], "Strategic Board");
    assert_eq!(groups[0]["counts"]["total"], 2);
    assert_eq!(groups[0]["counts"]["overdue"], 1);
    let cleared = app
        .gql(
            Some(CLEARED),
            q,
            json!({ "p": gid(Kind::Partnership, w.partnership) }),
        )
        .await;
    let groups = cleared.data()["ragSummary"]["groups"]
        .as_array()
        .unwrap()
        .clone();
    let marac = groups
        .iter()
        .find(|g| g["board"]["name"] == "MARAC")
        .expect("MARAC group");
    assert_eq!(marac["counts"]["red"], 2);
}

#[tokio::test]
async fn attendance_rate_per_organisation() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let people = person::Entity::find().all(app.db()).await.unwrap();
    let lead = people
        .iter()
        .find(|p| p.subject.as_deref() == Some(LEAD))
        .unwrap();
    let partner = people
        .iter()
        .find(|p| p.subject.as_deref() == Some(PARTNER))
        .unwrap();
    for (who, status) in [
        (lead.id, AttendanceStatus::Present),
        (partner.id, AttendanceStatus::Apologies),
    ] {
        attendance::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            meeting_id: Set(w.meeting),
            person_id: Set(who),
            status: Set(status),
            substitute_for_id: Set(None),
            created_at: Set(chrono::Utc::now()),
            updated_at: Set(chrono::Utc::now()),
        }
        .insert(app.db())
        .await
        .unwrap();
    }
    let q = r#"query($id: ID!) { node(id: $id) { ... on Board { attendanceRates(from: "2025-06-01", to: "2026-06-01") { organisation { name } meetings attended apologies rate } } } }"#;
    let reply = app
        .gql(
            None,
            q,
            json!({ "id": gid(Kind::Board, w.strategic_board) }),
        )
        .await;
    let rates = &reply.data()["node"]["attendanceRates"];
    // One of the force's people came, another sent apologies: the force was represented.
    assert_eq!(rates[0]["organisation"]["name"], "Test Police");
    assert_eq!(rates[0]["meetings"], 1);
    assert_eq!(rates[0]["attended"], 1);
    assert_eq!(rates[0]["apologies"], 0);
    assert_eq!(rates[0]["rate"], 1.0);

    // At a second meeting the force's member sends apologies and a substitute from another
    // organisation holds their seat: the force counts as present there too; the substitute's own
    // organisation is not counted for it.
    let second = Builder { db: app.db() }
        .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
        .await;
    let outsider = people
        .iter()
        .find(|p| p.subject.as_deref() == Some(OUTSIDER))
        .unwrap();
    for (who, status, for_whom) in [
        (lead.id, AttendanceStatus::Apologies, None),
        (outsider.id, AttendanceStatus::Substitute, Some(lead.id)),
    ] {
        attendance::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            meeting_id: Set(second),
            person_id: Set(who),
            status: Set(status),
            substitute_for_id: Set(for_whom),
            created_at: Set(chrono::Utc::now()),
            updated_at: Set(chrono::Utc::now()),
        }
        .insert(app.db())
        .await
        .unwrap();
    }
    let reply = app
        .gql(
            None,
            q,
            json!({ "id": gid(Kind::Board, w.strategic_board) }),
        )
        .await;
    let rates = reply.data()["node"]["attendanceRates"].as_array().unwrap();
    assert_eq!(rates.len(), 1, "{rates:?}");
    assert_eq!(rates[0]["meetings"], 2);
    assert_eq!(rates[0]["attended"], 2);
    assert_eq!(rates[0]["rate"], 1.0);
}

#[tokio::test]
async fn the_matters_arising_report_is_a_document_in_the_papers_layout() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let next = Builder { db: app.db() }
        .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
        .await;
    let q = "query($id: ID!) { node(id: $id) { ... on Meeting { mattersArisingReport } } }";
    let anon = app
        .gql(None, q, json!({ "id": gid(Kind::Meeting, next) }))
        .await;
    let report = anon.data()["node"]["mattersArisingReport"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(report.contains("| Minute | Matter | Update |"), "{report}");
    assert!(
        // The RAG the update gave then (amber), not the action's rating today (green).
        report.contains("| 81 | Publish the strategy (PX) | AMBER — 2025/26 Q3: On track |"),
        "{report}"
    );
    assert!(!report.contains(SECRET));
    let cleared = app
        .gql(Some(CLEARED), q, json!({ "id": gid(Kind::Meeting, next) }))
        .await;
    assert!(cleared.data()["node"]["mattersArisingReport"]
        .as_str()
        .unwrap()
        .contains(SECRET));
}

#[tokio::test]
async fn the_delivery_plan_report_lists_each_priority_from_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let (strategy, priority) = b
        .strategy_with_priority(
            w.partnership,
            "Violence Against Women & Girls",
            w.lead,
            w.police,
        )
        .await;
    b.action(w.partnership, "Refresh the <DA> referral pathway")
        .board(w.strategic_board)
        .priority(priority)
        .lead(w.lead, w.police)
        .rag(Rag::Amber)
        .due(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap())
        .insert()
        .await;
    b.action(w.partnership, &format!("Target {SECRET} perpetrators"))
        .board(w.marac)
        .priority(priority)
        .visibility(Visibility::Restricted)
        .insert()
        .await;
    let q = "query($id: ID!, $f: DocumentFormat!) { node(id: $id) { ... on Strategy { deliveryPlanReport(format: $f) } } }";
    let vars = |f: &str| json!({ "id": gid(Kind::Strategy, strategy), "f": f });

    let md = app.gql(None, q, vars("MARKDOWN")).await;
    let md = md.data()["node"]["deliveryPlanReport"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        md.starts_with("**OFFICIAL**\n\n# Delivery plan: Community Safety Strategy 2024-27"),
        "{md}"
    );
    assert!(md.ends_with("\n**OFFICIAL**\n"), "{md}");
    assert!(
        md.contains("## Priority 1: Violence Against Women & Girls"),
        "an ampersand prints as typed: {md}"
    );
    assert!(
        md.contains("| Action | Lead | Due | Progress | RAG | Latest update |"),
        "{md}"
    );
    assert!(
        md.contains("| Refresh the \\<DA> referral pathway | Person strategic-lead (Test Police) | 2026-09-30 | 0% | AMBER | No update received. |"),
        "{md}"
    );
    assert!(
        !md.contains(SECRET),
        "a restricted action stays out of the public plan"
    );

    let html = app.gql(None, q, vars("HTML")).await;
    let html = html.data()["node"]["deliveryPlanReport"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<td>Refresh the &lt;DA&gt; referral pathway</td>"),
        "{html}"
    );
    assert!(
        html.contains("Violence Against Women &amp; Girls"),
        "{html}"
    );

    assert_eq!(html.matches(">OFFICIAL</div>").count(), 2, "{html}");

    // A cleared member sees the restricted action, so the paper is OFFICIAL-SENSITIVE at the
    // top and bottom of every page; and the read is audited.
    let cleared = app.gql(Some(CLEARED), q, vars("MARKDOWN")).await;
    let cleared = cleared.data()["node"]["deliveryPlanReport"]
        .as_str()
        .unwrap();
    assert!(cleared.contains(SECRET));
    assert!(cleared.starts_with("**OFFICIAL-SENSITIVE**\n"), "{cleared}");
    assert!(cleared.ends_with("\n**OFFICIAL-SENSITIVE**\n"), "{cleared}");
    let printed = app.gql(Some(CLEARED), q, vars("HTML")).await;
    let printed = printed.data()["node"]["deliveryPlanReport"]
        .as_str()
        .unwrap();
    assert_eq!(printed.matches(">OFFICIAL-SENSITIVE</div>").count(), 2);
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let reads = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("read"))
        .filter(entity::audit_log::Column::EntityType.eq("action"))
        .count(app.db())
        .await
        .unwrap();
    // One row per request that read it: the Markdown and the HTML print.
    assert_eq!(reads, 2);
}

#[tokio::test]
async fn matters_arising_prints_as_html_too() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let next = Builder { db: app.db() }
        .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
        .await;
    let q = "query($id: ID!) { node(id: $id) { ... on Meeting { mattersArisingReport(format: HTML) } } }";
    let reply = app
        .gql(None, q, json!({ "id": gid(Kind::Meeting, next) }))
        .await;
    let html = reply.data()["node"]["mattersArisingReport"]
        .as_str()
        .unwrap();
    assert!(html.contains("<th scope=\"col\">Minute</th><th scope=\"col\">Matter</th><th scope=\"col\">Update</th>"), "{html}");
    assert!(
        html.contains(
            "<td>81</td><td>Publish the strategy (PX)</td><td>AMBER — 2025/26 Q3: On track</td>"
        ),
        "{html}"
    );
    assert!(!html.contains(SECRET));
}

/// The papers as the demo partnership's secretary would print them, in both formats, kept as
/// snapshots: any change to a report's layout, escaping or marking shows up in review.
#[tokio::test]
async fn the_demo_reports_print_as_the_papers_do() {
    let app = TestApp::with_demo().await;
    let meetings = app
        .gql(
            None,
            r#"{ partnership(slug: "bromley") { boards(first: 20) { nodes { meetings(first: 10) { nodes { id startsAt } } } }
                strategies(first: 1) { nodes { id } } } }"#,
            json!({}),
        )
        .await;
    let data = meetings.data()["partnership"].clone();
    let meeting = data["boards"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["meetings"]["nodes"].as_array().unwrap().iter())
        .find(|m| m["startsAt"] == "2023-09-21T09:00:00+00:00")
        .expect("the September 2023 board meeting")["id"]
        .clone();
    let strategy = data["strategies"]["nodes"][0]["id"].clone();
    for format in ["MARKDOWN", "HTML"] {
        let q = "query($id: ID!, $f: DocumentFormat!) { node(id: $id) { ... on Meeting { mattersArisingReport(format: $f) } } }";
        let reply = app
            .gql(None, q, json!({ "id": meeting, "f": format }))
            .await;
        let report = reply.data()["node"]["mattersArisingReport"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!report.contains("(TL) (TL)"), "initials once: {report}");
        assert!(!report.contains("&amp;amp;"));
        // The meeting began at 09:00 UTC, 10:00 on the clocks in London (BST).
        assert!(report.contains("21 September 2023, 10:00"), "{report}");
        insta::assert_snapshot!(format!("matters_arising_{}", format.to_lowercase()), report);

        let q = "query($id: ID!, $f: DocumentFormat!) { node(id: $id) { ... on Strategy { deliveryPlanReport(format: $f) } } }";
        let reply = app
            .gql(None, q, json!({ "id": strategy, "f": format }))
            .await;
        let report = reply.data()["node"]["deliveryPlanReport"]
            .as_str()
            .unwrap()
            .to_string();
        insta::assert_snapshot!(format!("delivery_plan_{}", format.to_lowercase()), report);
    }
}
