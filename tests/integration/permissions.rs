//! The role-by-operation matrix: every mutation in `schema.graphql` has a row saying who may run
//! it, who is refused (FORBIDDEN: they can see the record but hold no standing), and who cannot
//! see the record at all (NOT_FOUND, the same as for a record that does not exist). A mutation
//! added without a row fails `every_mutation_in_the_schema_has_a_row`.
//!
//! Rows are independent: each makes the record it targets just before it runs ([`Needs`]), and
//! changes nothing another row reads, so rows can run in any order, or alone:
//! `CSP_MATRIX_ROWS=cancelAction,approveMinutes cargo test --test integration permissions`.
//! They share one database and the [`World`], whose records no row changes (rows only add to
//! its boards): a migrated database and a world per row would cost tens of seconds on
//! PostgreSQL.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::{Duration, Utc};
use entity::enums::{ClearanceStatus, Polarity, Rag, ReviewStatus, Visibility};
use entity::{audit_log, partnership_administrator, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};

const ADMIN: &str = "partnership-admin";

/// One row of the matrix.
struct Row {
    mutation: &'static str,
    /// The operation, run with the variables `vars` gives.
    query: &'static str,
    /// The record the row targets, made for it alone.
    needs: Needs,
    /// The operation's variables, from the shared records and what the row made.
    vars: fn(&Shared, &Made) -> Value,
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
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
        .collect()
}

/// What every row stands on and none changes: the world, a partnership administrator (ADMIN),
/// and global IDs of the world's records.
struct Shared {
    w: World,
    partnership: String,
    strategic: String,
    marac: String,
    lead: String,
}

async fn shared(app: &TestApp) -> Shared {
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
    Shared {
        partnership: gid(Kind::Partnership, w.partnership),
        strategic: gid(Kind::Board, w.strategic_board),
        marac: gid(Kind::Board, w.marac),
        lead: gid(Kind::Person, w.lead),
        w,
    }
}

/// The record a row makes for itself before it runs.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// Nothing: the row adds to a shared board or partnership without changing it.
    Nothing,
    /// A partnership-only board.
    Board,
    /// A seat of MEMBER on a new partnership-only board: MEMBER sees it, OUTSIDER does not.
    MembersOwnSeat,
    /// A seat of a new person on the (public) strategic board, without clearance.
    StrategicSeat,
    /// A clearance in this state on a new seat of the strategic board, where CHAIR is an officer
    /// without clearance (may see the register, may not grant).
    Clearance(ClearanceStatus),
    /// A partnership-only action of the strategic board led by LEAD, due in 2020: MEMBER can see
    /// but not change it, OUTSIDER cannot see it.
    Action,
    /// A strategy priority led by LEAD.
    Priority,
    /// A partnership-only meeting of the strategic board whose matters arising hold a
    /// partnership-only action led by LEAD (target: the meeting, item: the action).
    MatterArising,
    /// A draft meeting of the strategic board, scheduled by CHAIR through the API, with one item.
    DraftMeeting,
    /// A held meeting of the strategic board, minutes approved, with one minuted item.
    ApprovedMinute,
    /// A partnership-only indicator of the strategic board.
    Indicator,
    /// A commissioned review overseen by MARAC (restricted).
    Review,
    /// A new organisation serving the world's partnership.
    Organisation,
    /// A new organisation serving only a new, other partnership.
    ForeignOrganisation,
    /// A new person of the world's police force.
    Person,
    /// A new post of the world's police force, held by LEAD.
    Post,
    /// A new strategy of the world's partnership, with no priorities.
    Strategy,
    /// A provisioning token of the world's police force, issued by ADMIN.
    ProvisioningToken,
    /// A calendar feed of MEMBER's.
    CalendarFeed,
}

/// Global IDs of what a row made: its target, and a meeting's item.
#[derive(Default)]
struct Made {
    target: String,
    item: String,
}

/// A number no earlier call returned, for unique subjects and times.
fn next() -> i64 {
    static NEXT: AtomicI64 = AtomicI64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

async fn make(app: &TestApp, s: &Shared, needs: Needs) -> Made {
    let w = &s.w;
    let b = Builder { db: app.db() };
    let target = |target: String| Made {
        target,
        ..Made::default()
    };
    match needs {
        Needs::Nothing => Made::default(),
        Needs::Board => target(gid(
            Kind::Board,
            b.board(w.partnership, "Matrix board", Visibility::Partnership)
                .await,
        )),
        Needs::MembersOwnSeat => {
            let board = b
                .board(w.partnership, "Matrix panel", Visibility::Partnership)
                .await;
            let member = person::Entity::find()
                .filter(person::Column::Subject.eq(MEMBER))
                .one(app.db())
                .await
                .unwrap()
                .unwrap();
            target(gid(
                Kind::BoardMembership,
                b.seat(board, member.id, false, None).await,
            ))
        }
        Needs::StrategicSeat => {
            let holder = b.person(w.police, &format!("matrix-seat-{}", next())).await;
            target(gid(
                Kind::BoardMembership,
                b.seat(w.strategic_board, holder, false, None).await,
            ))
        }
        Needs::Clearance(status) => {
            let holder = b.person(w.police, &format!("matrix-seat-{}", next())).await;
            let seat = b.seat(w.strategic_board, holder, false, None).await;
            let expires =
                (status == ClearanceStatus::Approved).then(|| Utc::now() + Duration::days(365));
            target(gid(
                Kind::Clearance,
                b.clearance(seat, status, expires).await,
            ))
        }
        Needs::Action => target(gid(
            Kind::Action,
            b.action(w.partnership, "Matrix action")
                .board(w.strategic_board)
                .visibility(Visibility::Partnership)
                .lead(w.lead, w.police)
                .rag(Rag::Amber)
                .due(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
                .insert()
                .await,
        )),
        Needs::MatterArising => {
            let earlier = b
                .meeting(w.partnership, w.strategic_board, 3, Visibility::Partnership)
                .await;
            let item = b
                .agenda_item(
                    w.partnership,
                    w.strategic_board,
                    earlier,
                    1,
                    "Matrix matters",
                    Visibility::Partnership,
                    None,
                )
                .await;
            let resolution = b
                .resolution(item, "RESOLVED that partners report back")
                .await;
            let action = b
                .action(w.partnership, "Matrix matter arising")
                .board(w.strategic_board)
                .visibility(Visibility::Partnership)
                .resolution(resolution)
                .lead(w.lead, w.police)
                .insert()
                .await;
            let meeting = b
                .meeting(w.partnership, w.strategic_board, 5, Visibility::Partnership)
                .await;
            Made {
                target: gid(Kind::Meeting, meeting),
                item: gid(Kind::Action, action),
            }
        }
        Needs::Priority => {
            let (_, priority) = b
                .strategy_with_priority(w.partnership, "Serious violence", w.lead, w.police)
                .await;
            target(gid(Kind::Priority, priority))
        }
        Needs::DraftMeeting => {
            let starts = (Utc::now() + Duration::days(30 + next())).to_rfc3339();
            let meeting = app
                .gql(Some(CHAIR), "mutation($b: ID!, $s: DateTime!) { scheduleMeeting(input: { boardId: $b, startsAt: $s }) { id } }", json!({ "b": s.strategic, "s": starts }))
                .await
                .data()["scheduleMeeting"]["id"]
                .as_str()
                .unwrap()
                .to_string();
            let item = app
                .gql(Some(CHAIR), r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "Item" }) { id } }"#, json!({ "m": meeting }))
                .await
                .data()["addAgendaItem"]["id"]
                .as_str()
                .unwrap()
                .to_string();
            Made {
                target: meeting,
                item,
            }
        }
        Needs::ApprovedMinute => {
            let meeting = b
                .meeting(w.partnership, w.strategic_board, 20, Visibility::Public)
                .await;
            let item = b
                .agenda_item(
                    w.partnership,
                    w.strategic_board,
                    meeting,
                    1,
                    "Matrix update",
                    Visibility::Public,
                    None,
                )
                .await;
            Made {
                target: gid(Kind::Meeting, meeting),
                item: gid(Kind::AgendaItem, item),
            }
        }
        Needs::Indicator => {
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
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap()
            .id;
            target(gid(Kind::Indicator, indicator))
        }
        Needs::Organisation => target(gid(
            Kind::Organisation,
            b.organisation(&format!("Matrix organisation {}", next()), &[w.partnership])
                .await,
        )),
        Needs::ForeignOrganisation => {
            let elsewhere = b.partnership(&format!("matrix-{}", next())).await;
            target(gid(
                Kind::Organisation,
                b.organisation(&format!("Matrix trust {}", next()), &[elsewhere])
                    .await,
            ))
        }
        Needs::Person => target(gid(
            Kind::Person,
            b.person(w.police, &format!("matrix-person-{}", next()))
                .await,
        )),
        Needs::Strategy => {
            let now = Utc::now();
            let strategy = entity::strategy::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                partnership_id: Set(w.partnership),
                title: Set(format!("Matrix strategy {}", next())),
                period_start: Set(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()),
                period_end: Set(chrono::NaiveDate::from_ymd_opt(2028, 3, 31).unwrap()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap();
            target(gid(Kind::Strategy, strategy.id))
        }
        Needs::CalendarFeed => {
            let now = Utc::now();
            let member = entity::person::Entity::find()
                .filter(entity::person::Column::Subject.eq(MEMBER))
                .one(app.db())
                .await
                .unwrap()
                .unwrap();
            let feed = entity::calendar_feed::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                person_id: Set(member.id),
                label: Set(format!("Matrix feed {}", next())),
                secret_digest: Set(format!("{:064}", next())),
                revoked_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap();
            target(gid(Kind::CalendarFeed, feed.id))
        }
        Needs::ProvisioningToken => {
            let now = Utc::now();
            let admin = entity::person::Entity::find()
                .filter(entity::person::Column::Subject.eq(ADMIN))
                .one(app.db())
                .await
                .unwrap()
                .unwrap();
            let token = entity::provisioning_token::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                organisation_id: Set(w.police),
                partnership_id: Set(w.partnership),
                created_by: Set(admin.id),
                label: Set(format!("Matrix token {}", next())),
                issuer: Set("https://idp.example".into()),
                secret_digest: Set(format!("{:064}", next())),
                revoked_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap();
            target(gid(Kind::ProvisioningToken, token.id))
        }
        Needs::Post => {
            let now = Utc::now();
            let post = entity::post::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                partnership_id: Set(w.partnership),
                organisation_id: Set(w.police),
                title: Set(format!("Matrix post {}", next())),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap();
            entity::post_holder::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                post_id: Set(post.id),
                person_id: Set(w.lead),
                starts_on: Set(None),
                ends_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(app.db())
            .await
            .unwrap();
            target(gid(Kind::Post, post.id))
        }
        Needs::Review => target(gid(
            Kind::DomesticHomicideReview,
            b.review(
                w.partnership,
                w.marac,
                &format!("{SECRET} {}", next()),
                ReviewStatus::Commissioned,
            )
            .await,
        )),
    }
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            mutation: "createBoard",
            query: r#"mutation($p: ID!) { createBoard(input: { partnershipId: $p, name: "Matrix group", kind: FORUM, visibility: PUBLIC }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "updateBoard",
            query: r#"mutation($b: ID!) { updateBoard(input: { boardId: $b, meetingFrequency: "Monthly" }) { id } }"#,
            needs: Needs::Board,
            vars: |_, m| json!({ "b": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "addMembership",
            query: "mutation($b: ID!, $p: ID!) { addMembership(input: { boardId: $b, personId: $p, role: MEMBER }) { id } }",
            needs: Needs::Board,
            vars: |s, m| json!({ "b": m.target, "p": s.lead }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "setRestrictedClearance",
            query: "mutation($m: ID!) { setRestrictedClearance(membershipId: $m, cleared: true) { id } }",
            needs: Needs::MembersOwnSeat,
            vars: |_, m| json!({ "m": m.target }),
            allowed: ADMIN,
            // Not MEMBER: it is their own seat, and a person may ask to be cleared.
            forbidden: Some(PARTNER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "requestClearance",
            query: "mutation($m: ID!) { requestClearance(membershipId: $m, reason: \"Joins case discussion\") { id } }",
            needs: Needs::StrategicSeat,
            vars: |_, m| json!({ "m": m.target }),
            allowed: CHAIR,
            forbidden: Some(PARTNER),
            // The board is public: everyone sees its seats (`setRestrictedClearance` covers a
            // hidden seat through the same service function).
            hidden: None,
        },
        Row {
            mutation: "approveClearance",
            query: "mutation($c: ID!) { approveClearance(clearanceId: $c) { id } }",
            needs: Needs::Clearance(ClearanceStatus::Pending),
            vars: |_, m| json!({ "c": m.target }),
            allowed: ADMIN,
            // The board's chair, not cleared there: may see the register, never grant.
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "refuseClearance",
            query: "mutation($c: ID!) { refuseClearance(clearanceId: $c, reason: \"Not needed\") { id } }",
            needs: Needs::Clearance(ClearanceStatus::Pending),
            vars: |_, m| json!({ "c": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "renewClearance",
            query: "mutation($c: ID!) { renewClearance(clearanceId: $c) { id } }",
            needs: Needs::Clearance(ClearanceStatus::Approved),
            vars: |_, m| json!({ "c": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "revokeClearance",
            query: "mutation($c: ID!) { revokeClearance(clearanceId: $c, reason: \"Left the panel\") { id } }",
            needs: Needs::Clearance(ClearanceStatus::Approved),
            vars: |_, m| json!({ "c": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "endMembership",
            query: r#"mutation($m: ID!) { endMembership(membershipId: $m, endsOn: "2030-01-01") { id } }"#,
            needs: Needs::MembersOwnSeat,
            vars: |_, m| json!({ "m": m.target }),
            allowed: ADMIN,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "updateActionProgress",
            query: "mutation($a: ID!) { updateActionProgress(input: { actionId: $a, expectedVersion: 1, percentComplete: 10, narrative: \"Started\" }) { id } }",
            needs: Needs::Action,
            vars: |_, m| json!({ "a": m.target }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "completeAction",
            query: "mutation($a: ID!) { completeAction(input: { actionId: $a, expectedVersion: 1 }) { id } }",
            needs: Needs::Action,
            vars: |_, m| json!({ "a": m.target }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "cancelAction",
            query: "mutation($a: ID!) { cancelAction(input: { actionId: $a, expectedVersion: 1, reason: \"Superseded\" }) { id } }",
            needs: Needs::Action,
            vars: |_, m| json!({ "a": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "reviewMattersArising",
            query: r#"mutation($m: ID!, $a: ID!) { reviewMattersArising(input: { meetingId: $m, decisions: [{ actionId: $a, expectedVersion: 1, outcome: CLOSE_AS_SUPERSEDED, note: "Superseded" }] }) { id } }"#,
            needs: Needs::MatterArising,
            vars: |_, m| json!({ "m": m.target, "a": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "updateAction",
            query: r#"mutation($a: ID!) { updateAction(input: { actionId: $a, expectedVersion: 1, risks: "Staff turnover" }) { id } }"#,
            needs: Needs::Action,
            vars: |_, m| json!({ "a": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "reassignAction",
            query: "mutation($a: ID!, $p: ID!) { reassignAction(input: { actionId: $a, expectedVersion: 1, leadPersonId: $p }) { id } }",
            needs: Needs::Action,
            vars: |s, m| json!({ "a": m.target, "p": s.lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "recordMissedReason",
            query: "mutation($a: ID!) { recordMissedReason(input: { actionId: $a, expectedVersion: 1, reason: CHANGE_IN_CIRCUMSTANCE }) { id } }",
            needs: Needs::Action,
            vars: |_, m| json!({ "a": m.target }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "createPriorityAction",
            query: r#"mutation($p: ID!, $b: ID!) { createPriorityAction(input: { priorityId: $p, boardId: $b, title: "Matrix plan action" }) { id } }"#,
            needs: Needs::Priority,
            vars: |s, m| json!({ "p": m.target, "b": s.strategic }),
            allowed: LEAD,
            forbidden: Some(MEMBER),
            hidden: None,
        },
        Row {
            mutation: "scheduleMeeting",
            query: r#"mutation($b: ID!) { scheduleMeeting(input: { boardId: $b, startsAt: "2030-03-05T10:00:00Z" }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "b": s.strategic }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "updateMeeting",
            query: r#"mutation($m: ID!) { updateMeeting(input: { meetingId: $m, venue: "Room 2" }) { id } }"#,
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "m": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "cancelMeeting",
            query: r#"mutation($m: ID!) { cancelMeeting(input: { meetingId: $m, reason: "Not quorate" }) { id } }"#,
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "m": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "addAgendaItem",
            query: r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "AOB" }) { id } }"#,
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "m": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "updateAgendaItem",
            query: "mutation($i: ID!) { updateAgendaItem(input: { agendaItemId: $i, itemType: DECISION }) { id } }",
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "i": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "reorderAgendaItems",
            query: "mutation($m: ID!, $i: ID!) { reorderAgendaItems(input: { meetingId: $m, agendaItemIds: [$i] }) { id } }",
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "m": m.target, "i": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordAttendance",
            query: "mutation($m: ID!, $p: ID!) { recordAttendance(input: { meetingId: $m, personId: $p, status: APOLOGIES }) { status } }",
            needs: Needs::DraftMeeting,
            vars: |s, m| json!({ "m": m.target, "p": s.lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordDeclarationOfInterest",
            query: r#"mutation($m: ID!, $p: ID!) { recordDeclarationOfInterest(input: { meetingId: $m, personId: $p, interest: "Trustee" }) { interest } }"#,
            needs: Needs::DraftMeeting,
            vars: |s, m| json!({ "m": m.target, "p": s.lead }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "writeMinute",
            query: r#"mutation($i: ID!) { writeMinute(input: { agendaItemId: $i, text: "Noted." }) { id } }"#,
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "i": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "addResolution",
            query: r#"mutation($i: ID!) { addResolution(input: { agendaItemId: $i, text: "RESOLVED that the item be noted" }) { id } }"#,
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "i": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "approveMinutes",
            query: "mutation($m: ID!) { approveMinutes(meetingId: $m) { id } }",
            needs: Needs::DraftMeeting,
            vars: |_, m| json!({ "m": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "correctMinute",
            query: r#"mutation($i: ID!) { correctMinute(input: { agendaItemId: $i, text: "Noted, as corrected.", reason: "Typo" }) { id } }"#,
            needs: Needs::ApprovedMinute,
            vars: |_, m| json!({ "i": m.item }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "requestWrittenUpdates",
            query: "mutation($b: ID!) { requestWrittenUpdates(input: { boardId: $b, daysBefore: 7 }) { id } }",
            // Asks for updates ahead of the board's next meeting: it needs one scheduled.
            needs: Needs::DraftMeeting,
            vars: |s, _| json!({ "b": s.strategic }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: None,
        },
        Row {
            mutation: "recordIndicatorReading",
            query: r#"mutation($i: ID!) { recordIndicatorReading(input: { indicatorId: $i, period: "2025/26 Q3", periodEnd: "2025-12-31", value: 30 }) { rag } }"#,
            needs: Needs::Indicator,
            vars: |_, m| json!({ "i": m.target }),
            allowed: CHAIR,
            forbidden: Some(LEAD),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "createDomesticHomicideReview",
            query: r#"mutation($b: ID!) { createDomesticHomicideReview(input: { boardId: $b, pseudonym: "Matrix", notifiedOn: "2026-01-05" }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "b": s.marac }),
            allowed: CLEARED,
            forbidden: Some(PARTNER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "advanceDomesticHomicideReview",
            query: r#"mutation($r: ID!) { advanceDomesticHomicideReview(input: { reviewId: $r, to: PANEL_AND_IMRS, on: "2026-02-01" }) { id } }"#,
            needs: Needs::Review,
            vars: |_, m| json!({ "r": m.target }),
            allowed: CLEARED,
            forbidden: None,
            hidden: Some(PARTNER),
        },
        Row {
            mutation: "updatePartnership",
            query: r#"mutation($p: ID!) { updatePartnership(input: { partnershipId: $p, area: "Testshire" }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "createOrganisation",
            query: r#"mutation($p: ID!) { createOrganisation(input: { partnershipId: $p, name: "Matrix charity", kind: VOLUNTARY }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "updateOrganisation",
            query: r#"mutation($o: ID!) { updateOrganisation(input: { organisationId: $o, shortName: "MO" }) { id } }"#,
            needs: Needs::Organisation,
            vars: |_, m| json!({ "o": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "addOrganisationToPartnership",
            query: "mutation($o: ID!, $p: ID!) { addOrganisationToPartnership(input: { organisationId: $o, partnershipId: $p }) { id } }",
            needs: Needs::ForeignOrganisation,
            vars: |s, m| json!({ "o": m.target, "p": s.partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "createPerson",
            query: r#"mutation($o: ID!) { createPerson(input: { organisationId: $o, name: "Matrix Person" }) { id } }"#,
            needs: Needs::Organisation,
            vars: |_, m| json!({ "o": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "updatePerson",
            query: r#"mutation($p: ID!) { updatePerson(input: { personId: $p, postTitle: "Analyst" }) { id } }"#,
            needs: Needs::Person,
            vars: |_, m| json!({ "p": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "createPost",
            query: r#"mutation($p: ID!, $o: ID!) { createPost(input: { partnershipId: $p, organisationId: $o, title: "Matrix coordinator" }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership, "o": gid(Kind::Organisation, s.w.police) }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "appointToPost",
            query: "mutation($p: ID!, $who: ID!) { appointToPost(input: { postId: $p, personId: $who }) { id } }",
            needs: Needs::Post,
            vars: |s, m| json!({ "p": m.target, "who": s.lead }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "vacatePost",
            query: "mutation($p: ID!) { vacatePost(input: { postId: $p }) { id } }",
            needs: Needs::Post,
            vars: |_, m| json!({ "p": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "issueProvisioningToken",
            query: r#"mutation($p: ID!, $o: ID!) { issueProvisioningToken(input: { partnershipId: $p, organisationId: $o, issuer: "https://idp.example", label: "Matrix" }) { secret } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership, "o": gid(Kind::Organisation, s.w.police) }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        // Only the partnership's administrators know a token exists.
        Row {
            mutation: "revokeProvisioningToken",
            query: "mutation($t: ID!) { revokeProvisioningToken(tokenId: $t) { revokedAt } }",
            needs: Needs::ProvisioningToken,
            vars: |_, m| json!({ "t": m.target }),
            allowed: ADMIN,
            forbidden: None,
            hidden: Some(CHAIR),
        },
        // Anyone signed in makes feeds for themselves; nobody else knows they exist.
        Row {
            mutation: "createCalendarFeed",
            query: r#"mutation { createCalendarFeed(label: "Matrix") { path } }"#,
            needs: Needs::Nothing,
            vars: |_, _| json!({}),
            allowed: MEMBER,
            forbidden: None,
            hidden: None,
        },
        Row {
            mutation: "revokeCalendarFeed",
            query: "mutation($f: ID!) { revokeCalendarFeed(feedId: $f) { revokedAt } }",
            needs: Needs::CalendarFeed,
            vars: |_, m| json!({ "f": m.target }),
            allowed: MEMBER,
            forbidden: None,
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "createStrategy",
            query: r#"mutation($p: ID!) { createStrategy(input: { partnershipId: $p, title: "Matrix strategy", periodStart: "2025-04-01", periodEnd: "2028-03-31" }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "createPriority",
            query: r#"mutation($s: ID!) { createPriority(input: { strategyId: $s, number: 7, title: "Matrix priority" }) { id } }"#,
            needs: Needs::Strategy,
            vars: |_, m| json!({ "s": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "updatePriority",
            query: r#"mutation($p: ID!) { updatePriority(input: { priorityId: $p, aim: "Matrix aim" }) { id } }"#,
            needs: Needs::Priority,
            vars: |_, m| json!({ "p": m.target }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "createIndicator",
            query: r#"mutation($p: ID!, $b: ID!) { createIndicator(input: { partnershipId: $p, boardId: $b, name: "Matrix indicator", unit: "count", polarity: LOWER_IS_BETTER, targetLow: 10 }) { id } }"#,
            needs: Needs::Nothing,
            vars: |s, _| json!({ "p": s.partnership, "b": s.strategic }),
            allowed: ADMIN,
            forbidden: Some(CHAIR),
            hidden: None,
        },
        Row {
            mutation: "changeIndicatorTarget",
            query: r#"mutation($i: ID!) { changeIndicatorTarget(input: { indicatorId: $i, targetLow: 30, targetHigh: 45, effectiveFrom: "2026-04-01" }) { id } }"#,
            needs: Needs::Indicator,
            vars: |_, m| json!({ "i": m.target }),
            allowed: CHAIR,
            forbidden: Some(MEMBER),
            hidden: Some(OUTSIDER),
        },
        Row {
            mutation: "addReviewAction",
            query: r#"mutation($r: ID!) { addReviewAction(input: { reviewId: $r, title: "Matrix training" }) { id } }"#,
            needs: Needs::Review,
            vars: |_, m| json!({ "r": m.target }),
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
        "reviewMattersArising",
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
        "updatePartnership",
        "createOrganisation",
        "updateOrganisation",
        "addOrganisationToPartnership",
        "createPerson",
        "updatePerson",
        "updateAction",
        "createPost",
        "appointToPost",
        "vacatePost",
        "issueProvisioningToken",
        "revokeProvisioningToken",
        "createCalendarFeed",
        "revokeCalendarFeed",
        "createStrategy",
        "createPriority",
        "updatePriority",
        "createIndicator",
        "changeIndicatorTarget",
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

/// Refusals of `mutation` in the audit log.
async fn denials_of(app: &TestApp, mutation: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Outcome.eq("denied"))
        .filter(audit_log::Column::Operation.eq(mutation))
        .count(app.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn each_mutation_admits_its_role_refuses_others_and_hides_what_they_cannot_see() {
    let app = TestApp::spawn().await;
    let shared = shared(&app).await;
    let rows = rows();
    let names: BTreeSet<&str> = rows.iter().map(|r| r.mutation).collect();
    assert_eq!(
        names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>(),
        schema_mutations(),
        "the matrix covers every mutation"
    );
    // All rows, or those named in CSP_MATRIX_ROWS (comma-separated) to run them alone.
    let only: Option<BTreeSet<String>> = std::env::var("CSP_MATRIX_ROWS")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.split(',').map(|n| n.trim().to_string()).collect());
    if let Some(only) = &only {
        for name in only {
            assert!(
                names.contains(name.as_str()),
                "CSP_MATRIX_ROWS: no row {name}"
            );
        }
    }

    for row in rows
        .iter()
        .filter(|r| only.as_ref().is_none_or(|o| o.contains(r.mutation)))
    {
        let made = make(&app, &shared, row.needs).await;
        let vars = (row.vars)(&shared, &made);
        let before = writes_so_far(&app).await;
        // Anonymous callers change nothing.
        let anon = app.gql(None, row.query, vars.clone()).await;
        assert!(
            ["FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"].contains(&anon.error_code()),
            "{}: anonymous got {}",
            row.mutation,
            anon.body
        );
        if let Some(who) = row.forbidden {
            let reply = app.gql(Some(who), row.query, vars.clone()).await;
            assert_eq!(
                reply.error_code(),
                "FORBIDDEN",
                "{} by {who}: {}",
                row.mutation,
                reply.body
            );
            // A refusal of someone who could see the record is in the audit log as denied.
            assert!(
                denials_of(&app, row.mutation).await > 0,
                "{}: refusal not audited",
                row.mutation
            );
        }
        if let Some(who) = row.hidden {
            let reply = app.gql(Some(who), row.query, vars.clone()).await;
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
        let reply = app.gql(Some(row.allowed), row.query, vars.clone()).await;
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
}
