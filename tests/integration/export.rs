//! CSV export: same token, same visibility as GraphQL.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::NaiveDate;
use entity::enums::Visibility;
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
    assert!(
        cleared.contains("\"OFFICIAL_SENSITIVE\""),
        "spelt as GraphQL spells it"
    );
    assert!(!cleared.contains("OFFICIAL-SENSITIVE"));
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
    let text = csv_text
        .strip_prefix('\u{feff}')
        .expect("the export starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
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
const EXPORT_AS_GRAPHQL: &str = "query($p: ID!, $n: Int!) { actions(first: $n, filter: { partnershipId: $p }) { edges { node { id title partnership { name } board { name } priority { title } leadPerson { name } leadOrganisation { name } startDate dueDate overdue status rag percentComplete latestUpdate { reportedOn period narrative } classification } } } }";

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
    let app = TestApp::with_config(|c| c.limits.rate_per_minute = 140).await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    // Five rows cost 1 + 5 × 25 = 126 of 140.
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

#[tokio::test]
async fn every_visible_row_is_exported_in_one_order_with_the_reporting_columns() {
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    // More than two pages of public actions, a third of them undated, with accented names.
    let many = 2_345;
    let now = chrono::Utc::now();
    let rows: Vec<entity::action::ActiveModel> = (0..many)
        .map(|i| {
            entity::action::ActiveModel::from(entity::action::Model {
                id: uuid::Uuid::now_v7(),
                partnership_id: w.partnership,
                board_id: Some(w.strategic_board),
                resolution_id: None,
                priority_id: None,
                review_id: None,
                title: format!("Réunion {i} — Zoë's café"),
                matter: None,
                expected_outcome: None,
                lead_person_id: None,
                lead_organisation_id: Some(w.police),
                start_date: Some(NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()),
                due_date: (i % 3 != 0).then(|| {
                    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(i % 97)
                }),
                resources_required: None,
                risks: None,
                percent_complete: 0,
                rag: None,
                status: entity::enums::ActionStatus::Open,
                visibility: Visibility::Public,
                status_reason: None,
                missed_reason: None,
                version: 1,
                access_state: 0,
                access_partnership_id: None,
                access_board_id: None,
                access_epoch: 0,
                external_ref: None,
                lead_post_id: None,
                created_at: now,
                updated_at: now,
            })
        })
        .collect();
    for chunk in rows.chunks(300) {
        entity::action::Entity::insert_many(chunk.to_vec())
            .exec(app.db())
            .await
            .unwrap();
    }

    // By slug, anonymously: the public rows only, every one of them.
    let (status, text) = export(&app, None, "partnership=testshire").await;
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let (header, rows) = parse(&text);
    assert_eq!(
        header,
        [
            "id",
            "partnership",
            "board",
            "priority",
            "title",
            "lead person",
            "lead organisation",
            "start date",
            "due date",
            "overdue",
            "status",
            "rag",
            "percent complete",
            "latest update date",
            "latest update period",
            "latest update",
            "classification"
        ]
    );
    assert_eq!(
        rows.len(),
        many as usize + 1,
        "no cap: the generated rows and the public one"
    );
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(rows
        .iter()
        .any(|r| r[column("title")] == "Réunion 7 — Zoë's café"));
    assert!(!text.contains(SECRET));
    // Due date ascending, undated last, then by id: the same on SQLite and PostgreSQL.
    let keys: Vec<(bool, String, String)> = rows
        .iter()
        .map(|r| {
            let due = r[column("due date")].clone();
            use base64::Engine;
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&r[column("id")])
                .unwrap();
            let id = String::from_utf8(raw).unwrap();
            (due.is_empty(), due, id)
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert!(
        keys == sorted,
        "rows are in (due date, undated last, id) order"
    );
    let public = rows
        .iter()
        .find(|r| r[column("id")] == gid(Kind::Action, w.public_action))
        .unwrap();
    assert_eq!(public[column("partnership")], "testshire CSP");
    assert_eq!(public[column("overdue")], "yes");
    assert_eq!(public[column("classification")], "OFFICIAL");
    assert!(!public[column("latest update date")].is_empty());

    // Unknown slugs and contradictory parameters are refused.
    assert_eq!(export(&app, None, "partnership=nowhere").await.0, 404);
    let both = format!(
        "partnership=testshire&partnershipId={}",
        gid(Kind::Partnership, w.partnership)
    );
    assert_eq!(export(&app, None, &both).await.0, 400);
}

#[tokio::test]
async fn the_workbook_carries_its_classification_on_every_printed_page() {
    use calamine::Reader;
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    let fetch = |subject: Option<&'static str>| {
        let mut request = app
            .client
            .get(format!("{}/export/actions.xlsx?{p}", app.base()));
        if let Some(s) = subject {
            request = request.bearer_auth(app.token(s));
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap().to_vec()
        }
    };
    let header_of = |bytes: &[u8]| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    };
    let public = fetch(None).await;
    let xml = header_of(&public);
    assert!(
        xml.contains("<oddHeader>&amp;C&amp;\"-,Bold\"OFFICIAL</oddHeader>"),
        "{xml}"
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(public)).unwrap();
    let sheet = book.worksheet_range("Actions").unwrap();
    assert_eq!(sheet.height(), 2, "the header and the one public action");
    assert!(!format!("{:?}", sheet).contains(SECRET));

    // A cleared member's workbook holds restricted rows: OFFICIAL-SENSITIVE, top and bottom.
    let cleared = fetch(Some(CLEARED)).await;
    let xml = header_of(&cleared);
    assert!(
        xml.contains("<oddHeader>&amp;C&amp;\"-,Bold\"OFFICIAL-SENSITIVE</oddHeader>"),
        "{xml}"
    );
    assert!(
        xml.contains("<oddFooter>&amp;C&amp;\"-,Bold\"OFFICIAL-SENSITIVE"),
        "{xml}"
    );
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(cleared)).unwrap();
    let sheet = book.worksheet_range("Actions").unwrap();
    assert_eq!(sheet.height(), 6);
    assert!(format!("{:?}", sheet).contains("OFFICIAL_SENSITIVE"));
}
