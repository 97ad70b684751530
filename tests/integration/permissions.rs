//! The role-by-operation matrix: every mutation in `schema.graphql` has a row saying who may run
//! it, who is refused (FORBIDDEN: they can see the record but hold no standing), and who cannot
//! see the record at all (NOT_FOUND, the same as for a record that does not exist). A mutation
//! added without a row fails `every_mutation_in_the_schema_has_a_row`.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::{Duration, Utc};
use entity::enums::{Polarity, Rag, Visibility};
use entity::{audit_log, board_membership, partnership_administrator, person};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const ADMIN: &str = "partnership-admin";

/// One row of the matrix.
struct Row {
    mutation: &'static str,
    /// The operation, run with `vars`.
    query: &'static str,
    vars: Value,
    /// May run it.
    allowed: &'static str,
    /// Sees the record but may not change it: FORBIDDEN. `None` where nobody who can see the
    /// record lacks the right (an unpublished review is seen only by those who manage it).
    forbidden: Option<&'static str>,
    /// Cannot see the record: NOT_FOUND. `None` where the record is public reference data.
    hidden: Option<&'static str>,
}

/// The mutations `schema.graphql` declares.
fn schema_mutations() -> BTreeSet<String> {
    let sdl = include_str!("../../schema.graphql");
    let body = sdl
        .split("type MutationRoot {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("schema.graphql has a MutationRoot");
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('"'))
        .filter_map(|l| l.split(['(', ':']).next())
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
        .collect()
}

/// Records each row needs, made once; every mutating row gets its own target.
struct Setup {
    w: World,
    /// A seat on the strategic board with no clearance, to request one for.
    unclear_seat: String,
    /// Clearances on seats of the strategic board, one per row: pending (approve, refuse) and
    /// approved (renew, revoke).
    clearances: Vec<String>,
    meetings: Vec<String>,
    items: Vec<String>,
    actions: Vec<String>,
    seat: String,
    priority: String,
    indicator: String,
}

async fn setup(app: &TestApp) -> Setup {
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let admin = b.person(w.police, ADMIN).await;
    partnership_administrator::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        person_id: Set(admin),
        created_at: Set(Utc::now()),
    }
    .insert(app.db())
    .await
    .unwrap();
    // Draft meetings of the strategic board, scheduled through the API, each with an item.
    let mut meetings = Vec::new();
    let mut items = Vec::new();
    for n in 0..4 {
        let starts = (Utc::now() + Duration::days(30 + n)).to_rfc3339();
        let m = app
            .gql(Some(CHAIR), "mutation($b: ID!, $s: DateTime!) { scheduleMeeting(input: { boardId: $b, startsAt: $s }) { id } }", json!({ "b": gid(Kind::Board, w.strategic_board), "s": starts }))
            .await
            .data()["scheduleMeeting"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let item = app
            .gql(Some(CHAIR), r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "Item" }) { id } }"#, json!({ "m": m }))
            .await
            .data()["addAgendaItem"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        meetings.push(m);
        items.push(item);
    }
    // Partnership-only actions of the strategic board led by LEAD: visible to the partnership's
    // people (MEMBER can see but not change them), invisible to OUTSIDER.
    let mut actions = Vec::new();
    for n in 0..6 {
        let id = b
            .action(w.partnership, &format!("Matrix action {n}"))
            .board(w.strategic_board)
            .visibility(Visibility::Partnership)
            .lead(w.lead, w.police)
            .rag(Rag::Amber)
            .due(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
            .insert()
            .await;
        actions.push(gid(Kind::Action, id));
    }
    let member = person::Entity::find()
        .filter(person::Column::Subject.eq(MEMBER))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let seat = board_membership::Entity::find()
        .filter(board_membership::Column::PersonId.eq(member.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let (_, priority) = b
        .strategy_with_priority(w.partnership, "Serious violence", w.lead, w.police)
        .await;
    let now = Utc::now();
    let indicator = entity::indicator::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        board_id: Set(Some(w.strategic_board)),
        name: Set("Repeat referrals".into()),
        unit: Set("percent".into()),
        polarity: Set(Polarity::LowerIsBetter),
        target_low: Set(Some(28.0)),
        target_high: Set(Some(40.0)),
        visibility: Set(Visibility::Partnership),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await
    .unwrap()
    .id;
    // Seats on the strategic board, where CHAIR is an officer without clearance (may see the
    // register, may not grant).
    let mut seats = Vec::new();
    for n in 0..5 {
        let holder = b.person(w.police, &format!("matrix-seat-{n}")).await;
        seats.push(b.seat(w.strategic_board, holder, false, None).await);
    }
    use entity::enums::ClearanceStatus;
    let in_a_year = Some(Utc::now() + Duration::days(365));
    let mut clearances = Vec::new();
    for (seat, status, expires) in [
        (seats[1], ClearanceStatus::Pending, None),
        (seats[2], ClearanceStatus::Pending, None),
        (seats[3], ClearanceStatus::Approved, in_a_year),
        (seats[4], ClearanceStatus::Approved, in_a_year),
    ] {
        clearances.push(gid(
            Kind::Clearance,
            b.clearance(seat, status, expires).await,
        ));
    }
    Setup {
        unclear_seat: gid(Kind::BoardMembership, seats[0]),
        clearances,
        meetings,
        items,
        actions,
        seat: gid(Kind::BoardMembership, seat.id),
        priority: gid(Kind::Priority, priority),
        indicator: gid(Kind::Indicator, indicator),
        w,
    }
}

fn rows(s: &Setup) -> Vec<Row> {
    let w = &s.w;
    let partnership = gid(Kind::Partnership, w.partnership);
    let strategic = gid(Kind::Board, w.strategic_board);
    let marac = gid(Kind::Board, w.marac);
    let lead = gid(Kind::Person, w.lead);
    let review = gid(Kind::DomesticHomicideReview, w.review);
    let approved_item = gid(Kind::AgendaItem, w.public_item);
    vec![
        Row {
            mutation: "createBoard",
            query: r#"mutation($p: ID!) { createBoard(input: { partnershipId: $p, name: "Matrix group", kind: FORUM, visibility: PUBLIC }) { id } }"#,
            vars: json!({ "p": partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "updateBoard",
            query: r#"mutation($b: ID!) { updateBoard(input: { boardId: $b, meetingFrequency: "Monthly" }) { id } }"#,
            vars: json!({ "b": marac }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "addMembership",
            query: "mutation($b: ID!, $p: ID!) { addMembership(input: { boardId: $b, personId: $p, role: MEMBER }) { id } }",
            vars: json!({ "b": marac, "p": lead }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "setRestrictedClearance",
            query: "mutation($m: ID!) { setRestrictedClearance(membershipId: $m, cleared: true) { id } }",
            vars: json!({ "m": s.seat }),
            allowed: ADMIN,
            // Not MEMBER: it is their own seat, and a person may ask to be cleared.
            forbidden: Some(PARTNER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "requestClearance",
            query: "mutation($m: ID!) { requestClearance(membershipId: $m, reason: \"Joins case discussion\") { id } }",
            vars: json!({ "m": s.unclear_seat }),
            allowed: CHAIR,
            forbidden: Some(PARTNER),
            // The board is public: everyone sees its seats (`setRestrictedClearance` covers a
            // hidden seat through the same service function).
            hidden: None,
        },
        Row {
            mutation: "approveClearance",
            query: "mutation($c: ID!) { approveClearance(clearanceId: $c) { id } }",
            vars: json!({ "c": s.clearances[0] }),
            allowed: ADMIN,
            // The board's chair, not cleared there: may see the register, never grant.
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "refuseClearance",
            query: "mutation($c: ID!) { refuseClearance(clearanceId: $c, reason: \"Not needed\") { id } }",
            vars: json!({ "c": s.clearances[1] }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "renewClearance",
            query: "mutation($c: ID!) { renewClearance(clearanceId: $c) { id } }",
            vars: json!({ "c": s.clearances[2] }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "revokeClearance",
            query: "mutation($c: ID!) { revokeClearance(clearanceId: $c, reason: \"Left the panel\") { id } }",
            vars: json!({ "c": s.clearances[3] }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "endMembership",
            query: r#"mutation($m: ID!) { endMembership(membershipId: $m, endsOn: "2030-01-01") { id } }"#,
            vars: json!({ "m": s.seat }),
            allowed: ADMIN,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "updateActionProgress",
            query: "mutation($a: ID!) { updateActionProgress(input: { actionId: $a, expectedVersion: 1, percentComplete: 10, narrative: \"Started\" }) { id } }",
            vars: json!({ "a": s.actions[0] }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "completeAction",
            query: "mutation($a: ID!) { completeAction(input: { actionId: $a, expectedVersion: 1 }) { id } }",
            vars: json!({ "a": s.actions[1] }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "cancelAction",
            query: "mutation($a: ID!) { cancelAction(input: { actionId: $a, expectedVersion: 1, reason: \"Superseded\" }) { id } }",
            vars: json!({ "a": s.actions[2] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "reassignAction",
            query: "mutation($a: ID!, $p: ID!) { reassignAction(input: { actionId: $a, expectedVersion: 1, leadPersonId: $p }) { id } }",
            vars: json!({ "a": s.actions[3], "p": lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "recordMissedReason",
            query: "mutation($a: ID!) { recordMissedReason(input: { actionId: $a, expectedVersion: 1, reason: CHANGE_IN_CIRCUMSTANCE }) { id } }",
            vars: json!({ "a": s.actions[4] }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "createPriorityAction",
            query: r#"mutation($p: ID!, $b: ID!) { createPriorityAction(input: { priorityId: $p, boardId: $b, title: "Matrix plan action" }) { id } }"#,
            vars: json!({ "p": s.priority, "b": strategic }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: None,
        },
        Row {
            mutation: "scheduleMeeting",
            query: r#"mutation($b: ID!) { scheduleMeeting(input: { boardId: $b, startsAt: "2030-03-05T10:00:00Z" }) { id } }"#,
            vars: json!({ "b": strategic }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "updateMeeting",
            query: r#"mutation($m: ID!) { updateMeeting(input: { meetingId: $m, venue: "Room 2" }) { id } }"#,
            vars: json!({ "m": s.meetings[0] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "cancelMeeting",
            query: r#"mutation($m: ID!) { cancelMeeting(input: { meetingId: $m, reason: "Not quorate" }) { id } }"#,
            vars: json!({ "m": s.meetings[1] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "addAgendaItem",
            query: r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "AOB" }) { id } }"#,
            vars: json!({ "m": s.meetings[0] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "updateAgendaItem",
            query: "mutation($i: ID!) { updateAgendaItem(input: { agendaItemId: $i, itemType: DECISION }) { id } }",
            vars: json!({ "i": s.items[0] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "reorderAgendaItems",
            query: "mutation($m: ID!, $i: ID!) { reorderAgendaItems(input: { meetingId: $m, agendaItemIds: [$i] }) { id } }",
            vars: json!({ "m": s.meetings[2], "i": s.items[2] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordAttendance",
            query: "mutation($m: ID!, $p: ID!) { recordAttendance(input: { meetingId: $m, personId: $p, status: APOLOGIES }) { status } }",
            vars: json!({ "m": s.meetings[0], "p": lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordDeclarationOfInterest",
            query: r#"mutation($m: ID!, $p: ID!) { recordDeclarationOfInterest(input: { meetingId: $m, personId: $p, interest: "Trustee" }) { interest } }"#,
            vars: json!({ "m": s.meetings[0], "p": lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "writeMinute",
            query: r#"mutation($i: ID!) { writeMinute(input: { agendaItemId: $i, text: "Noted." }) { id } }"#,
            vars: json!({ "i": s.items[0] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "addResolution",
            query: r#"mutation($i: ID!) { addResolution(input: { agendaItemId: $i, text: "RESOLVED that the item be noted" }) { id } }"#,
            vars: json!({ "i": s.items[0] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "approveMinutes",
            query: "mutation($m: ID!) { approveMinutes(meetingId: $m) { id } }",
            vars: json!({ "m": s.meetings[3] }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "correctMinute",
            query: r#"mutation($i: ID!) { correctMinute(input: { agendaItemId: $i, text: "Noted, as corrected.", reason: "Typo" }) { id } }"#,
            vars: json!({ "i": approved_item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "requestWrittenUpdates",
            query: "mutation($b: ID!) { requestWrittenUpdates(input: { boardId: $b, daysBefore: 7 }) { id } }",
            vars: json!({ "b": strategic }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordIndicatorReading",
            query: r#"mutation($i: ID!) { recordIndicatorReading(input: { indicatorId: $i, period: "2025/26 Q3", periodEnd: "2025-12-31", value: 30 }) { rag } }"#,
            vars: json!({ "i": s.indicator }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "createDomesticHomicideReview",
            query: r#"mutation($b: ID!) { createDomesticHomicideReview(input: { boardId: $b, pseudonym: "Matrix", notifiedOn: "2026-01-05" }) { id } }"#,
            vars: json!({ "b": marac }),
            allowed: CLEARED,
            forbidden: Some(PARTNER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "advanceDomesticHomicideReview",
            query: r#"mutation($r: ID!) { advanceDomesticHomicideReview(input: { reviewId: $r, to: PANEL_AND_IMRS, on: "2026-02-01" }) { id } }"#,
            vars: json!({ "r": review }),
            allowed: CLEARED,
            forbidden: None,
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "addReviewAction",
            query: r#"mutation($r: ID!) { addReviewAction(input: { reviewId: $r, title: "Matrix training" }) { id } }"#,
            vars: json!({ "r": review }),
            allowed: CLEARED,
            forbidden: None,
            hidden: Some(CHAIR),
        },
    ]
}

#[test]
fn every_mutation_in_the_schema_has_a_row() {
    let declared = schema_mutations();
    assert!(declared.len() > 20, "parsed {declared:?}");
    let mutations: BTreeSet<String> = [
        "createBoard",
        "updateBoard",
        "addMembership",
        "setRestrictedClearance",
        "requestClearance",
        "approveClearance",
        "refuseClearance",
        "renewClearance",
        "revokeClearance",
        "endMembership",
        "updateActionProgress",
        "completeAction",
        "cancelAction",
        "reassignAction",
        "recordMissedReason",
        "createPriorityAction",
        "scheduleMeeting",
        "updateMeeting",
        "cancelMeeting",
        "addAgendaItem",
        "updateAgendaItem",
        "reorderAgendaItems",
        "recordAttendance",
        "recordDeclarationOfInterest",
        "writeMinute",
        "addResolution",
        "approveMinutes",
        "correctMinute",
        "requestWrittenUpdates",
        "recordIndicatorReading",
        "createDomesticHomicideReview",
        "advanceDomesticHomicideReview",
        "addReviewAction",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(
        declared, mutations,
        "every mutation needs a row in the matrix below (and in this list)"
    );
}

/// Audit rows so far, to prove a refusal wrote nothing but its own denial.
async fn writes_so_far(app: &TestApp) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Outcome.eq("allowed"))
        .count(app.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn each_mutation_admits_its_role_refuses_others_and_hides_what_they_cannot_see() {
    let app = TestApp::spawn().await;
    let setup = setup(&app).await;
    let rows = rows(&setup);
    let names: BTreeSet<&str> = rows.iter().map(|r| r.mutation).collect();
    assert_eq!(
        names.into_iter().map(String::from).collect::<BTreeSet<_>>(),
        schema_mutations(),
        "the matrix covers every mutation"
    );

    for row in &rows {
        let before = writes_so_far(&app).await;
        // Anonymous callers change nothing.
        let anon = app.gql(None, row.query, row.vars.clone()).await;
        assert!(
            ["FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"].contains(&anon.error_code()),
            "{}: anonymous got {}",
            row.mutation,
            anon.body
        );
        if let Some(who) = row.forbidden {
            let reply = app.gql(Some(who), row.query, row.vars.clone()).await;
            assert_eq!(
                reply.error_code(),
                "FORBIDDEN",
                "{} by {who}: {}",
                row.mutation,
                reply.body
            );
        }
        if let Some(who) = row.hidden {
            let reply = app.gql(Some(who), row.query, row.vars.clone()).await;
            assert_eq!(
                reply.error_code(),
                "NOT_FOUND",
                "{} by {who}: {}",
                row.mutation,
                reply.body
            );
            assert!(!reply.body.to_string().contains(SECRET));
        }
        assert_eq!(
            writes_so_far(&app).await,
            before,
            "{}: a refused call wrote something",
            row.mutation
        );
        let reply = app
            .gql(Some(row.allowed), row.query, row.vars.clone())
            .await;
        assert!(
            reply.body["errors"].is_null(),
            "{} by {}: {}",
            row.mutation,
            row.allowed,
            reply.body
        );
        assert!(
            writes_so_far(&app).await > before,
            "{}: an allowed call is audited",
            row.mutation
        );
    }
    // Every refusal of someone who could see the record is in the audit log as denied.
    let denied = audit_log::Entity::find()
        .filter(audit_log::Column::Outcome.eq("denied"))
        .order_by_asc(audit_log::Column::OccurredAt)
        .all(app.db())
        .await
        .unwrap();
    let refused_ops: BTreeSet<&str> = denied.iter().map(|d| d.operation.as_str()).collect();
    for row in rows.iter().filter(|r| r.forbidden.is_some()) {
        assert!(
            refused_ops.contains(row.mutation),
            "{}: refusal not audited ({refused_ops:?})",
            row.mutation
        );
    }
}
