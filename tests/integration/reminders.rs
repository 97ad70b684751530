//! Deadlines that chase themselves: overdue items computed from the papers' clocks, listed to
//! those who may see them, and emailed once to whoever owes them, never with a restricted title.
//!
//! The mail goes to an SMTP server run inside the test (mailin-embedded) on a free loopback port,
//! which keeps every message it receives.

use crate::common::TestApp;
use crate::fixtures::*;
use api::config::Reminders;
use api::core::ids::Kind;
use api::domain::reminders::{self, PassReport};
use base64::Engine;
use chrono::{Duration, Months, NaiveDate, Utc};
use entity::enums::{MeetingStatus, MembershipRole, ReviewStatus, Visibility};
use entity::{
    action, audit_log, domestic_homicide_review, meeting, person, post, post_holder, reminder,
    written_update_request,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// One message as the sink received it.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    raw: String,
}

impl Mail {
    /// The body as text, whatever transfer encoding the sender chose.
    fn text(&self) -> String {
        let (headers, body) = self.raw.split_once("\r\n\r\n").unwrap_or((&self.raw, ""));
        let encoding = headers
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-transfer-encoding:")
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_default();
        match encoding.as_str() {
            "base64" => {
                let joined: String = body.split_whitespace().collect();
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(joined)
                        .expect("base64 body"),
                )
                .expect("UTF-8 body")
            }
            "quoted-printable" => {
                let unfolded = body.replace("=\r\n", "");
                let mut out = Vec::new();
                let bytes = unfolded.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'=' && i + 2 < bytes.len() {
                        let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                        out.push(u8::from_str_radix(hex, 16).expect("QP escape"));
                        i += 3;
                    } else {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
                String::from_utf8(out).expect("UTF-8 body")
            }
            _ => body.to_string(),
        }
    }

    /// Everything a reader could see: headers, the raw body and the decoded body.
    fn everything(&self) -> String {
        format!("{}\n{}", self.raw, self.text())
    }
}

/// Collects what the sink receives.
#[derive(Clone)]
struct Collector {
    mails: Arc<Mutex<Vec<Mail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl mailin_embedded::Handler for Collector {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        self.mails.lock().unwrap().push(Mail {
            to: std::mem::take(&mut self.to),
            raw: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        });
        mailin_embedded::response::OK
    }
}

/// An SMTP server on a free loopback port in this process.
struct Sink {
    addr: std::net::SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Sink {
    fn start() -> Sink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the sink");
        let addr = listener.local_addr().unwrap();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let mut server = mailin_embedded::Server::new(Collector {
            mails: mails.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server
            .with_name("sink.test")
            .with_ssl(mailin_embedded::SslConfig::None)
            .expect("no TLS")
            .with_tcp_listener(listener);
        // Serves until the test process ends.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Sink { addr, mails }
    }

    fn settings(&self) -> Reminders {
        Reminders {
            smtp_url: Some(format!("smtp://{}", self.addr)),
            smtp_from: Some("CSP Hub <reminders@csp-hub.test>".into()),
            public_url: "https://csp-hub.test/".into(),
            interval_seconds: 3600,
        }
    }

    /// Everything received so far, taken out of the sink.
    fn take(&self) -> Vec<Mail> {
        std::mem::take(&mut *self.mails.lock().unwrap())
    }
}

/// The people and records of the reminder scenario, beside [`World`]'s.
struct Scenario {
    world: World,
    post_led: Uuid,
    dhr_board: Uuid,
    published_review: Uuid,
    dhr_recommendation: Uuid,
    notified_review: Uuid,
    /// Subject → person id.
    people: BTreeMap<&'static str, Uuid>,
}

const POST_HOLDER: &str = "post-holder";
const INACTIVE: &str = "inactive-lead";
const REMOVED: &str = "removed-lead";
const NO_EMAIL: &str = "lead-without-email";
const FORMER_HOLDER: &str = "former-post-holder";
const ANSWERED: &str = "lead-who-answered";
const DHR_CHAIR: &str = "dhr-panel-chair";
const DHR_VICE: &str = "dhr-panel-vice-chair-uncleared";

fn today() -> NaiveDate {
    reminders::rules::today(Utc::now())
}

/// A meeting of `board` ten days ahead, still scheduled.
async fn meeting_ahead(b: &Builder<'_>, partnership: Uuid, board: Uuid, v: Visibility) -> Uuid {
    let id = b.meeting(partnership, board, 20, v).await;
    meeting::ActiveModel {
        id: Set(id),
        starts_at: Set(Utc::now() + Duration::days(10)),
        status: Set(MeetingStatus::Scheduled),
        ..Default::default()
    }
    .update(b.db)
    .await
    .unwrap();
    id
}

/// A request for written updates before `meeting`, due `days_ago` days ago.
async fn request(
    db: &DatabaseConnection,
    partnership: Uuid,
    board: Uuid,
    meeting: Uuid,
    days_ago: i64,
) -> Uuid {
    let now = Utc::now();
    written_update_request::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(partnership),
        board_id: Set(board),
        meeting_id: Set(meeting),
        requested_by_id: Set(None),
        due_on: Set(today() - Duration::days(days_ago)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn change_person(
    db: &DatabaseConnection,
    id: Uuid,
    change: impl FnOnce(&mut person::ActiveModel),
) {
    let mut p = person::ActiveModel {
        id: Set(id),
        ..Default::default()
    };
    change(&mut p);
    p.update(db).await.unwrap();
}

/// A post of the police leading nothing yet, held by `holder` until `ends_on`.
async fn post_held(
    db: &DatabaseConnection,
    w: &World,
    holder: Uuid,
    ends_on: Option<NaiveDate>,
) -> Uuid {
    let now = Utc::now();
    let post = post::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        organisation_id: Set(w.police),
        title: Set(format!("Post {}", Uuid::now_v7())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    post_holder::ActiveModel {
        id: Set(Uuid::now_v7()),
        post_id: Set(post.id),
        person_id: Set(holder),
        starts_on: Set(Some(today() - Duration::days(400))),
        ends_on: Set(ends_on),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    post.id
}

async fn led_by_post(db: &DatabaseConnection, action: Uuid, post: Uuid) {
    action::ActiveModel {
        id: Set(action),
        lead_post_id: Set(Some(post)),
        ..Default::default()
    }
    .update(db)
    .await
    .unwrap();
}

async fn review_with(
    db: &DatabaseConnection,
    id: Uuid,
    change: impl FnOnce(&mut domestic_homicide_review::ActiveModel),
) {
    let mut r = domestic_homicide_review::ActiveModel {
        id: Set(id),
        ..Default::default()
    };
    change(&mut r);
    r.update(db).await.unwrap();
}

impl Scenario {
    async fn build(db: &DatabaseConnection) -> Scenario {
        let w = World::build(db).await;
        let b = Builder { db };
        let mut people = BTreeMap::new();
        for subject in [
            POST_HOLDER,
            INACTIVE,
            REMOVED,
            NO_EMAIL,
            FORMER_HOLDER,
            ANSWERED,
            DHR_CHAIR,
            DHR_VICE,
        ] {
            people.insert(subject, b.person(w.police, subject).await);
        }
        change_person(db, people[INACTIVE], |p| p.active = Set(false)).await;
        change_person(db, people[REMOVED], |p| {
            p.removed_at = Set(Some(Utc::now()))
        })
        .await;
        change_person(db, people[NO_EMAIL], |p| p.email = Set(None)).await;
        let cleared = person::Entity::find()
            .filter(person::Column::Subject.eq(CLEARED))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        people.insert(CLEARED, cleared);
        people.insert(LEAD, w.lead);

        // Open actions of the strategic board, led in every way the rules distinguish.
        let sb = w.strategic_board;
        let action = |title: &str| b.action(w.partnership, title).board(sb);
        action("Inactive lead's action")
            .lead(people[INACTIVE], w.police)
            .insert()
            .await;
        action("Removed lead's action")
            .lead(people[REMOVED], w.police)
            .insert()
            .await;
        action("Action of a lead without email")
            .lead(people[NO_EMAIL], w.police)
            .insert()
            .await;
        let post_led = action("Run the post-led campaign").insert().await;
        let held = post_held(db, &w, people[POST_HOLDER], None).await;
        led_by_post(db, post_led, held).await;
        let vacant_led = action("Action of a vacant post").insert().await;
        let vacant = post_held(
            db,
            &w,
            people[FORMER_HOLDER],
            Some(today() - Duration::days(30)),
        )
        .await;
        led_by_post(db, vacant_led, vacant).await;
        let answered = action("Answered action")
            .lead(people[ANSWERED], w.police)
            .insert()
            .await;

        // Updates were asked for before both boards' next meetings, and are late.
        let strategic_meeting = meeting_ahead(&b, w.partnership, sb, Visibility::Public).await;
        request(db, w.partnership, sb, strategic_meeting, 2).await;
        let marac_meeting =
            meeting_ahead(&b, w.partnership, w.marac, Visibility::Partnership).await;
        request(db, w.partnership, w.marac, marac_meeting, 1).await;
        // This lead answered after the request: nothing owed.
        b.update(
            answered,
            Some(people[ANSWERED]),
            today(),
            "Done, see attached",
        )
        .await;

        // A DHR panel: the cleared member and its chair hold cleared seats; its vice-chair is
        // not cleared.
        let dhr_board = b
            .board(w.partnership, "DHR Panel", Visibility::Partnership)
            .await;
        b.seat(dhr_board, cleared, true, None).await;
        b.seat_as(
            dhr_board,
            people[DHR_CHAIR],
            MembershipRole::Chair,
            true,
            None,
        )
        .await;
        b.seat_as(
            dhr_board,
            people[DHR_VICE],
            MembershipRole::ViceChair,
            false,
            None,
        )
        .await;
        // Published seven months ago: its open recommendation is late.
        let published_review = b
            .review(w.partnership, dhr_board, "Ann", ReviewStatus::Published)
            .await;
        let published_on = today().checked_sub_months(Months::new(7)).unwrap();
        review_with(db, published_review, |r| {
            r.published_on = Set(Some(published_on));
            r.visibility = Set(Visibility::Public);
        })
        .await;
        let dhr_recommendation = b
            .action(
                w.partnership,
                &format!("{SECRET} recommendation: GP training"),
            )
            .board(dhr_board)
            .visibility(Visibility::Restricted)
            .review(published_review)
            .lead(cleared, w.police)
            .insert()
            .await;
        // Notified two months ago and still not commissioned.
        let notified_review = b
            .review(
                w.partnership,
                dhr_board,
                &format!("{SECRET} Two"),
                ReviewStatus::Notified,
            )
            .await;
        let notified_on = today().checked_sub_months(Months::new(2)).unwrap();
        review_with(db, notified_review, |r| {
            r.notified_on = Set(Some(notified_on))
        })
        .await;
        Scenario {
            world: w,
            post_led,
            dhr_board,
            published_review,
            dhr_recommendation,
            notified_review,
            people,
        }
    }

    /// The address the fixtures give `subject`.
    fn email(&self, subject: &str) -> String {
        assert!(self.people.contains_key(subject));
        format!("{subject}@example.org")
    }
}

/// The one mail sent to `address` whose link names `kind:id`.
fn mail_about<'m>(mails: &'m [Mail], address: &str, kind: Kind, id: Uuid) -> &'m Mail {
    let link = format!("https://csp-hub.test/items/{}", gid(kind, id));
    let found: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address) && m.text().contains(&link))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one mail to {address} about {kind:?} {id}, got {}: {mails:#?}",
        found.len()
    );
    found[0]
}

#[tokio::test]
async fn overdue_items_are_emailed_once_to_whoever_owes_them_never_with_a_restricted_title() {
    let app = TestApp::spawn().await;
    let s = Scenario::build(app.db()).await;
    let w = &s.world;
    let sink = Sink::start();

    let report = reminders::run_once(app.db(), &sink.settings())
        .await
        .unwrap();
    let mails = sink.take();
    assert_eq!(
        report,
        PassReport {
            sent: 5,
            already_sent: 0,
            no_email: 1,
            failed: 0
        },
        "{mails:#?}"
    );
    assert_eq!(mails.len(), 5);
    for m in &mails {
        assert_eq!(m.to.len(), 1, "one recipient per email");
    }

    // The written updates: titles of what is not restricted, only references of what is.
    let lead = mail_about(&mails, &s.email(LEAD), Kind::Action, w.public_action);
    assert!(
        lead.text().contains("Title: Publish the strategy"),
        "{}",
        lead.text()
    );
    assert!(lead
        .raw
        .contains("Subject: Reminder: a written update is overdue"));
    let holder = mail_about(&mails, &s.email(POST_HOLDER), Kind::Action, s.post_led);
    assert!(holder.text().contains("Run the post-led campaign"));
    let restricted = mail_about(&mails, &s.email(CLEARED), Kind::Action, w.restricted_action);
    assert!(restricted
        .text()
        .contains("not sent by email (OFFICIAL-SENSITIVE)"));
    assert!(restricted.text().contains(&format!(
        "Reference: {}",
        gid(Kind::Action, w.restricted_action)
    )));
    // The DHR recommendation and the milestone: references and links only.
    let recommendation = mail_about(
        &mails,
        &s.email(CLEARED),
        Kind::Action,
        s.dhr_recommendation,
    );
    assert!(recommendation.text().contains("six months"));
    assert!(recommendation.text().contains("not sent by email"));
    let milestone = mail_about(
        &mails,
        &s.email(DHR_CHAIR),
        Kind::DomesticHomicideReview,
        s.notified_review,
    );
    assert!(milestone.text().contains("decision whether to hold it"));

    // Nothing restricted is in any email, in any encoding.
    for m in &mails {
        let all = m.everything();
        for secret in [SECRET, "Safety plan", "GP training"] {
            assert!(!all.contains(secret), "{secret} leaked in {all}");
        }
    }
    // Nobody else was written to: not the inactive, the removed, the one without email, the
    // former holder of a vacant post, the lead who answered, nor the uncleared vice-chair who
    // cannot see the review.
    let recipients: BTreeSet<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(
        recipients,
        [LEAD, POST_HOLDER, CLEARED, DHR_CHAIR]
            .iter()
            .map(|s| format!("{s}@example.org"))
            .collect()
    );

    // Recorded once each and audited, by no person, with the worker as the purpose.
    assert_eq!(reminder::Entity::find().count(app.db()).await.unwrap(), 5);
    let audits = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq(reminders::worker::OPERATION))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(audits.len(), 5);
    let audited: BTreeSet<Uuid> = audits.iter().filter_map(|a| a.entity_id).collect();
    let expected: BTreeSet<Uuid> = [
        w.public_action,
        s.post_led,
        w.restricted_action,
        s.dhr_recommendation,
        s.notified_review,
    ]
    .into();
    assert_eq!(audited, expected);
    for a in &audits {
        assert_eq!(a.person_id, None);
        assert_eq!(a.outcome, "allowed");
        assert_eq!(a.partnership_id, Some(w.partnership));
        assert_eq!(a.purpose.as_deref(), Some(reminders::worker::PURPOSE));
        let detail = a.detail.clone().unwrap();
        assert!(detail.contains("\"recipient\""), "{detail}");
        assert!(!detail.contains(SECRET));
    }

    // A second pass sends nothing; neither does a new worker, as after a restart.
    let again = reminders::run_once(app.db(), &sink.settings())
        .await
        .unwrap();
    assert_eq!((again.sent, again.already_sent, again.failed), (0, 5, 0));
    let restarted = reminders::Worker::new(&sink.settings())
        .unwrap()
        .pass(app.db())
        .await
        .unwrap();
    assert_eq!((restarted.sent, restarted.already_sent), (0, 5));
    assert!(sink.take().is_empty());
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Operation.eq(reminders::worker::OPERATION))
            .count(app.db())
            .await
            .unwrap(),
        5
    );
}

const OVERDUE: &str = "query($p: ID!, $first: Int, $after: String) {
  overdueItems(partnershipId: $p, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      kind dueOn daysOverdue milestone
      action { id title }
      review { id pseudonym }
      writtenUpdateRequest { id }
      owedBy { id name }
    } }
  }
}";

/// Every overdue item `subject` sees, page by page, as (kind, record id) with the node.
async fn overdue_for(app: &TestApp, subject: Option<&str>, partnership: Uuid) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let reply = app
            .gql(
                subject,
                OVERDUE,
                json!({ "p": gid(Kind::Partnership, partnership), "first": 3, "after": after }),
            )
            .await;
        let page = reply.data()["overdueItems"].clone();
        assert!(
            !reply.body.to_string().contains(SECRET) || subject == Some(CLEARED),
            "{subject:?} read {}",
            reply.body
        );
        nodes.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        assert!(nodes.len() as i64 <= page["totalCount"].as_i64().unwrap());
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            assert_eq!(nodes.len() as i64, page["totalCount"].as_i64().unwrap());
            return nodes;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn ids_of(nodes: &[Value], kind: &str) -> BTreeSet<String> {
    nodes
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| {
            n["action"]["id"]
                .as_str()
                .or(n["review"]["id"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn overdue_items_list_what_the_caller_may_see_and_who_owes_it() {
    let app = TestApp::spawn().await;
    let s = Scenario::build(app.db()).await;
    let w = &s.world;
    let action = |id| gid(Kind::Action, id);

    let cleared = overdue_for(&app, Some(CLEARED), w.partnership).await;
    let updates = ids_of(&cleared, "WRITTEN_UPDATE");
    for seen in [
        w.public_action,
        w.restricted_action,
        s.post_led,
        w.review_action,
    ] {
        assert!(updates.contains(&action(seen)), "{cleared:#?}");
    }
    assert_eq!(
        ids_of(&cleared, "DHR_RECOMMENDATION"),
        [action(s.dhr_recommendation)].into()
    );
    assert_eq!(
        ids_of(&cleared, "DHR_MILESTONE"),
        [gid(Kind::DomesticHomicideReview, s.notified_review)].into()
    );
    // Who owes what: the lead, the post's holder today, nobody for a vacant post, the chairs.
    let node = |id: String| {
        cleared
            .iter()
            .find(|n| n["action"]["id"] == id.as_str() || n["review"]["id"] == id.as_str())
            .unwrap()
            .clone()
    };
    let owers = |n: &Value| -> Vec<String> {
        n["owedBy"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let person = |subject: &str| gid(Kind::Person, s.people[subject]);
    assert_eq!(owers(&node(action(w.public_action))), [person(LEAD)]);
    assert_eq!(owers(&node(action(s.post_led))), [person(POST_HOLDER)]);
    let milestone = node(gid(Kind::DomesticHomicideReview, s.notified_review));
    assert_eq!(milestone["milestone"], "COMMISSIONED");
    assert_eq!(
        owers(&milestone).into_iter().collect::<BTreeSet<_>>(),
        [person(DHR_CHAIR), person(DHR_VICE)].into()
    );
    let recommendation = node(action(s.dhr_recommendation));
    assert_eq!(
        recommendation["review"]["id"],
        gid(Kind::DomesticHomicideReview, s.published_review)
    );
    assert!(recommendation["daysOverdue"].as_i64().unwrap() > 0);
    // Earliest due first.
    let due: Vec<&str> = cleared
        .iter()
        .map(|n| n["dueOn"].as_str().unwrap())
        .collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted);
    // The restricted rows read were audited as reads of the cleared member.
    let reads = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .filter(audit_log::Column::EntityId.eq(w.restricted_action))
        .count(app.db())
        .await
        .unwrap();
    assert!(reads > 0);

    // A partner without a seat: no restricted action, no unpublished review, no MARAC secret.
    let partner = overdue_for(&app, Some(PARTNER), w.partnership).await;
    assert!(
        partner.iter().all(|n| n["kind"] == "WRITTEN_UPDATE"),
        "{partner:#?}"
    );
    let seen = ids_of(&partner, "WRITTEN_UPDATE");
    assert!(seen.contains(&action(w.public_action)));
    for hidden in [w.restricted_action, w.review_action, w.stub_item_action] {
        assert!(!seen.contains(&action(hidden)));
    }
    // The public sees public records only; another partnership's people nothing of this one's
    // partnership records.
    let public = overdue_for(&app, None, w.partnership).await;
    assert!(ids_of(&public, "WRITTEN_UPDATE").contains(&action(w.public_action)));
    assert!(public.len() < partner.len());
    let outsider = overdue_for(&app, Some(OUTSIDER), w.partnership).await;
    assert_eq!(outsider.len(), public.len());
    let _ = s.dhr_board;
}

#[tokio::test]
async fn reminders_are_off_without_smtp_and_refuse_plain_smtp_beyond_this_machine() {
    let refused = TestApp::try_with_config(|c| {
        c.reminders.smtp_url = Some("smtp://mail.example.org:25".into());
        c.reminders.smtp_from = Some("hub@example.org".into());
    })
    .await
    .err()
    .expect("refused");
    assert!(refused.contains("plain SMTP"), "{refused}");
    let no_from = TestApp::try_with_config(|c| {
        c.reminders.smtp_url = Some("smtp://127.0.0.1:2525".into());
    })
    .await
    .err()
    .expect("refused");
    assert!(no_from.contains("CSP_SMTP_FROM"), "{no_from}");

    // With a sink configured, the server's own worker sends the reminder, once.
    let sink = Sink::start();
    let settings = sink.settings();
    let app = TestApp::with_config(|c| {
        c.reminders = Reminders {
            interval_seconds: 1,
            ..settings
        };
    })
    .await;
    // Built while the worker runs: whatever a pass finds meanwhile is sent once, too.
    let s = Scenario::build(app.db()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let lead = s.email(LEAD);
    let mut mails = Vec::new();
    while !mails.iter().any(|m: &Mail| m.to.contains(&lead)) && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        mails.extend(sink.take());
    }
    // Two more passes send nothing again.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    mails.extend(sink.take());
    mail_about(&mails, &lead, Kind::Action, s.world.public_action);
    let sent: Vec<(Vec<String>, String)> = mails
        .iter()
        .map(|m| {
            let link = m
                .text()
                .lines()
                .find(|l| l.starts_with("Open it: "))
                .unwrap()
                .to_string();
            (m.to.clone(), link)
        })
        .collect();
    let once: BTreeSet<_> = sent.iter().cloned().collect();
    assert_eq!(
        once.len(),
        sent.len(),
        "a reminder was sent twice: {sent:#?}"
    );
    assert!(sent.len() >= 5, "{sent:#?}");
}
