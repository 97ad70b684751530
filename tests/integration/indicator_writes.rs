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
