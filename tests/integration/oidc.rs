//! Identity providers configured by their issuer URL alone, tested against a real OpenID Connect
//! provider on loopback (the npm package oauth2-mock-server, `tests/oidc/provider.mjs`): keys
//! found by discovery, a key rotation taken up without a restart, forged key ids that cannot make
//! the server hammer the provider, and a provider that is briefly down not signing anyone out.

use crate::common::TestApp;
use crate::fixtures::*;
use base64::Engine;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The provider process, stopped when dropped.
struct Provider {
    child: Child,
    url: String,
    client: reqwest::Client,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Provider {
    /// Starts it, installing its npm package first if this checkout has not yet.
    fn start() -> Provider {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        if !dir.join("node_modules/oauth2-mock-server").exists() {
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&dir)
                .status()
                .expect("npm is needed for the identity provider tests");
            assert!(status.success(), "npm install in tests/oidc failed");
        }
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("node is needed for the identity provider tests");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("provider said {line:?}"))
            .to_string();
        Provider {
            child,
            url: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        }
    }

    async fn control(&self, path: &str) -> String {
        self.client
            .get(format!("{}/control/{path}", self.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn token(&self, subject: &str) -> String {
        self.control(&format!("token?sub={subject}&aud=csp-hub"))
            .await
    }

    async fn jwks_reads(&self) -> u64 {
        let stats: Value = serde_json::from_str(&self.control("stats").await).unwrap();
        stats["jwksReads"].as_u64().unwrap()
    }
}

/// A server trusting the provider at `issuer` (refetching at most once a second), with the
/// world and a police person `subject` whose sign-in the provider vouches for.
async fn app_trusting(issuer: &str, subject: &str) -> TestApp {
    let app = TestApp::with_config(|c| {
        c.jwt.providers = vec![format!("issuer={issuer}")];
        c.jwt.jwks_min_refresh_seconds = 1;
    })
    .await;
    let w = World::build(app.db()).await;
    let person = Builder { db: app.db() }.person(w.police, subject).await;
    use sea_orm::{ActiveModelTrait, Set};
    entity::person::ActiveModel {
        id: Set(person),
        identity_issuer: Set(Some(issuer.to_string())),
        ..Default::default()
    }
    .update(app.db())
    .await
    .unwrap();
    app
}

const WHO: &str = "{ viewer { signedIn person { name } } }";

async fn who(app: &TestApp, token: &str) -> crate::common::Reply {
    app.gql_with_token(Some(token), WHO, json!({})).await
}

/// `token` with its header's `kid` replaced (the signature no longer matches).
fn with_kid(token: &str, kid: &str) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": kid }).to_string();
    let rest = token.split_once('.').unwrap().1;
    format!("{}.{rest}", engine.encode(header))
}

#[tokio::test]
async fn a_provider_known_by_its_issuer_url_rotates_keys_without_a_restart() {
    let provider = Provider::start();
    let issuer = provider.url.clone();
    let app = app_trusting(&issuer, "police-analyst").await;
    // Keys found by discovery at start: the provider's token signs the analyst in.
    assert_eq!(provider.jwks_reads().await, 1);
    let first = provider.token("police-analyst").await;
    assert_eq!(
        who(&app, &first).await.data()["viewer"]["person"]["name"],
        "Person police-analyst"
    );
    // The same subject vouched for by another issuer (the server's own) is not the analyst.
    assert_eq!(
        who(&app, &app.token("police-analyst")).await.error_code(),
        "UNAUTHENTICATED"
    );

    // The provider rotates to a new key: its next token is accepted without a restart.
    provider.control("rotate?kid=key-2").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = provider.token("police-analyst").await;
    assert_eq!(who(&app, &second).await.data()["viewer"]["signedIn"], true);
    assert_eq!(provider.jwks_reads().await, 2);
    // Tokens signed with the old key still work while the provider publishes it.
    assert_eq!(who(&app, &first).await.data()["viewer"]["signedIn"], true);

    // Forged key ids are refused and cannot make the server fetch again and again.
    for i in 0..20 {
        let forged = with_kid(&second, &format!("forged-{i}"));
        assert_eq!(who(&app, &forged).await.error_code(), "UNAUTHENTICATED");
    }
    assert!(
        provider.jwks_reads().await <= 3,
        "read {} times",
        provider.jwks_reads().await
    );

    // The provider is down: tokens under keys already held keep working; a key it rotated to
    // meanwhile cannot be fetched, so that token is refused, until it is back.
    provider.control("down?on=1").await;
    provider.control("rotate?kid=key-3").await;
    let third = provider.token("police-analyst").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(who(&app, &second).await.data()["viewer"]["signedIn"], true);
    assert_eq!(who(&app, &third).await.error_code(), "UNAUTHENTICATED");
    provider.control("down?on=0").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(who(&app, &third).await.data()["viewer"]["signedIn"], true);
    assert_eq!(who(&app, &second).await.data()["viewer"]["signedIn"], true);
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_at_start_is_fetched_when_its_users_arrive() {
    let provider = Provider::start();
    let issuer = provider.url.clone();
    provider.control("down?on=1").await;
    let app = app_trusting(&issuer, "nhs-analyst").await;
    let token = provider.token("nhs-analyst").await;
    assert_eq!(who(&app, &token).await.error_code(), "UNAUTHENTICATED");
    provider.control("down?on=0").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        who(&app, &token).await.data()["viewer"]["person"]["name"],
        "Person nhs-analyst"
    );
    // The demo's own tokens still work beside the provider.
    assert_eq!(
        who(&app, &app.token(LEAD)).await.data()["viewer"]["signedIn"],
        true
    );
}
