//! Meetings as councils run them: scheduled, then held once they have taken place (recording
//! attendance or a minute says so; approving the minutes comes weeks later), or cancelled; the
//! demo partnerships' past meetings are held.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::{Duration, Utc};
use entity::enums::{MeetingStatus, MinutesStatus, Visibility};
use entity::meeting;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

async fn scheduled(app: &TestApp, w: &World, starts: chrono::DateTime<Utc>) -> uuid::Uuid {
    let now = Utc::now();
    meeting::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        board_id: Set(w.strategic_board),
        starts_at: Set(starts),
        venue: Set(None),
        status: Set(MeetingStatus::Scheduled),
        minutes_status: Set(MinutesStatus::Draft),
        visibility: Set(Visibility::Public),
        cancelled_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await
    .unwrap()
    .id
}

const ATTEND: &str = "mutation($m: ID!, $p: ID!) { recordAttendance(input: { meetingId: $m, personId: $p, status: PRESENT }) { status } }";
const STATUS: &str =
    "query($m: ID!) { node(id: $m) { ... on Meeting { status minutesStatus version } } }";

#[tokio::test]
async fn a_meeting_that_took_place_is_held_once_its_attendance_is_recorded() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let lead = gid(Kind::Person, w.lead);
    let past = gid(
        Kind::Meeting,
        scheduled(&app, &w, Utc::now() - Duration::hours(3)).await,
    );
    let future = gid(
        Kind::Meeting,
        scheduled(&app, &w, Utc::now() + Duration::days(30)).await,
    );
    for m in [&past, &future] {
        app.gql(Some(CHAIR), ATTEND, json!({ "m": m, "p": lead }))
            .await
            .data();
    }
    let held = app.gql(None, STATUS, json!({ "m": past })).await;
    assert_eq!(
        held.data()["node"],
        json!({ "status": "HELD", "minutesStatus": "DRAFT", "version": 2 })
    );
    // A meeting still to come is not held by having its attendance list prepared.
    let ahead = app.gql(None, STATUS, json!({ "m": future })).await;
    assert_eq!(ahead.data()["node"]["status"], "SCHEDULED");
}

#[tokio::test]
async fn the_demo_partnerships_past_meetings_are_held_and_count_towards_attendance() {
    let app = TestApp::with_demo().await;
    let reply = app
        .gql(
            None,
            r#"{ partnerships(first: 2) { nodes { boards(first: 12) { nodes { name meetings(first: 10) { nodes { startsAt status } } } } } } }"#,
            json!({}),
        )
        .await;
    let mut held = 0;
    for p in reply.data()["partnerships"]["nodes"].as_array().unwrap() {
        for b in p["boards"]["nodes"].as_array().unwrap() {
            for m in b["meetings"]["nodes"].as_array().unwrap() {
                let starts: chrono::DateTime<Utc> =
                    m["startsAt"].as_str().unwrap().parse().unwrap();
                if starts < Utc::now() {
                    assert_ne!(m["status"], "SCHEDULED", "{} {}", b["name"], m["startsAt"]);
                    held += (m["status"] == "HELD") as i32;
                }
            }
        }
    }
    assert!(held >= 10, "the public ones alone: {held}");
    // The board's September 2023 meeting, whose minutes are still a draft, counts towards
    // attendance: the council was represented.
    let rates = app
        .gql(
            Some("sarah-newman"),
            r#"{ partnership(slug: "bromley") { boards(first: 30) { nodes { name attendanceRates(from: "2023-09-01", to: "2024-03-31") { organisation { name } meetings attended } } } } }"#,
            json!({}),
        )
        .await;
    let rates = reply_board(
        &rates.data()["partnership"]["boards"]["nodes"],
        "Safer Bromley Partnership Board",
    )["attendanceRates"]
        .as_array()
        .unwrap()
        .clone();
    let council = rates
        .iter()
        .find(|r| r["organisation"]["name"] == "London Borough of Bromley")
        .unwrap_or_else(|| panic!("{rates:?}"));
    assert_eq!(council["meetings"], 1, "{council}");
    assert_eq!(council["attended"], council["meetings"]);
}

/// The board whose name starts with `name`.
fn reply_board<'a>(boards: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    boards
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"].as_str().unwrap().starts_with(name))
        .unwrap()
}
