//! Calendar feeds of board meetings (RFC 5545): a public board's feed for anyone, everything
//! else through a person's private, revocable feed URL; cancelled meetings show as cancelled, and
//! times are right on both sides of the clock changes.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::audit_log;
use entity::enums::Visibility;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

async fn get(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base()))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

const SCHEDULE: &str = "mutation($b: ID!, $s: DateTime!) { scheduleMeeting(input: { boardId: $b, startsAt: $s, venue: \"Civic Centre, Bromley\" }) { id startsAt } }";
const CREATE: &str =
    "mutation { createCalendarFeed(label: \"Outlook\") { path feed { id label } } }";

#[tokio::test]
async fn a_public_boards_meetings_reach_any_calendar_on_the_right_side_of_the_clock_changes() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let board = gid(Kind::Board, w.strategic_board);
    // Times with an offset are accepted and kept as the instant they name: 10:00 in London on
    // the last Sunday of March (BST from 01:00 UTC) and of October (GMT again from 01:00 UTC).
    let spring = app
        .gql(
            Some(CHAIR),
            SCHEDULE,
            json!({ "b": board, "s": "2027-03-28T10:00:00+01:00" }),
        )
        .await;
    assert_eq!(
        spring.data()["scheduleMeeting"]["startsAt"],
        "2027-03-28T09:00:00+00:00"
    );
    let autumn = app
        .gql(
            Some(CHAIR),
            SCHEDULE,
            json!({ "b": board, "s": "2027-10-31T10:00:00+00:00" }),
        )
        .await;
    let autumn_id = autumn.data()["scheduleMeeting"]["id"].clone();
    // One is called off.
    let cancelled = app
        .gql(
            Some(CHAIR),
            "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m, reason: \"Inquorate\" }) { status } }",
            json!({ "m": autumn_id }),
        )
        .await;
    assert_eq!(cancelled.data()["cancelMeeting"]["status"], "CANCELLED");

    let (status, kind, ics) = get(&app, &format!("/calendar/boards/{board}.ics")).await;
    assert_eq!(status, 200, "{ics}");
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let ics = ics.replace("\r\n ", "");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("X-WR-TIMEZONE:Europe/London"));
    assert!(
        ics.contains("DTSTART:20270328T090000Z"),
        "10:00 BST is 09:00 UTC: {ics}"
    );
    assert!(
        ics.contains("DTSTART:20271031T100000Z"),
        "10:00 GMT is 10:00 UTC: {ics}"
    );
    assert!(ics.contains("LOCATION:Civic Centre\\, Bromley"), "{ics}");
    assert_eq!(ics.matches("STATUS:CANCELLED").count(), 1, "{ics}");
    assert!(ics.contains("SUMMARY:Strategic Board"));
    assert!(!ics.contains("Inquorate"), "dates and venues only");

    // A partnership-only board's meetings are not public; nonsense is 404 too.
    let marac = gid(Kind::Board, w.marac);
    assert_eq!(
        get(&app, &format!("/calendar/boards/{marac}.ics")).await.0,
        404
    );
    assert_eq!(get(&app, "/calendar/boards/nonsense.ics").await.0, 404);
    assert_eq!(get(&app, &format!("/calendar/boards/{board}")).await.0, 404);

    // Printed papers show the same meeting on London's clock.
    let report = app
        .gql(
            None,
            "query($m: ID!) { node(id: $m) { ... on Meeting { mattersArisingReport } } }",
            json!({ "m": spring.data()["scheduleMeeting"]["id"] }),
        )
        .await;
    let report = report.data()["node"]["mattersArisingReport"]
        .as_str()
        .unwrap();
    assert!(
        report.contains("meeting of 28 March 2027, 10:00"),
        "{report}"
    );
}

#[tokio::test]
async fn a_private_feed_shows_what_its_owner_may_see_until_it_is_revoked() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let secret_meeting = b
        .meeting(w.partnership, w.marac, 14, Visibility::Restricted)
        .await;

    // Only someone signed in can make one; the URL is in the answer.
    assert_eq!(
        app.gql(None, CREATE, json!({})).await.error_code(),
        "UNAUTHENTICATED"
    );
    let made = app.gql(Some(MEMBER), CREATE, json!({})).await;
    let path = made.data()["createCalendarFeed"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let feed_id = made.data()["createCalendarFeed"]["feed"]["id"].clone();
    assert!(path.starts_with("/calendar/feeds/csph_cal_"), "{path}");

    // The member sees the partnership-only MARAC meeting, not the restricted one.
    let (status, _, ics) = get(&app, &path).await;
    assert_eq!(status, 200, "{ics}");
    assert!(ics.contains("SUMMARY:MARAC"), "{ics}");
    assert!(ics.contains("SUMMARY:Strategic Board"));
    assert!(!ics.contains(&format!("meeting-{secret_meeting}")), "{ics}");
    // One board only, when asked.
    let (_, _, one) = get(
        &app,
        &format!("{path}?board={}", gid(Kind::Board, w.strategic_board)),
    )
    .await;
    assert!(one.contains("SUMMARY:Strategic Board") && !one.contains("SUMMARY:MARAC"));

    // A cleared member's feed includes the restricted meeting, and that read is audited.
    let cleared = app.gql(Some(CLEARED), CREATE, json!({})).await;
    let cleared_path = cleared.data()["createCalendarFeed"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, _, ics) = get(&app, &cleared_path).await;
    assert!(ics.contains(&format!("meeting-{secret_meeting}")), "{ics}");
    let reads = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .filter(audit_log::Column::EntityType.eq("meeting"))
        .filter(audit_log::Column::EntityId.eq(secret_meeting))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(reads.len(), 1);
    assert!(reads[0]
        .purpose
        .as_deref()
        .unwrap()
        .contains("calendar feed"));

    // Others cannot see or revoke it; its owner lists it (never its URL) and revokes it.
    const REVOKE: &str = "mutation($f: ID!) { revokeCalendarFeed(feedId: $f) { revokedAt } }";
    assert_eq!(
        app.gql(Some(CLEARED), REVOKE, json!({ "f": feed_id }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let listed = app
        .gql(Some(MEMBER), "{ calendarFeeds { id label } }", json!({}))
        .await;
    assert_eq!(listed.data()["calendarFeeds"].as_array().unwrap().len(), 1);
    let revoked = app.gql(Some(MEMBER), REVOKE, json!({ "f": feed_id })).await;
    assert!(revoked.data()["revokeCalendarFeed"]["revokedAt"].is_string());
    assert_eq!(get(&app, &path).await.0, 404);
    for operation in ["createCalendarFeed", "revokeCalendarFeed"] {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Operation.eq(operation))
            .count(app.db())
            .await
            .unwrap();
        assert!(rows >= 1, "{operation} is audited");
    }
    // A guessed secret, and an owner who has left, are 404 alike.
    assert_eq!(get(&app, "/calendar/feeds/csph_cal_guess.ics").await.0, 404);
    entity::person::Entity::update_many()
        .col_expr(
            entity::person::Column::Active,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(entity::person::Column::Subject.eq(CLEARED))
        .exec(app.db())
        .await
        .unwrap();
    assert_eq!(get(&app, &cleared_path).await.0, 404);
}
