//! A meeting cycle through the API: schedule, agenda, attendance, minutes, resolutions, approval.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const SCHEDULE: &str = r#"mutation($board: ID!) { scheduleMeeting(input: { boardId: $board, startsAt: "2026-03-05T10:00:00Z", venue: "Civic Centre" }) { id status visibility } }"#;

#[tokio::test]
async fn the_chair_runs_a_meeting_cycle_and_the_next_meeting_sees_matters_arising() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let board = gid(Kind::Board, w.strategic_board);
    let meeting = app
        .gql(Some(CHAIR), SCHEDULE, json!({ "board": board }))
        .await;
    let meeting_id = meeting.data()["scheduleMeeting"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(meeting.data()["scheduleMeeting"]["visibility"], "PUBLIC");

    let item = app
        .gql(Some(CHAIR), r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "Serious violence duty", itemType: DECISION }) { id number } }"#, json!({ "m": meeting_id }))
        .await;
    assert_eq!(item.data()["addAgendaItem"]["number"], "1");
    let item_id = item.data()["addAgendaItem"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let lead = gid(Kind::Person, w.lead);
    let attended = app
        .gql(Some(CHAIR), "mutation($m: ID!, $p: ID!) { recordAttendance(input: { meetingId: $m, personId: $p, status: PRESENT }) { status person { name } } }", json!({ "m": meeting_id, "p": lead }))
        .await;
    assert_eq!(attended.data()["recordAttendance"]["status"], "PRESENT");

    // The fixture's earlier meeting used minutes 81–83, so this one is 84.
    let minute = app
        .gql(Some(CHAIR), r#"mutation($i: ID!) { writeMinute(input: { agendaItemId: $i, text: "The board discussed the duty." }) { minuteNumber minuteText } }"#, json!({ "i": item_id }))
        .await;
    assert_eq!(minute.data()["writeMinute"]["minuteNumber"], 84);

    let resolution = app
        .gql(
            Some(CHAIR),
            r#"mutation($i: ID!, $p: ID!) { addResolution(input: { agendaItemId: $i, text: "RESOLVED that a needs assessment be commissioned", ownersInitials: "PX",
                action: { title: "Commission the needs assessment", leadPersonId: $p, dueDate: "2026-06-30" } }) { text actions { title version leadPerson { name } leadOrganisation { name } } } }"#,
            json!({ "i": item_id, "p": lead }),
        )
        .await;
    let action = &resolution.data()["addResolution"]["actions"][0];
    assert_eq!(action["title"], "Commission the needs assessment");
    assert_eq!(action["leadOrganisation"]["name"], "Test Police");

    let approved = app
        .gql(
            Some(CHAIR),
            "mutation($m: ID!) { approveMinutes(meetingId: $m) { minutesStatus status } }",
            json!({ "m": meeting_id }),
        )
        .await;
    assert_eq!(
        approved.data()["approveMinutes"],
        json!({ "minutesStatus": "APPROVED", "status": "HELD" })
    );
    // Approved minutes are read-only.
    let late = app.gql(Some(CHAIR), r#"mutation($i: ID!) { writeMinute(input: { agendaItemId: $i, text: "Changed" }) { minuteNumber } }"#, json!({ "i": item_id })).await;
    assert_eq!(late.error_code(), "BAD_USER_INPUT");

    // The next meeting's matters arising include the new action.
    let next = app.gql(Some(CHAIR), r#"mutation($board: ID!) { scheduleMeeting(input: { boardId: $board, startsAt: "2026-06-04T10:00:00Z" }) { mattersArising { edges { node { title } } } } }"#, json!({ "board": board })).await;
    let titles: Vec<_> = next.data()["scheduleMeeting"]["mattersArising"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        titles.contains(&"Commission the needs assessment".to_string()),
        "{titles:?}"
    );

    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Outcome.eq("allowed"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(
        audited, 8,
        "one audit row per write (the resolution and its action count twice)"
    );
}

#[tokio::test]
async fn members_who_are_not_officers_are_forbidden_and_hidden_boards_are_not_found() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let reply = app
        .gql(
            Some(LEAD),
            SCHEDULE,
            json!({ "board": gid(Kind::Board, w.strategic_board) }),
        )
        .await;
    assert_eq!(reply.error_code(), "FORBIDDEN");
    let anon = app
        .gql(
            None,
            SCHEDULE,
            json!({ "board": gid(Kind::Board, w.marac) }),
        )
        .await;
    let missing = app
        .gql(
            None,
            SCHEDULE,
            json!({ "board": gid(Kind::Board, uuid::Uuid::now_v7()) }),
        )
        .await;
    assert_eq!(anon.error_code(), "NOT_FOUND");
    assert_eq!(
        anon.body["errors"][0]["message"],
        missing.body["errors"][0]["message"]
    );
    // A stub item cannot be minuted by someone who only sees the stub.
    let stub = app.gql(Some(CHAIR), r#"mutation($i: ID!) { writeMinute(input: { agendaItemId: $i, text: "x" }) { minuteNumber } }"#, json!({ "i": gid(Kind::AgendaItem, w.stub_item) })).await;
    assert_eq!(stub.error_code(), "NOT_FOUND");
}

#[tokio::test]
async fn meeting_input_is_validated() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let m = gid(Kind::Meeting, w.meeting);
    let cases = [
        (
            r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "  " }) { id } }"#,
            "title",
        ),
        (
            r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "x", timeAllowedMinutes: 0 }) { id } }"#,
            "timeAllowedMinutes",
        ),
        (
            r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "x", stubTitle: "y" }) { id } }"#,
            "stubTitle",
        ),
    ];
    // The fixture meeting's minutes are approved: make a fresh one to edit.
    let fresh = app
        .gql(
            Some(CHAIR),
            SCHEDULE,
            json!({ "board": gid(Kind::Board, w.strategic_board) }),
        )
        .await;
    let fresh = fresh.data()["scheduleMeeting"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (query, field) in cases {
        let reply = app.gql(Some(CHAIR), query, json!({ "m": fresh })).await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{field}");
        assert_eq!(reply.body["errors"][0]["extensions"]["field"], field);
    }
    let sub = app.gql(Some(CHAIR), "mutation($m: ID!, $p: ID!) { recordAttendance(input: { meetingId: $m, personId: $p, status: SUBSTITUTE }) { status } }", json!({ "m": fresh, "p": gid(Kind::Person, w.lead) })).await;
    assert_eq!(
        sub.body["errors"][0]["extensions"]["field"],
        "substituteForId"
    );
    let approved = app.gql(Some(CHAIR), r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "Late item" }) { id } }"#, json!({ "m": m })).await;
    assert_eq!(approved.error_code(), "BAD_USER_INPUT");
}
