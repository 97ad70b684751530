//! Live updates over WebSocket (graphql-transport-ws): subscribers get only what they may see.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn subscribe(app: &TestApp, subject: Option<&str>, board: &str) -> Socket {
    let token = subject.map(|s| app.token(s));
    subscribe_with_token(app, token.as_deref(), board).await
}

/// Like [`subscribe`], with a raw bearer token (one from a partner's identity provider).
pub async fn subscribe_with_token(app: &TestApp, token: Option<&str>, board: &str) -> Socket {
    let url = format!("ws://{}/graphql/ws", app.app.addr);
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let payload = match token {
        Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .unwrap();
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .expect("connection_ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let query = "subscription($b: ID!) { actionChanged(boardId: $b) { title rag version } }";
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": { "b": board } } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    // Let the server register the subscription before anything is published.
    tokio::time::sleep(Duration::from_millis(300)).await;
    socket
}

pub async fn next_message(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(wait, socket.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).ok()?;
            if value["type"] != "ping" && value["type"] != "pong" {
                return Some(value);
            }
        }
    }
}

const UPDATE: &str = r#"mutation($a: ID!, $v: Int!) { updateActionProgress(input: { actionId: $a, expectedVersion: $v, rag: GREEN, percentComplete: 80, narrative: "Nearly there" }) { version } }"#;

#[tokio::test]
async fn a_rag_change_reaches_cleared_subscribers_only() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let marac = gid(Kind::Board, w.marac);
    let mut cleared = subscribe(&app, Some(CLEARED), &marac).await;
    let mut uncleared = subscribe(&app, Some(MEMBER), &marac).await;

    app.gql(
        Some(CLEARED),
        UPDATE,
        json!({ "a": gid(Kind::Action, w.restricted_action), "v": 1 }),
    )
    .await
    .data();

    let event = next_message(&mut cleared, Duration::from_secs(10))
        .await
        .expect("the cleared member gets the event");
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["payload"]["data"]["actionChanged"]["rag"], "GREEN");
    assert_eq!(event["payload"]["data"]["actionChanged"]["version"], 2);
    // The event has been delivered by now; the uncleared member must have received nothing.
    assert!(
        next_message(&mut uncleared, Duration::from_millis(1500))
            .await
            .is_none(),
        "an uncleared subscriber received a restricted action"
    );
}

#[tokio::test]
async fn anonymous_subscribers_see_public_changes() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let mut anon = subscribe(&app, None, &gid(Kind::Board, w.strategic_board)).await;
    app.gql(
        Some(LEAD),
        UPDATE,
        json!({ "a": gid(Kind::Action, w.public_action), "v": 1 }),
    )
    .await
    .data();
    let event = next_message(&mut anon, Duration::from_secs(10))
        .await
        .expect("event");
    assert_eq!(
        event["payload"]["data"]["actionChanged"]["title"],
        "Publish the strategy"
    );
}

#[tokio::test]
async fn a_bad_token_refuses_the_connection() {
    let app = TestApp::spawn().await;
    let url = format!("ws://{}/graphql/ws", app.app.addr);
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "Authorization": "Bearer nonsense" } })
                .to_string(),
        ))
        .await
        .unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    match reply {
        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {}
        other => panic!("expected the connection to be closed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_websocket_carries_subscriptions_only() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let url = format!("ws://{}/graphql/ws", app.app.addr);
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.token(CLEARED)) } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack["type"], "connection_ack");
    // A query here would skip the HTTP path's audit, purpose and rate rules: refused.
    let query = json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ actions { edges { node { title } } } }" } });
    socket.send(Message::text(query.to_string())).await.unwrap();
    let reply = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        reply["payload"]["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED",
        "{reply}"
    );
    assert!(reply["payload"]["data"].is_null(), "{reply}");
    // Subscription errors are coded like any other.
    let bad = json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { actionChanged(boardId: \"nope\") { title } }" } });
    socket.send(Message::text(bad.to_string())).await.unwrap();
    let reply = loop {
        let m = next_message(&mut socket, Duration::from_secs(5))
            .await
            .unwrap();
        if m["id"] == "s" {
            break m;
        }
    };
    assert_eq!(
        reply["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{reply}"
    );
    assert!(!reply.to_string().contains(SECRET), "{reply}");
}

#[tokio::test]
async fn a_subscription_ends_when_its_token_expires() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let config = api::config::Config::with_database("sqlite::memory:");
    let short =
        api::core::auth::mint(&config.jwt, false, LEAD, chrono::Duration::seconds(2)).unwrap();
    let url = format!("ws://{}/graphql/ws", app.app.addr);
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {short}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack["type"], "connection_ack");
    let query = "subscription($b: ID!) { actionChanged(boardId: $b) { title } }";
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": { "b": gid(Kind::Board, w.strategic_board) } } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(
        ended,
        Ok(true),
        "the connection closes once the token has expired"
    );
}
