//! Matters arising as they stood: the printed Matters Arising reports of the seed papers
//! reproduced row for row, the history they are rebuilt from, the officer's one-step decisions,
//! and provenance (facts kept apart from invention).

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::Utc;
use entity::enums::{MeetingStatus, MinutesStatus, Visibility};
use entity::{action, meeting};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

/// The id of the demo meeting of partnership `slug` that starts at `starts_at`.
async fn demo_meeting(app: &TestApp, slug: &str, starts_at: &str) -> Value {
    let reply = app
        .gql(
            None,
            r#"query($s: String!) { partnership(slug: $s) { boards(first: 30) { nodes {
                meetings(first: 30) { nodes { id startsAt } } } } } }"#,
            json!({ "s": slug }),
        )
        .await;
    reply.data()["partnership"]["boards"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["meetings"]["nodes"].as_array().unwrap().iter())
        .find(|m| m["startsAt"].as_str().unwrap().starts_with(starts_at))
        .unwrap_or_else(|| panic!("no {slug} meeting at {starts_at}"))["id"]
        .clone()
}

/// The report's table rows as (minute, matter, update), in order, across its sections.
async fn report_rows(app: &TestApp, subject: Option<&str>, meeting: &Value) -> Vec<[String; 3]> {
    let reply = app
        .gql(
            subject,
            r#"query($id: ID!) { node(id: $id) { ... on Meeting { mattersArisingReport } } }"#,
            json!({ "id": meeting }),
        )
        .await;
    let report = reply.data()["node"]["mattersArisingReport"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", reply.body))
        .to_string();
    report
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Minute") && !l.starts_with("| ---"))
        .filter(|l| !l.contains("No outstanding actions"))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect();
            [cells[0].clone(), cells[1].clone(), cells[2].clone()]
        })
        .collect()
}

/// Each row's minute must match and its matter and update contain the given words.
fn assert_rows(rows: &[[String; 3]], printed: &[(&str, &str, &str)]) {
    assert_eq!(
        rows.len(),
        printed.len(),
        "row count differs from the paper: {rows:#?}"
    );
    for (row, (minute, matter, update)) in rows.iter().zip(printed) {
        assert_eq!(row[0], *minute, "{row:?}");
        assert!(row[1].contains(matter), "matter {matter:?} not in {row:?}");
        assert!(row[2].contains(update), "update {update:?} not in {row:?}");
    }
}

#[tokio::test]
async fn the_printed_matters_arising_reports_are_reproduced_row_for_row() {
    let app = TestApp::with_demo().await;

    // Bromley, 15 September 2016 (seed paper 000, Appendix A): six rows, two of them matters
    // the Group noted without a resolution, two printing several resolutions as one.
    let sep_2016 = demo_meeting(&app, "bromley", "2016-09-15").await;
    assert_rows(
        &report_rows(&app, None, &sep_2016).await,
        &[
            (
                "85",
                "Action Plan for Prevent was being developed",
                "September 20",
            ),
            (
                "85",
                "new London Mayor",
                "Deputy Borough Commander will provide an update",
            ),
            (
                "89",
                "feedback concerning the draft SBP Strategic Assessment",
                "considered complete apart from the foreword",
            ),
            ("94", "Chairman contact those agencies", "Awaiting update"),
            (
                "94",
                "MARAC Steering Group be set up",
                "DV Commissioner will update the Group",
            ),
            (
                "97",
                "IOM Sub Group Lead be appointed",
                "Chairmanship of the IOM Board has to be decided",
            ),
        ],
    );
    let as_at = app
        .gql(
            None,
            r#"query($id: ID!) { node(id: $id) { ... on Meeting { mattersArisingAsAt
                mattersArising(first: 20) { totalCount nodes { resolution { kind } } } } } }"#,
            json!({ "id": sep_2016 }),
        )
        .await;
    let node = &as_at.data()["node"];
    assert_eq!(node["mattersArisingAsAt"], "2016-09-15");
    // Nine actions make the six printed matters.
    assert_eq!(node["mattersArising"]["totalCount"], 9, "{node}");
    assert_eq!(
        node["mattersArising"]["nodes"][0]["resolution"]["kind"],
        "NOTED"
    );

    // Bromley, 6 December 2023 (seed paper 002): seven rows from minutes 76, 77 and 81, the
    // workshop printed once more although it had taken place.
    let dec_2023 = demo_meeting(&app, "bromley", "2023-12-06").await;
    assert_rows(
        &report_rows(&app, None, &dec_2023).await,
        &[
            (
                "76",
                "emerging issue of burglary",
                "To be provided at the meeting",
            ),
            ("76", "shoplifting", "To be provided at the meeting"),
            (
                "76",
                "PCSOs visiting Children and Family Centres",
                "To be provided at the meeting",
            ),
            ("77", "fill knowledge gaps", "Partners can feedback"),
            (
                "77",
                "focused Workshop be arranged",
                "The workshop took place",
            ),
            ("81", "DVPN Pilot scheme", "To be provided at the meeting"),
            (
                "81",
                "Domestic Abuse Strategic Group",
                "To be provided at the meeting",
            ),
        ],
    );

    // Barking and Dagenham, 12 September 2017 (seed paper 004): the CSP Board Action Plan's three
    // rows, though the June minutes recorded eleven actions.
    let bd = demo_meeting(&app, "barking-dagenham", "2017-09-12").await;
    assert_rows(
        &report_rows(&app, None, &bd).await,
        &[
            ("", "All sub groups to meet", "On Agenda"),
            ("", "who the Chairs are for each sub group", "On Agenda"),
            ("", "fire service", ""),
        ],
    );
}

#[tokio::test]
async fn the_next_meeting_no_longer_carries_what_later_papers_show_closed() {
    let app = TestApp::with_demo().await;
    // The meeting after 6 December 2023: its matters are the 2023 ones still open, none of the
    // 2016-17 actions the 2023 papers no longer carry, and not the workshop already reported done.
    let feb_2024 = demo_meeting(&app, "bromley", "2024-02-29").await;
    let rows = report_rows(&app, None, &feb_2024).await;
    let minutes: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(minutes, ["76", "76", "76", "77", "81", "81"], "{rows:#?}");
    // The closures are marked as inferred, with the paper that shows them.
    let reply = app
        .gql(
            None,
            r#"{ actions(filter: { search: "Bromley Risk Forum" }, first: 1) { nodes { status
                updates(first: 10) { nodes { status inferred source onMattersArising } } } } }"#,
            json!({}),
        )
        .await;
    let action = &reply.data()["actions"]["nodes"][0];
    assert_eq!(action["status"], "CANCELLED", "{action}");
    let entries = action["updates"]["nodes"].as_array().unwrap();
    let closing = entries
        .iter()
        .find(|e| e["status"] == "CANCELLED")
        .expect("a closing entry");
    assert_eq!(closing["inferred"], true);
    assert!(closing["source"]
        .as_str()
        .unwrap()
        .contains("seed paper 002"));
    assert!(entries.iter().any(|e| e["onMattersArising"] == false));
}

#[tokio::test]
async fn invented_values_are_marked_and_no_person_is_invented_as_a_lead() {
    let app = TestApp::with_demo().await;
    let q = r#"{ partnership(slug: "bromley") { id } }"#;
    let bromley = app.gql(None, q, json!({})).await.data()["partnership"]["id"].clone();
    // The draft 2024-27 delivery plan names a post for four actions and nobody for eight.
    let reply = app
        .gql(
            None,
            r#"query($p: ID!) { actions(filter: { partnershipId: $p, hasLeadPerson: false }, first: 100) {
                nodes { title leadPerson { name } leadPost { title } provenance { source invented note } } } }"#,
            json!({ "p": bromley }),
        )
        .await;
    let nodes = reply.data()["actions"]["nodes"].as_array().unwrap().clone();
    let plan: Vec<&Value> = nodes
        .iter()
        .filter(|n| {
            n["provenance"]["source"]
                .as_str()
                .is_some_and(|s| s.contains("draft delivery plan 2024-27"))
        })
        .collect();
    assert_eq!(plan.len(), 12, "{nodes:#?}");
    assert!(plan.iter().all(|n| n["leadPerson"].is_null()));
    let by_post = plan
        .iter()
        .filter(|n| n["leadPost"]["title"] == "Head of Safer Communities")
        .count();
    assert_eq!(by_post, 4);
    let blank = plan
        .iter()
        .find(|n| {
            n["title"]
                .as_str()
                .unwrap()
                .starts_with("Schedule an SBP breakfast")
        })
        .unwrap();
    assert_eq!(blank["provenance"]["invented"], true);
    assert!(blank["provenance"]["note"]
        .as_str()
        .unwrap()
        .contains("lead person is left empty"));

    // A named lead from the minutes is a fact, with its minute.
    let reply = app
        .gql(
            None,
            r#"{ actions(filter: { search: "PCSOs visiting" }, first: 1) { nodes { leadPerson { name
                provenance { source invented note } } provenance { source invented } } } }"#,
            json!({}),
        )
        .await;
    let action = &reply.data()["actions"]["nodes"][0];
    assert_eq!(action["leadPerson"]["name"], "Luke Baldock");
    assert!(action["provenance"]["source"]
        .as_str()
        .unwrap()
        .ends_with("minute 76"));
    // The person's email is invented, and says so.
    assert_eq!(action["leadPerson"]["provenance"]["invented"], true);
}

/// A meeting of `board` at `starts_at`, inserted as the fixtures do.
async fn meeting_at(
    app: &TestApp,
    w: &World,
    starts_at: chrono::DateTime<Utc>,
    status: MeetingStatus,
) -> Uuid {
    let id = Uuid::now_v7();
    meeting::ActiveModel {
        id: Set(id),
        partnership_id: Set(w.partnership),
        board_id: Set(w.strategic_board),
        starts_at: Set(starts_at),
        venue: Set(None),
        status: Set(status),
        minutes_status: Set(MinutesStatus::Draft),
        visibility: Set(Visibility::Public),
        cancelled_reason: Set(None),
        version: Set(1),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
    }
    .insert(app.db())
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn a_past_meeting_keeps_its_matters_arising_after_they_close() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    // The board met on 10 January (the actions arose) and 20 January; it meets again next month
    // and the month after.
    let january = b
        .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
        .await;
    let next = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(30),
        MeetingStatus::Scheduled,
    )
    .await;
    let after = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(60),
        MeetingStatus::Scheduled,
    )
    .await;

    let complete = r#"mutation($id: ID!) { completeAction(input: { actionId: $id, expectedVersion: 1 }) { status } }"#;
    let done = app
        .gql(
            Some(LEAD),
            complete,
            json!({ "id": gid(Kind::Action, w.public_action) }),
        )
        .await;
    assert_eq!(done.data()["completeAction"]["status"], "COMPLETED");

    // 20 January, read today: still a matter arising then, with the update it had then.
    let rows = report_rows(&app, None, &json!(gid(Kind::Meeting, january))).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][1].starts_with("Publish the strategy"));
    assert_eq!(rows[0][2], "AMBER — 2025/26 Q3: On track");
    // The next meeting hears once that it was completed; the one after no longer lists it.
    let rows = report_rows(&app, None, &json!(gid(Kind::Meeting, next))).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][2].contains("Completed"), "{rows:?}");
    assert!(report_rows(&app, None, &json!(gid(Kind::Meeting, after)))
        .await
        .is_empty());
    // The restricted minute's action is never a row for someone not cleared.
    for who in [None, Some(PARTNER), Some(CHAIR)] {
        let rows = report_rows(&app, who, &json!(gid(Kind::Meeting, january))).await;
        assert!(
            rows.iter().all(|r| !r[1].contains(SECRET)),
            "{who:?}: {rows:?}"
        );
    }
    let rows = report_rows(&app, Some(CLEARED), &json!(gid(Kind::Meeting, january))).await;
    assert!(rows.iter().any(|r| r[1].contains(SECRET)), "{rows:?}");
}

const REVIEW: &str = r#"mutation($m: ID!, $d: [MatterDecision!]!) {
    reviewMattersArising(input: { meetingId: $m, decisions: $d }) { id status statusReason version
      updates(first: 5) { nodes { narrative status onMattersArising } } } }"#;

#[tokio::test]
async fn a_board_officer_decides_the_matters_arising_in_one_step() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let item = b
        .agenda_item(
            w.partnership,
            w.strategic_board,
            w.meeting,
            4,
            "Knife crime",
            Visibility::Public,
            None,
        )
        .await;
    let resolution = b
        .resolution(item, "RESOLVED that knife bins be reviewed")
        .await;
    let bins = b
        .action(w.partnership, "Review the knife bins")
        .board(w.strategic_board)
        .resolution(resolution)
        .insert()
        .await;
    let next = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(30),
        MeetingStatus::Scheduled,
    )
    .await;
    let m = gid(Kind::Meeting, next);
    let decisions = json!([
        { "actionId": gid(Kind::Action, w.public_action), "expectedVersion": 1,
          "outcome": "CLOSE_AS_SUPERSEDED", "note": "replaced by the 2027 strategy" },
        { "actionId": gid(Kind::Action, bins), "expectedVersion": 1, "outcome": "CARRY_FORWARD" },
    ]);

    // Refused for anyone but the board's officers, and nothing is written.
    for who in [None, Some(PARTNER), Some(LEAD), Some(OUTSIDER)] {
        let reply = app
            .gql(who, REVIEW, json!({ "m": m, "d": decisions }))
            .await;
        assert!(
            ["FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"].contains(&reply.error_code()),
            "{who:?}: {}",
            reply.body
        );
    }
    // A bad decision refuses the whole call: the good one beside it is not written either.
    let bad = json!([
        { "actionId": gid(Kind::Action, bins), "expectedVersion": 1, "outcome": "CARRY_FORWARD" },
        { "actionId": gid(Kind::Action, w.public_action), "expectedVersion": 1, "outcome": "TAKE_OFF_LIST" },
    ]);
    let reply = app
        .gql(Some(CHAIR), REVIEW, json!({ "m": m, "d": bad }))
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
    // An action that is not one of the meeting's matters arising is refused.
    let unrelated = json!([{ "actionId": gid(Kind::Action, w.review_action), "expectedVersion": 1,
        "outcome": "CARRY_FORWARD" }]);
    let reply = app
        .gql(Some(CHAIR), REVIEW, json!({ "m": m, "d": unrelated }))
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
    for id in [w.public_action, bins] {
        let row = action::Entity::find_by_id(id)
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.version, 1,
            "nothing written before the chair's decision"
        );
    }

    let reply = app
        .gql(Some(CHAIR), REVIEW, json!({ "m": m, "d": decisions }))
        .await;
    let done = reply.data()["reviewMattersArising"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(done.len(), 2, "{}", reply.body);
    assert_eq!(done[0]["status"], "CANCELLED");
    assert_eq!(
        done[0]["statusReason"],
        "Superseded: replaced by the 2027 strategy"
    );
    assert_eq!(done[1]["status"], "OPEN");
    assert_eq!(done[1]["updates"]["nodes"][0]["onMattersArising"], true);
    // The meeting still hears of the superseded one once, and of the carried one.
    let rows = report_rows(&app, Some(CHAIR), &json!(m)).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0][2].contains("Closed as superseded: replaced by the 2027 strategy"));
    assert!(
        rows[1][2].starts_with("Carried forward to the meeting of"),
        "{rows:?}"
    );

    // Taken off the list (followed up elsewhere), it is gone from the meeting's matters arising.
    let off = json!([{ "actionId": gid(Kind::Action, bins), "expectedVersion": 2,
        "outcome": "TAKE_OFF_LIST", "note": "followed up in the delivery plan" }]);
    let reply = app
        .gql(Some(CHAIR), REVIEW, json!({ "m": m, "d": off }))
        .await;
    assert_eq!(
        reply.data()["reviewMattersArising"][0]["version"],
        3,
        "{}",
        reply.body
    );
    let rows = report_rows(&app, Some(CHAIR), &json!(m)).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    // Each decision is audited under its own operation; the refused ones as denied.
    let rows = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::EntityId.eq(w.public_action))
        .all(app.db())
        .await
        .unwrap();
    let ops: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.operation.as_str(), r.outcome.as_str()))
        .collect();
    assert!(
        ops.contains(&("closeMatterAsSuperseded", "allowed")),
        "{ops:?}"
    );
}

/// Provenance says nothing its record does not: who is cleared for MARAC or a DHR, who attended
/// a restricted meeting, or that a review exists, never reaches someone not entitled to it
/// through a note (the seats' notes are for those who may see the seats' clearance flags).
#[tokio::test]
async fn provenance_notes_never_tell_who_is_cleared_or_what_is_restricted() {
    let app = TestApp::with_demo().await;
    let q = r#"query($s: String!) { partnership(slug: $s) { boards(first: 20) { nodes { name
        provenance { note } memberships(first: 12) { nodes { provenance { source note } } } } } } }"#;
    let leaked = |text: &str| -> Option<&'static str> {
        let lower = text.to_lowercase();
        ["clear", "dhr", "homicide", "task and finish", "case ref"]
            .into_iter()
            .find(|w| lower.contains(w))
    };
    // Anonymous callers, and partners with no seat on the MARAC or DHR boards.
    for who in [None, Some("luke-baldock"), Some("matthew-cole")] {
        for slug in ["bromley", "barking-dagenham"] {
            let reply = app.gql(who, q, json!({ "s": slug })).await;
            // Board names may say what a board is ("Domestic Homicide Review Panel"): only the
            // notes are checked.
            for note in notes(reply.data()) {
                assert!(leaked(&note).is_none(), "{who:?} reads in {slug}: {note}");
            }
            // Someone with no seat reads no seat's note at all, only where it came from.
            if who.is_none() {
                let seats = &reply.data()["partnership"]["boards"]["nodes"];
                let seat_notes: Vec<String> = seats
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|b| notes(&b["memberships"]))
                    .collect();
                assert!(seat_notes.is_empty(), "{seat_notes:?}");
            }
        }
    }
    let reply = app
        .gql(
            None,
            r#"{ people(first: 100) { nodes { name provenance { note } } } }"#,
            json!({}),
        )
        .await;
    for note in notes(reply.data()) {
        assert!(leaked(&note).is_none(), "anonymous reads: {note}");
    }
    // The MARAC chair, who sits on the board, reads the seats' notes.
    let reply = app
        .gql(Some("chris-wood"), q, json!({ "s": "bromley" }))
        .await;
    assert!(reply
        .data()
        .to_string()
        .contains("Chair per the 27 Jun 2016 DV/VAWG report"));
}

/// Every `note` string anywhere in `value`.
fn notes(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| match (k.as_str(), v) {
                ("note", Value::String(n)) => vec![n.clone()],
                _ => notes(v),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(notes).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn what_a_meeting_decides_on_its_day_is_in_the_next_papers_once() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    // The board meets today (it began a minute ago), and again next month.
    let today = meeting_at(
        &app,
        &w,
        Utc::now() - chrono::Duration::minutes(1),
        MeetingStatus::Held,
    )
    .await;
    let next = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(30),
        MeetingStatus::Scheduled,
    )
    .await;
    let decide = json!([{ "actionId": gid(Kind::Action, w.public_action), "expectedVersion": 1,
        "outcome": "CLOSE_AS_SUPERSEDED", "note": "overtaken by the new strategy" }]);
    let reply = app
        .gql(
            Some(CHAIR),
            REVIEW,
            json!({ "m": gid(Kind::Meeting, today), "d": decide }),
        )
        .await;
    assert_eq!(
        reply.data()["reviewMattersArising"][0]["status"],
        "CANCELLED"
    );
    // Today's papers were printed before the decision: they still show it open, as printed.
    let rows = report_rows(&app, Some(CHAIR), &json!(gid(Kind::Meeting, today))).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(!rows[0][2].contains("superseded"), "{rows:?}");
    // The next papers report the decision once.
    let rows = report_rows(&app, Some(CHAIR), &json!(gid(Kind::Meeting, next))).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0][2].contains("Closed as superseded: overtaken by the new strategy"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn matters_arising_decisions_and_dates_are_checked() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let next = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(30),
        MeetingStatus::Scheduled,
    )
    .await;
    // The second decision lacks its note: the error names it.
    let bad = json!([
        { "actionId": gid(Kind::Action, w.public_action), "expectedVersion": 1, "outcome": "CARRY_FORWARD" },
        { "actionId": gid(Kind::Action, w.review_action), "expectedVersion": 1, "outcome": "TAKE_OFF_LIST" },
    ]);
    let reply = app
        .gql(
            Some(CHAIR),
            REVIEW,
            json!({ "m": gid(Kind::Meeting, next), "d": bad }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"], "decisions.1.note",
        "{}",
        reply.body
    );
    // A cancelled meeting decides nothing.
    let cancelled = meeting_at(
        &app,
        &w,
        Utc::now() + chrono::Duration::days(10),
        MeetingStatus::Cancelled,
    )
    .await;
    let one = json!([{ "actionId": gid(Kind::Action, w.public_action), "expectedVersion": 1, "outcome": "CARRY_FORWARD" }]);
    let reply = app
        .gql(
            Some(CHAIR),
            REVIEW,
            json!({ "m": gid(Kind::Meeting, cancelled), "d": one }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
    // An update cannot be dated after today: it would appear in papers printed before it.
    let progress = r#"mutation($a: ID!, $d: NaiveDate) { updateActionProgress(input: { actionId: $a,
        expectedVersion: 1, percentComplete: 10, narrative: "Later", reportedOn: $d }) { version } }"#;
    let tomorrow = (Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let reply = app
        .gql(
            Some(LEAD),
            progress,
            json!({ "a": gid(Kind::Action, w.public_action), "d": tomorrow }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
    let row = action::Entity::find_by_id(w.public_action)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 1, "nothing written");
}
