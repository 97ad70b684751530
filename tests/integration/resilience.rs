//! When the database goes away the API answers fast with a retryable 503 and recovers by itself;
//! on shutdown it stops accepting, finishes what is in flight and ends subscriptions.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use futures_util::StreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Holds the public action's row (PostgreSQL) or the write lock (SQLite) until the returned
/// transaction ends, so a write to it waits.
async fn hold_action(app: &TestApp, w: &World) -> sea_orm::DatabaseTransaction {
    let txn = app.db().begin().await.unwrap();
    entity::action::Entity::update_many()
        .col_expr(
            entity::action::Column::Title,
            Expr::col(entity::action::Column::Title),
        )
        .filter(entity::action::Column::Id.eq(w.public_action))
        .exec(&txn)
        .await
        .unwrap();
    txn
}

/// Sends a progress update to the public action as its lead; resolves to the HTTP status.
fn spawn_update(app: &TestApp, w: &World) -> tokio::task::JoinHandle<reqwest::Result<u16>> {
    let url = app.url.clone();
    let token = app.token(LEAD);
    let action = gid(Kind::Action, w.public_action);
    tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&json!({
                "query": "mutation($a: ID!) { updateActionProgress(input: { actionId: $a, expectedVersion: 1, percentComplete: 40, narrative: \"Half way\" }) { version } }",
                "variables": { "a": action }
            }))
            .send()
            .await
            .map(|r| r.status().as_u16())
    })
}

#[tokio::test]
async fn a_lost_database_is_a_fast_503_with_retry_after_and_the_api_recovers() {
    let app = TestApp::with_config(|c| c.limits.db_acquire_timeout_secs = 1).await;
    // Only PostgreSQL can be taken away from a running server here; SQLite is a local file.
    let Some((server, name)) = app.postgres() else {
        return;
    };
    let query = json!({ "query": "{ partnerships { totalCount } }" });
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
        ))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .await
        .unwrap();

    let started = Instant::now();
    let down = app.client.post(&app.url).json(&query).send().await.unwrap();
    assert_eq!(down.status(), 503);
    assert!(down.headers().get("retry-after").is_some());
    let body: Value = down.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "{body}"
    );
    assert!(
        !body.to_string().contains(&name),
        "no database detail leaks: {body}"
    );
    assert!(started.elapsed() < Duration::from_secs(10), "answered fast");
    let ready = app
        .client
        .get(format!("{}/readyz", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);

    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
        ))
        .await
        .unwrap();
    admin.close().await.ok();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let reply = app.client.post(&app.url).json(&query).send().await.unwrap();
        if reply.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the API did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_refuses_new_ones_and_ends_subscriptions() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let board = gid(Kind::Board, w.strategic_board);
    let mut socket = crate::live::subscribe(&app, Some(LEAD), &board).await;

    // Hold the action's row (PostgreSQL) or the write lock (SQLite) so the update waits.
    let txn = hold_action(&app, &w).await;
    let in_flight = spawn_update(&app, &w);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!in_flight.is_finished(), "the update waits for the lock");

    app.app.shutdown.notify_one();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !app.app.server.is_finished(),
        "in-flight work keeps the server up"
    );
    let fresh = reqwest::Client::new()
        .get(format!("{}/healthz", app.base()))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(fresh.is_err(), "no new connections after shutdown starts");

    txn.commit().await.unwrap();
    let status = tokio::time::timeout(Duration::from_secs(15), in_flight)
        .await
        .expect("the in-flight request finishes")
        .unwrap()
        .expect("it gets a response");
    assert_eq!(status, 200);
    // The subscription ends rather than hanging.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) => return true,
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(ended, Ok(true), "the subscription is closed");
    let stopped = tokio::time::timeout(Duration::from_secs(10), async {
        while !app.app.server.is_finished() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        stopped.is_ok(),
        "the server stops once in-flight work is done"
    );
}

#[tokio::test]
async fn a_request_over_its_time_limit_is_a_503_and_nothing_is_half_written() {
    let app = TestApp::with_config(|c| c.limits.request_timeout_secs = 1).await;
    let w = World::build(app.db()).await;
    // Hold the row (PostgreSQL) or the write lock (SQLite) longer than the request may run.
    let txn = hold_action(&app, &w).await;
    let started = Instant::now();
    let reply = app
        .client
        .post(&app.url)
        .bearer_auth(app.token(LEAD))
        .json(&json!({
            "query": "mutation($a: ID!) { updateActionProgress(input: { actionId: $a, expectedVersion: 1, percentComplete: 40, narrative: \"Half way\" }) { version } }",
            "variables": { "a": gid(Kind::Action, w.public_action) }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 503);
    assert!(reply.headers().get("retry-after").is_some());
    assert!(started.elapsed() < Duration::from_secs(5));
    txn.rollback().await.unwrap();
    let action = entity::action::Entity::find_by_id(w.public_action)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        action.version, 1,
        "the abandoned update left nothing behind"
    );
    let updates = entity::action_update::Entity::find()
        .filter(entity::action_update::Column::ActionId.eq(w.public_action))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(updates.len(), 1, "only the fixture's update");
}

#[tokio::test]
async fn shutdown_does_not_wait_past_its_grace_period() {
    let app = TestApp::with_config(|c| c.limits.shutdown_grace_secs = 1).await;
    let w = World::build(app.db()).await;
    let txn = hold_action(&app, &w).await;
    // Stuck behind the lock for as long as the test holds it.
    let _stuck = spawn_update(&app, &w);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    app.app.shutdown.notify_one();
    while !app.app.server.is_finished() {
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "the server waited past its grace period"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "it did wait for the grace period"
    );
    txn.rollback().await.unwrap();
}
