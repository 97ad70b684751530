//! `TestApp`: the real server on a fresh database, driven over HTTP.
//!
//! Each test gets its own database. SQLite by default (a new file in the temp directory); when
//! `CSP_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432`), a uniquely named
//! PostgreSQL database is created on that server and dropped when the test ends, so runs never
//! share state and nothing is left behind.

use api::config::Config;
use api::startup::App;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

pub struct TestApp {
    pub app: App,
    pub url: String,
    pub client: reqwest::Client,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { server: String, name: String },
}

/// A GraphQL response: the HTTP status and the JSON body.
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// `data`, asserting there were no errors.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }
}

impl TestApp {
    /// A server on an empty, migrated database.
    pub async fn spawn() -> TestApp {
        Self::start(false, |_| {}).await
    }

    /// A server with the demo data set loaded.
    pub async fn with_demo() -> TestApp {
        Self::start(true, |_| {}).await
    }

    /// A server on an empty database with settings changed by `configure`.
    pub async fn with_config(configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(false, configure).await
    }

    /// The PostgreSQL server URL and this test's database name, when on PostgreSQL.
    pub fn postgres(&self) -> Option<(String, String)> {
        match &self.cleanup {
            Cleanup::Postgres { server, name } => Some((server.clone(), name.clone())),
            Cleanup::Sqlite(_) => None,
        }
    }

    /// The URL of this test's database, for running the `csp-hub` binary against it.
    pub fn database_url(&self) -> String {
        match &self.cleanup {
            Cleanup::Postgres { server, name } => format!("{server}/{name}"),
            Cleanup::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
        }
    }

    /// `http://host:port` of the server.
    pub fn base(&self) -> String {
        format!("http://{}", self.app.addr)
    }

    /// Like [`with_config`](Self::with_config), returning the start-up error instead.
    pub async fn try_with_config(configure: impl FnOnce(&mut Config)) -> Result<TestApp, String> {
        Self::try_start(false, configure).await
    }

    async fn start(seed_demo: bool, configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::try_start(seed_demo, configure)
            .await
            .expect("start the app")
    }

    async fn try_start(
        seed_demo: bool,
        configure: impl FnOnce(&mut Config),
    ) -> Result<TestApp, String> {
        let unique = format!("csp_test_{}", uuid::Uuid::now_v7().simple());
        let (database_url, cleanup) = match std::env::var("CSP_TEST_POSTGRES_URL") {
            Ok(server) if !server.is_empty() => {
                let server = server.trim_end_matches('/').to_string();
                let admin = Database::connect(format!("{server}/postgres"))
                    .await
                    .expect("connect to PostgreSQL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {unique}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                (
                    format!("{server}/{unique}"),
                    Cleanup::Postgres {
                        server,
                        name: unique,
                    },
                )
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{unique}.db"));
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Cleanup::Sqlite(path),
                )
            }
        };
        let mut config = Config::with_database(database_url.clone());
        config.seed_demo = seed_demo;
        configure(&mut config);
        let app = match api::startup::build(config).await {
            Ok(app) => app,
            Err(err) => {
                cleanup.run();
                return Err(format!("{err:#}"));
            }
        };
        let url = format!("http://{}/graphql", app.addr);
        Ok(TestApp {
            app,
            url,
            client: reqwest::Client::new(),
            cleanup,
        })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.app.db
    }

    /// SQL statements executed so far by the server's connection pool.
    pub fn statements(&self) -> u64 {
        self.app.statements.load(Ordering::SeqCst)
    }

    /// A valid development token for a subject.
    pub fn token(&self, subject: &str) -> String {
        let config = Config::with_database("sqlite::memory:");
        api::core::auth::mint(&config.jwt, false, subject, chrono::Duration::hours(1))
            .expect("mint token")
    }

    /// Sends a GraphQL request as `subject` (None: anonymous).
    pub async fn gql(&self, subject: Option<&str>, query: &str, variables: Value) -> Reply {
        let token = subject.map(|s| self.token(s));
        self.gql_with_token(token.as_deref(), query, variables)
            .await
    }

    /// Sends a GraphQL request with a raw bearer token.
    pub async fn gql_with_token(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Reply {
        let mut request = self
            .client
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send request");
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        Reply { status, body }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.app.server.abort();
        self.cleanup.run();
    }
}

impl Cleanup {
    /// Removes the test's database.
    fn run(&self) {
        match self {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { server, name } => {
                let (server, name) = (server.clone(), name.clone());
                // Drop runs inside the test's runtime: drop the database from a thread of its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let admin = Database::connect(format!("{server}/postgres")).await.ok()?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
            }
        }
    }
}
