//! CSV export: same token, same visibility as GraphQL.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::NaiveDate;
use serde_json::json;

async fn export(app: &TestApp, subject: Option<&str>, query: &str) -> (u16, String) {
    let url = format!("http://{}/export/actions.csv?{query}", app.app.addr);
    let mut request = app.client.get(url);
    if let Some(s) = subject {
        request = request.bearer_auth(app.token(s));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn exports_only_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    let (status, anon) = export(&app, None, &p).await;
    assert_eq!(status, 200);
    let lines: Vec<_> = anon.lines().collect();
    assert_eq!(lines.len(), 2, "header and the one public action: {anon}");
    assert!(
        lines[1].contains("Publish the strategy")
            && lines[1].contains("On track")
            && lines[1].contains("Person strategic-lead")
    );
    assert!(!anon.contains(SECRET));
    let (_, cleared) = export(&app, Some(CLEARED), &p).await;
    assert_eq!(cleared.lines().count(), 6);
    assert!(cleared.contains("OFFICIAL-SENSITIVE"));
    let (_, red) = export(&app, Some(CLEARED), &format!("{p}&rag=RED&status=OPEN")).await;
    assert_eq!(red.lines().count(), 4);
}

#[tokio::test]
async fn bad_export_parameters_and_tokens_are_refused() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let (status, body) = export(&app, None, "rag=PURPLE").await;
    assert_eq!(status, 400);
    assert!(body.contains("BAD_USER_INPUT"));
    let (status, _) = export(&app, None, "boardId=not-an-id").await;
    assert_eq!(status, 400);
    let response = app
        .client
        .get(format!("http://{}/export/actions.csv", app.app.addr))
        .bearer_auth("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

/// What a spreadsheet reads as a formula when it starts a cell (OWASP, CSV injection).
const FORMULA_TRIGGERS: [&str; 6] = ["=", "+", "-", "@", "\t", "\r"];

/// Parses an export into its header and rows.
fn parse(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[tokio::test]
async fn cells_a_spreadsheet_would_run_are_neutralised_in_the_export_only() {
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    // Names people and organisations chose are user-entered too.
    entity::board::Entity::update_many()
        .col_expr(entity::board::Column::Name, Expr::value("=SUM(A1:A9)"))
        .filter(entity::board::Column::Id.eq(w.strategic_board))
        .exec(app.db())
        .await
        .unwrap();
    entity::organisation::Entity::update_many()
        .col_expr(entity::organisation::Column::Name, Expr::value("+Police"))
        .filter(entity::organisation::Column::Id.eq(w.police))
        .exec(app.db())
        .await
        .unwrap();
    entity::person::Entity::update_many()
        .col_expr(entity::person::Column::Name, Expr::value("@Lead"))
        .filter(entity::person::Column::Id.eq(w.lead))
        .exec(app.db())
        .await
        .unwrap();
    let mut made = Vec::new();
    for (i, trigger) in FORMULA_TRIGGERS.iter().enumerate() {
        let title = format!("{trigger}HYPERLINK(\"https://evil.example/?{i}\",\"x\")");
        let narrative = format!("{trigger}cmd|' /C calc'!A{i}, \"quoted\"");
        let id = b
            .action(w.partnership, &title)
            .board(w.strategic_board)
            .lead(w.lead, w.police)
            .due(NaiveDate::from_ymd_opt(2030, 1, 1 + i as u32).unwrap())
            .insert()
            .await;
        b.update(
            id,
            None,
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
            &narrative,
        )
        .await;
        made.push((id, title, narrative));
    }

    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    let (status, text) = export(&app, Some(CLEARED), &p).await;
    assert_eq!(status, 200, "{text}");
    let (header, rows) = parse(&text);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (id, title, narrative) in &made {
        let row = rows
            .iter()
            .find(|r| r[column("id")] == gid(Kind::Action, *id))
            .unwrap_or_else(|| panic!("{id} missing from {text:?}"));
        assert_eq!(row[column("title")], format!("'{title}"));
        assert_eq!(row[column("latest update")], format!("'{narrative}"));
        assert_eq!(row[column("board")], "'=SUM(A1:A9)");
        assert_eq!(row[column("lead person")], "'@Lead");
        assert_eq!(row[column("lead organisation")], "'+Police");
        // Values that are not user-entered text are left as they are.
        assert_eq!(row[column("status")], "OPEN");
        assert!(row[column("due date")].starts_with("2030-01-0"));
    }
    // Ordinary text is untouched.
    let plain = rows
        .iter()
        .find(|r| r[column("id")] == gid(Kind::Action, w.public_action))
        .unwrap();
    assert_eq!(plain[column("title")], "Publish the strategy");
    assert_eq!(plain[column("latest update")], "On track");

    // GraphQL still returns the text as it was entered.
    for (id, title, narrative) in &made {
        let reply = app
            .gql(
                Some(CLEARED),
                "query($id: ID!) { node(id: $id) { ... on Action { title latestUpdate { narrative } board { name } } } }",
                json!({ "id": gid(Kind::Action, *id) }),
            )
            .await;
        let node = &reply.data()["node"];
        assert_eq!(node["title"], title.as_str());
        assert_eq!(node["latestUpdate"]["narrative"], narrative.as_str());
        assert_eq!(node["board"]["name"], "=SUM(A1:A9)");
    }
}

/// The GraphQL twin of one export row: what the export charges per row is what GraphQL charges
/// for this selection.
const EXPORT_AS_GRAPHQL: &str = "query($p: ID!, $n: Int!) { actions(first: $n, filter: { partnershipId: $p }) { edges { node { id title board { name } leadPerson { name } leadOrganisation { name } dueDate status rag percentComplete latestUpdate { period narrative } classification } } } }";

/// Sends an export as `subject`.
async fn export_response(app: &TestApp, subject: &str, query: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/export/actions.csv?{query}", app.base()))
        .bearer_auth(app.token(subject))
        .send()
        .await
        .unwrap()
}

fn remaining(headers: &reqwest::header::HeaderMap) -> u32 {
    headers["ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_export_spends_the_callers_budget_by_the_rows_it_returns() {
    let app = TestApp::with_config(|c| c.limits.rate_per_minute = 10_000).await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));

    // Five rows, then one row: each export reports the budget left, and more rows cost more.
    let many = export_response(&app, CLEARED, &p).await;
    assert_eq!(many.status(), 200);
    assert_eq!(many.headers()["ratelimit-limit"], "10000");
    let after_many = remaining(many.headers());
    assert_eq!(many.text().await.unwrap().lines().count(), 6);
    let few = export_response(&app, CLEARED, &format!("{p}&rag=GREEN")).await;
    assert_eq!(few.status(), 200);
    let after_few = remaining(few.headers());
    assert_eq!(few.text().await.unwrap().lines().count(), 2);
    let cost_many = 10_000 - after_many;
    let cost_few = after_many.saturating_sub(after_few);
    assert!(cost_many > cost_few, "{cost_many} vs {cost_few}");

    // Five rows cost what GraphQL charges for five rows of the same columns (give or take what
    // the budget refilled between requests).
    let reply = app
        .client
        .post(&app.url)
        .bearer_auth(app.token(MEMBER))
        .json(&json!({ "query": EXPORT_AS_GRAPHQL, "variables": { "p": gid(Kind::Partnership, w.partnership), "n": 5 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let graphql_cost = 10_000 - remaining(reply.headers());
    assert!(
        graphql_cost.abs_diff(cost_many) <= 3,
        "export {cost_many}, GraphQL {graphql_cost}"
    );
}

#[tokio::test]
async fn the_export_and_graphql_share_one_budget_and_both_answer_429_when_it_is_spent() {
    let app = TestApp::with_config(|c| c.limits.rate_per_minute = 120).await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    // Five rows cost 1 + 5 × 18 = 91 of 120.
    assert_eq!(export_response(&app, CLEARED, &p).await.status(), 200);
    // GraphQL is now refused (this query costs 1 + 10 × 3 = 31), and so is the next export.
    let reply = app
        .gql(
            Some(CLEARED),
            "{ boards(first: 10) { edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 429, "{}", reply.body);
    let over = export_response(&app, CLEARED, &p).await;
    assert_eq!(over.status(), 429);
    let wait: u64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = over.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], wait);
    // Someone else's budget is untouched.
    assert_eq!(export_response(&app, MEMBER, &p).await.status(), 200);
}
