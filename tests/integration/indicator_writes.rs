//! Indicator readings: RAG computed from polarity and tolerance range, never typed in.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::enums::{Polarity, Visibility};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

async fn marac_repeat_rate(app: &TestApp, w: &World, polarity: Polarity) -> uuid::Uuid {
    let now = chrono::Utc::now();
    entity::indicator::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        board_id: Set(Some(w.strategic_board)),
        name: Set("MARAC repeat referrals".into()),
        unit: Set("percent".into()),
        polarity: Set(polarity),
        target_low: Set(Some(28.0)),
        target_high: Set(Some(40.0)),
        visibility: Set(Visibility::Partnership),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await
    .unwrap()
    .id
}

const RECORD: &str = r#"mutation($i: ID!, $v: Float!) { recordIndicatorReading(input: { indicatorId: $i, period: "2025/26 Q3", periodEnd: "2025-12-31", value: $v, previousValue: 20 }) { value change rag } }"#;

#[tokio::test]
async fn readings_get_a_computed_rag_and_change() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let id = gid(
        Kind::Indicator,
        marac_repeat_rate(&app, &w, Polarity::HigherIsBetter).await,
    );
    let inside = app
        .gql(Some(CHAIR), RECORD, json!({ "i": id, "v": 33.0 }))
        .await;
    assert_eq!(
        inside.data()["recordIndicatorReading"],
        json!({ "value": 33.0, "change": 65.0, "rag": "GREEN" })
    );
    let below = app
        .gql(Some(CHAIR), RECORD, json!({ "i": id, "v": 26.0 }))
        .await;
    assert_eq!(below.data()["recordIndicatorReading"]["rag"], "AMBER");
    let monitor = gid(
        Kind::Indicator,
        marac_repeat_rate(&app, &w, Polarity::MonitorOnly).await,
    );
    let none = app
        .gql(Some(CHAIR), RECORD, json!({ "i": monitor, "v": 90.0 }))
        .await;
    assert!(none.data()["recordIndicatorReading"]["rag"].is_null());
}

#[tokio::test]
async fn only_board_officers_record_readings_and_hidden_indicators_are_not_found() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let id = gid(
        Kind::Indicator,
        marac_repeat_rate(&app, &w, Polarity::HigherIsBetter).await,
    );
    assert_eq!(
        app.gql(Some(LEAD), RECORD, json!({ "i": id, "v": 33.0 }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(None, RECORD, json!({ "i": id, "v": 33.0 }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        app.gql(Some(OUTSIDER), RECORD, json!({ "i": id, "v": 33.0 }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn targets_change_from_a_date_and_past_periods_keep_theirs() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, "admin")
        .await;
    let create = "mutation($i: CreateIndicatorInput!) { createIndicator(input: $i) { id targetLow targetHigh targetHistory { targetLow targetHigh effectiveFrom } } }";
    let input = json!({ "i": { "partnershipId": gid(Kind::Partnership, w.partnership), "boardId": gid(Kind::Board, w.strategic_board), "name": "MARAC repeat referrals", "unit": "percent", "polarity": "HIGHER_IS_BETTER", "targetLow": 28.0, "targetHigh": 40.0, "effectiveFrom": "2024-04-01" } });
    assert_eq!(
        app.gql(Some(CHAIR), create, input.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let created = app.gql(Some("admin"), create, input).await;
    let indicator = created.data()["createIndicator"]["id"].clone();
    assert_eq!(
        created.data()["createIndicator"]["targetHistory"],
        json!([{ "targetLow": 28.0, "targetHigh": 40.0, "effectiveFrom": "2024-04-01" }])
    );
    let record = |end: &str, value: f64| json!({ "i": { "indicatorId": indicator, "period": end, "periodEnd": end, "value": value } });
    const RECORD: &str =
        "mutation($i: RecordIndicatorReadingInput!) { recordIndicatorReading(input: $i) { rag } }";
    let early = app
        .gql(Some(CHAIR), RECORD, record("2024-06-30", 46.0))
        .await;
    assert_eq!(early.data()["recordIndicatorReading"]["rag"], "RED");

    // The board raises the range from April 2025; a member of the board may not.
    const CHANGE: &str = "mutation($i: ChangeIndicatorTargetInput!) { changeIndicatorTarget(input: $i) { targetLow targetHigh targetHistory { effectiveFrom } } }";
    let change = json!({ "i": { "indicatorId": indicator, "targetLow": 40.0, "targetHigh": 50.0, "effectiveFrom": "2025-04-01" } });
    assert_eq!(
        app.gql(Some(MEMBER), CHANGE, change.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let bad = app
        .gql(Some(CHAIR), CHANGE, json!({ "i": { "indicatorId": indicator, "targetLow": 50.0, "targetHigh": 40.0, "effectiveFrom": "2025-04-01" } }))
        .await;
    assert_eq!(bad.body["errors"][0]["extensions"]["field"], "targetHigh");
    let changed = app.gql(Some(CHAIR), CHANGE, change).await;
    assert_eq!(changed.data()["changeIndicatorTarget"]["targetLow"], 40.0);
    assert_eq!(
        changed.data()["changeIndicatorTarget"]["targetHistory"],
        json!([{ "effectiveFrom": "2024-04-01" }, { "effectiveFrom": "2025-04-01" }])
    );
    // A late reading for an earlier period is judged against that period's target; a new one
    // against the new target; the early reading keeps its RAG.
    let late = app
        .gql(Some(CHAIR), RECORD, record("2025-03-31", 46.0))
        .await;
    assert_eq!(late.data()["recordIndicatorReading"]["rag"], "RED");
    let new = app
        .gql(Some(CHAIR), RECORD, record("2025-06-30", 46.0))
        .await;
    assert_eq!(new.data()["recordIndicatorReading"]["rag"], "GREEN");
    let readings = app
        .gql(Some(CHAIR), "query($i: ID!) { node(id: $i) { ... on Indicator { readings(first: 10) { edges { node { periodEnd rag } } } } } }", json!({ "i": indicator }))
        .await;
    let text = readings.body.to_string();
    assert!(
        text.contains(r#"{"periodEnd":"2024-06-30","rag":"RED"}"#),
        "{text}"
    );
}
