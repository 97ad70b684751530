//! Clearance as a governed grant: nobody clears themselves, a second entitled person approves,
//! approvals expire and are renewed, revocation is immediate, and every step is audited.

use crate::common::TestApp;
use crate::fixtures::*;
use crate::live::{next_message, subscribe};
use api::core::ids::Kind;
use entity::enums::{ClearanceStatus, MembershipRole};
use entity::{audit_log, board_membership, clearance, partnership_administrator, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

const ADMIN: &str = "clearance-admin";
const SECOND_ADMIN: &str = "clearance-admin-2";
const MARAC_CHAIR: &str = "marac-chair-cleared";
const UNCLEARED_CHAIR: &str = "marac-vice-chair-uncleared";

const REQUEST: &str = "mutation($m: ID!) { requestClearance(membershipId: $m, reason: \"Case discussion\") { id state } }";
const APPROVE: &str = "mutation($c: ID!) { approveClearance(clearanceId: $c) { id state inForce expiresAt decidedBy { name } } }";
const RENEW: &str = "mutation($c: ID!) { renewClearance(clearanceId: $c) { id state expiresAt renewedFrom { id state } } }";
const REVOKE: &str = "mutation($c: ID!) { revokeClearance(clearanceId: $c, reason: \"Left the panel\") { id state } }";
const SEE: &str = "query($id: ID!) { node(id: $id) { ... on Action { title } } }";

struct Fixture {
    app: TestApp,
    w: World,
    /// MEMBER's uncleared seat on MARAC.
    member_seat: Uuid,
}

async fn person_id(app: &TestApp, subject: &str) -> Uuid {
    person::Entity::find()
        .filter(person::Column::Subject.eq(subject))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn administer(app: &TestApp, partnership: Uuid, person: Uuid) {
    partnership_administrator::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(partnership),
        person_id: Set(person),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(app.db())
    .await
    .unwrap();
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    for subject in [ADMIN, SECOND_ADMIN] {
        let id = b.person(w.police, subject).await;
        administer(&app, w.partnership, id).await;
    }
    let chair = b.person(w.police, MARAC_CHAIR).await;
    b.seat_as(w.marac, chair, MembershipRole::Chair, true, None)
        .await;
    let vice = b.person(w.police, UNCLEARED_CHAIR).await;
    b.seat_as(w.marac, vice, MembershipRole::ViceChair, false, None)
        .await;
    let member = person_id(&app, MEMBER).await;
    let member_seat = board_membership::Entity::find()
        .filter(board_membership::Column::PersonId.eq(member))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    Fixture {
        app,
        w,
        member_seat,
    }
}

impl Fixture {
    async fn sees_restricted_action(&self, subject: &str) -> bool {
        let reply = self
            .app
            .gql(
                Some(subject),
                SEE,
                json!({ "id": gid(Kind::Action, self.w.restricted_action) }),
            )
            .await;
        !reply.data()["node"].is_null()
    }

    async fn request_for_member(&self, by: &str) -> String {
        let reply = self
            .app
            .gql(
                Some(by),
                REQUEST,
                json!({ "m": gid(Kind::BoardMembership, self.member_seat) }),
            )
            .await;
        assert_eq!(reply.data()["requestClearance"]["state"], "PENDING");
        reply.data()["requestClearance"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn audit(&self, operation: &str, outcome: &str) -> Vec<audit_log::Model> {
        audit_log::Entity::find()
            .filter(audit_log::Column::Operation.eq(operation))
            .filter(audit_log::Column::Outcome.eq(outcome))
            .all(self.app.db())
            .await
            .unwrap()
    }
}

fn code(reply: &crate::common::Reply) -> &str {
    reply.error_code()
}

#[tokio::test]
async fn administrators_cannot_clear_themselves() {
    // Finding 1, as reported against the demo data.
    let app = TestApp::with_demo().await;
    let reviews = "{ domesticHomicideReviews { edges { node { pseudonym summary } } } }";
    let roger = |reply: &crate::common::Reply| {
        reply.data()["domesticHomicideReviews"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["pseudonym"] == "Roger")
    };
    assert!(!roger(
        &app.gql(Some("henry-staples"), reviews, json!({})).await
    ));
    let seat = "{ viewer { seats { id board { name } } } }";
    let seats = app.gql(Some("henry-staples"), seat, json!({})).await;
    let own = seats.data()["viewer"]["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["board"]["name"]
                .as_str()
                .unwrap_or("")
                .contains("Domestic Homicide")
        })
        .expect("henry's DHR panel seat")["id"]
        .clone();
    let set =
        "mutation($m: ID!) { setRestrictedClearance(membershipId: $m, cleared: true) { id } }";
    app.gql(Some("henry-staples"), set, json!({ "m": own }))
        .await
        .data();
    assert!(
        !roger(&app.gql(Some("henry-staples"), reviews, json!({})).await),
        "a request by oneself grants nothing"
    );
    // And he cannot approve his own request.
    let pending = app
        .gql(
            Some("henry-staples"),
            "query($m: ID!) { node(id: $m) { ... on BoardMembership { clearances { edges { node { id state } } } } } }",
            json!({ "m": own }),
        )
        .await;
    let request = pending.data()["node"]["clearances"]["edges"][0]["node"].clone();
    assert_eq!(request["state"], "PENDING");
    let approve = app
        .gql(
            Some("henry-staples"),
            APPROVE,
            json!({ "c": request["id"] }),
        )
        .await;
    assert_eq!(code(&approve), "FORBIDDEN");
    assert!(!roger(
        &app.gql(Some("henry-staples"), reviews, json!({})).await
    ));

    // Sarah Newman adds herself to the Bromley MARAC with clearance: a pending request only.
    let marac = app
        .gql(
            None,
            "{ boards(first: 100) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let marac_id = marac.data()["boards"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["node"]["name"]
                .as_str()
                .unwrap()
                .starts_with("Bromley MARAC (")
        })
        .unwrap()["node"]["id"]
        .clone();
    let me = app
        .gql(
            Some("sarah-newman"),
            "{ viewer { person { id } } }",
            json!({}),
        )
        .await
        .data()["viewer"]["person"]["id"]
        .clone();
    let restricted = "query($b: ID!) { node(id: $b) { ... on Board { actions(first: 100) { edges { node { classification } } } } } }";
    let count_restricted = |reply: &crate::common::Reply| {
        reply.data()["node"]["actions"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"]["classification"] == "OFFICIAL_SENSITIVE")
            .count()
    };
    let add = "mutation($b: ID!, $p: ID!) { addMembership(input: { boardId: $b, personId: $p, role: MEMBER, restrictedClearance: true }) { id restrictedClearance clearances { edges { node { state } } } } }";
    let added = app
        .gql(Some("sarah-newman"), add, json!({ "b": marac_id, "p": me }))
        .await;
    // (Null: the flag is for fellow seat holders, and the seat is new to this request.)
    assert_ne!(added.data()["addMembership"]["restrictedClearance"], true);
    assert_eq!(
        added.data()["addMembership"]["clearances"]["edges"][0]["node"]["state"],
        "PENDING"
    );
    let seen = app
        .gql(Some("sarah-newman"), restricted, json!({ "b": marac_id }))
        .await;
    assert_eq!(count_restricted(&seen), 0, "{}", seen.body);
    // The cleared chair of the Bromley MARAC does see them (the query can find some).
    let chris = app
        .gql(Some("chris-wood"), restricted, json!({ "b": marac_id }))
        .await;
    assert!(count_restricted(&chris) > 0);
}

#[tokio::test]
async fn a_second_entitled_person_approves_and_it_takes_effect_on_the_next_request() {
    let f = fixture().await;
    assert!(!f.sees_restricted_action(MEMBER).await);
    let request = f.request_for_member(ADMIN).await;
    assert!(
        !f.sees_restricted_action(MEMBER).await,
        "pending grants nothing"
    );

    // Nobody but a second entitled person approves.
    struct Refused {
        who: &'static str,
        code: &'static str,
    }
    for Refused {
        who,
        code: expected,
    } in [
        // Whoever asked.
        Refused {
            who: ADMIN,
            code: "FORBIDDEN",
        },
        // The person to be cleared.
        Refused {
            who: MEMBER,
            code: "FORBIDDEN",
        },
        // An uncleared vice-chair.
        Refused {
            who: UNCLEARED_CHAIR,
            code: "FORBIDDEN",
        },
        // A member who is cleared but not a chair: not a keeper of the register, the request is
        // not even visible.
        Refused {
            who: CLEARED,
            code: "NOT_FOUND",
        },
    ] {
        let reply = f.app.gql(Some(who), APPROVE, json!({ "c": request })).await;
        assert_eq!(code(&reply), expected, "{who}: {}", reply.body);
    }
    assert!(!f.sees_restricted_action(MEMBER).await);
    assert_eq!(f.audit("approveClearance", "denied").await.len(), 3);

    // The board's cleared chair approves.
    let approved = f
        .app
        .gql(Some(MARAC_CHAIR), APPROVE, json!({ "c": request }))
        .await;
    let approved = &approved.data()["approveClearance"];
    assert_eq!(approved["state"], "APPROVED");
    assert_eq!(approved["inForce"], true);
    assert_eq!(
        approved["decidedBy"]["name"],
        format!("Person {MARAC_CHAIR}")
    );
    let expires: chrono::DateTime<chrono::Utc> =
        approved["expiresAt"].as_str().unwrap().parse().unwrap();
    let days = (expires - chrono::Utc::now()).num_days();
    assert!((360..=366).contains(&days), "12 months by default: {days}");
    assert!(f.sees_restricted_action(MEMBER).await);
    assert_eq!(f.audit("requestClearance", "allowed").await.len(), 1);
    assert_eq!(f.audit("approveClearance", "allowed").await.len(), 1);

    // A second request for the same seat is a conflict, not a duplicate.
    let again = f
        .app
        .gql(
            Some(SECOND_ADMIN),
            REQUEST,
            json!({ "m": gid(Kind::BoardMembership, f.member_seat) }),
        )
        .await;
    assert_eq!(code(&again), "CONFLICT");
}

#[tokio::test]
async fn a_second_administrator_may_approve_what_the_first_asked_for() {
    let f = fixture().await;
    let request = f.request_for_member(ADMIN).await;
    f.app
        .gql(Some(SECOND_ADMIN), APPROVE, json!({ "c": request }))
        .await
        .data();
    assert!(f.sees_restricted_action(MEMBER).await);
    // Administration still grants the administrators no sight of restricted content.
    assert!(!f.sees_restricted_action(SECOND_ADMIN).await);
    assert!(!f.sees_restricted_action(ADMIN).await);
}

#[tokio::test]
async fn expiry_takes_effect_without_a_restart_and_renewal_is_a_new_approval() {
    let f = fixture().await;
    let request = f.request_for_member(ADMIN).await;
    f.app
        .gql(Some(MARAC_CHAIR), APPROVE, json!({ "c": request }))
        .await
        .data();
    assert!(f.sees_restricted_action(MEMBER).await);
    // Time passes: the approval lapses.
    let id = clearance::Entity::find()
        .filter(clearance::Column::MembershipId.eq(f.member_seat))
        .one(f.app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    clearance::ActiveModel {
        id: Set(id),
        expires_at: Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1))),
        ..Default::default()
    }
    .update(f.app.db())
    .await
    .unwrap();
    assert!(
        !f.sees_restricted_action(MEMBER).await,
        "expired grants nothing"
    );

    // The chair lists what is due for review, then renews.
    let register = "query($b: ID!, $f: ClearanceFilter) { node(id: $b) { ... on Board { clearances(filter: $f) { totalCount edges { node { id state person { name } decidedBy { name } expiresAt } } } } } }";
    let marac = gid(Kind::Board, f.w.marac);
    let expired = f
        .app
        .gql(
            Some(MARAC_CHAIR),
            register,
            json!({ "b": marac, "f": { "states": ["EXPIRED"] } }),
        )
        .await;
    assert_eq!(expired.data()["node"]["clearances"]["totalCount"], 1);
    let renewed = f
        .app
        .gql(Some(MARAC_CHAIR), RENEW, json!({ "c": request }))
        .await;
    let renewed = &renewed.data()["renewClearance"];
    assert_eq!(renewed["state"], "APPROVED");
    assert_eq!(renewed["renewedFrom"]["state"], "RENEWED");
    assert!(f.sees_restricted_action(MEMBER).await);
    assert_eq!(f.audit("renewClearance", "allowed").await.len(), 1);
    // Nobody renews their own.
    let own = f
        .app
        .gql(Some(MEMBER), RENEW, json!({ "c": renewed["id"] }))
        .await;
    assert_eq!(code(&own), "FORBIDDEN");

    // Due for review: the chair's own demo-style clearance is due in a year; nothing is due in
    // 30 days until one is made so.
    let due = |days: i32| json!({ "b": marac, "f": { "expiringWithinDays": days } });
    let soon = f.app.gql(Some(MARAC_CHAIR), register, due(30)).await;
    assert_eq!(soon.data()["node"]["clearances"]["totalCount"], 0);
    let year = f.app.gql(Some(MARAC_CHAIR), register, due(366)).await;
    assert!(
        year.data()["node"]["clearances"]["totalCount"]
            .as_i64()
            .unwrap()
            >= 2
    );
    // A plain member of the board sees only their own row of the register.
    let mine = f.app.gql(Some(MEMBER), register, due(366)).await;
    let rows: Vec<Value> = mine.data()["node"]["clearances"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r["node"]["person"]["name"] == format!("Person {MEMBER}")));
    // Someone with no seat sees none of it.
    let partner = f.app.gql(Some(PARTNER), register, due(366)).await;
    assert_eq!(partner.data()["node"]["clearances"]["totalCount"], 0);
    let bad = f.app.gql(Some(MARAC_CHAIR), register, due(5000)).await;
    assert_eq!(code(&bad), "BAD_USER_INPUT");
}

#[tokio::test]
async fn revocation_is_immediate_and_ends_live_updates_with_a_reason() {
    let f = fixture().await;
    let request = f.request_for_member(ADMIN).await;
    f.app
        .gql(Some(MARAC_CHAIR), APPROVE, json!({ "c": request }))
        .await
        .data();
    assert!(f.sees_restricted_action(MEMBER).await);
    let mut socket = subscribe(&f.app, Some(MEMBER), &gid(Kind::Board, f.w.marac)).await;

    // An uncleared vice-chair may not revoke; the cleared chair may.
    let refused = f
        .app
        .gql(Some(UNCLEARED_CHAIR), REVOKE, json!({ "c": request }))
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");
    f.app
        .gql(Some(MARAC_CHAIR), REVOKE, json!({ "c": request }))
        .await
        .data();
    assert!(!f.sees_restricted_action(MEMBER).await);
    assert_eq!(f.audit("revokeClearance", "allowed").await.len(), 1);
    assert_eq!(f.audit("revokeClearance", "denied").await.len(), 1);

    // Finding 8: the open subscription is told why, then completes.
    let error = next_message(&mut socket, Duration::from_secs(5))
        .await
        .expect("a message before the stream ends");
    assert_eq!(error["type"], "next", "{error}");
    assert_eq!(
        error["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{error}"
    );
    assert!(error["payload"]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("access changed"));
    let complete = next_message(&mut socket, Duration::from_secs(5))
        .await
        .expect("complete");
    assert_eq!(complete["type"], "complete", "{complete}");
}

#[tokio::test]
async fn ending_a_seat_ends_the_clearance_on_it() {
    let f = fixture().await;
    assert!(f.sees_restricted_action(CLEARED).await);
    let cleared = person_id(&f.app, CLEARED).await;
    let seat = board_membership::Entity::find()
        .filter(board_membership::Column::PersonId.eq(cleared))
        .one(f.app.db())
        .await
        .unwrap()
        .unwrap();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    f.app
        .gql(
            Some(ADMIN),
            "mutation($m: ID!, $d: NaiveDate!) { endMembership(membershipId: $m, endsOn: $d) { id current } }",
            json!({ "m": gid(Kind::BoardMembership, seat.id), "d": yesterday.to_string() }),
        )
        .await
        .data();
    assert!(!f.sees_restricted_action(CLEARED).await);
    // Audited with the seat's end before and after.
    let ended = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("endMembership"))
        .one(f.app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ended.detail.unwrap()).unwrap(),
        json!({ "before": { "endsOn": null }, "after": { "endsOn": yesterday.to_string() } })
    );
    // An ended seat cannot be cleared again.
    let row = clearance::Entity::find()
        .filter(clearance::Column::MembershipId.eq(seat.id))
        .filter(clearance::Column::Status.eq(ClearanceStatus::Approved))
        .one(f.app.db())
        .await
        .unwrap()
        .unwrap();
    let renew = f
        .app
        .gql(
            Some(MARAC_CHAIR),
            RENEW,
            json!({ "c": gid(Kind::Clearance, row.id) }),
        )
        .await;
    assert_eq!(code(&renew), "CONFLICT");
}

#[tokio::test]
async fn a_seat_that_starts_tomorrow_grants_nothing_today() {
    let f = fixture().await;
    let b = Builder { db: f.app.db() };
    let newcomer = b.person(f.w.police, "newcomer").await;
    let seat = b.seat(f.w.marac, newcomer, true, None).await;
    assert!(f.sees_restricted_action("newcomer").await);
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    board_membership::ActiveModel {
        id: Set(seat),
        starts_on: Set(Some(tomorrow)),
        ..Default::default()
    }
    .update(f.app.db())
    .await
    .unwrap();
    assert!(!f.sees_restricted_action("newcomer").await);
    // And the board's list of current seats agrees with the rule the viewer uses.
    let q = "query($b: ID!) { node(id: $b) { ... on Board { memberships(currentOnly: true, first: 50) { edges { node { person { name } current } } } } } }";
    let reply = f
        .app
        .gql(
            Some(MARAC_CHAIR),
            q,
            json!({ "b": gid(Kind::Board, f.w.marac) }),
        )
        .await;
    let names: Vec<&Value> = reply.data()["node"]["memberships"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["person"]["name"])
        .collect();
    assert!(!names.iter().any(|n| **n == "Person newcomer"), "{names:?}");
}
