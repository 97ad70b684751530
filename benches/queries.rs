//! Throughput and latency of three representative GraphQL queries, measured end to end.
//!
//! The real server (`api::startup::build`) runs in-process on a fresh SQLite file with the demo
//! data set, and is driven over real HTTP by one `reqwest` client, so the numbers include
//! routing, token checks, access control, DataLoader batching and JSON on both sides. Client and
//! server share the machine (and the tokio runtime): read the numbers as relative, for comparing
//! one change against another on the same machine, not as a capacity figure.
//!
//! Run: `cargo bench --bench queries`. Knobs: `BENCH_REQUESTS` (measured requests per query,
//! default 2000) and `BENCH_CONCURRENCY` (requests in flight, default 8).

use anyhow::{bail, ensure, Context};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests per query sent (and checked) before measuring: they fill connection pools and
/// caches so the first requests' cost does not land in the percentiles.
const WARM_UP: usize = 50;

/// A signed-in partner: a joint chair of the Safer Bromley Partnership Board without restricted
/// clearance, so reads never write to the audit log and every request stays read-only.
const PARTNER: &str = "luke-baldock";

/// (1) Anonymous: the public list of a partnership's boards, each with its parent and latest
/// meeting (a nested connection per row).
const PUBLIC_BOARDS: &str = r#"query {
  partnership(slug: "bromley") {
    name
    boards(first: 20) { totalCount edges { node {
      name kind meetingFrequency
      parent { name }
      meetings(first: 1) { edges { node { startsAt status } } }
    } } }
  }
}"#;

/// (2) A signed-in partner's dashboard: open actions with their count, lead person and
/// organisation and latest update (each relation batched by a DataLoader).
const PARTNER_DASHBOARD: &str = r#"query {
  viewer { person { name } organisation { name } }
  partnership(slug: "bromley") {
    actions(filter: { status: [OPEN] }, first: 20) { totalCount edges { node {
      title dueDate rag overdue percentComplete
      board { name }
      leadPerson { name organisation { shortName } }
      leadOrganisation { name }
      latestUpdate { reportedOn narrative author { name } }
    } } }
  }
}"#;

/// (3) A meeting's matters arising: open actions from earlier resolutions, with the source
/// minute, leads and latest update.
const MATTERS_ARISING: &str = r#"query($id: ID!) {
  node(id: $id) { ... on Meeting {
    startsAt board { name }
    mattersArising(first: 50) { totalCount edges { node {
      title dueDate rag status
      leadPerson { name } leadOrganisation { shortName }
      resolution { text agendaItem { minuteNumber meeting { startsAt } } }
      latestUpdate { reportedOn narrative }
    } } }
  } }
}"#;

/// One query to measure: the JSON body sent and the bearer token, if any.
struct Case {
    name: &'static str,
    body: Value,
    token: Option<String>,
    /// JSON pointer to the list that must not be empty: a query that silently matches nothing
    /// (e.g. after a seed or access change) must not pass as fast.
    list: &'static str,
}

/// Throughput and latency percentiles of one measured run.
struct Stats {
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// Deletes the SQLite file (and its WAL files) however the bench ends, so runs leave nothing
/// behind in the temp directory.
struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let requests = env_usize("BENCH_REQUESTS", 2000)?;
    let concurrency = env_usize("BENCH_CONCURRENCY", 8)?;

    // A unique file per run: concurrent runs (or the tests) never share a database.
    let db = TempDb(std::env::temp_dir().join(format!(
        "csp_bench_{}_{}.db",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos()
    )));
    let mut config =
        api::config::Config::with_database(format!("sqlite://{}?mode=rwc", db.0.display()));
    config.seed_demo = true;
    // One client sending thousands of requests a minute is the point here, not abuse: lift the
    // per-caller budgets so no request is refused (the limiter still runs, so its cost is counted).
    config.limits.rate_per_minute = u32::MAX;
    config.limits.anonymous_rate_per_minute = u32::MAX;
    let token = api::core::auth::mint(
        &config.jwt,
        config.production,
        PARTNER,
        chrono::Duration::hours(1),
    )?;
    let app = api::startup::build(config)
        .await
        .context("start the server")?;
    let url = format!("http://{}/graphql", app.addr);
    let client = reqwest::Client::new();

    // The matters-arising meeting is looked up rather than hard-coded (IDs are generated at
    // seeding): the partner's meeting with the most matters arising, so the report is not empty.
    let meetings = graphql(&client, &url, Some(&token), &json!({ "query":
        r#"{ partnership(slug: "bromley") { meetings(first: 100) { edges { node { id mattersArising { totalCount } } } } } }"# })).await?;
    let meeting = meetings["data"]["partnership"]["meetings"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .max_by_key(|e| e["node"]["mattersArising"]["totalCount"].as_i64())
        .context("no meetings in the demo data")?;
    ensure!(
        meeting["node"]["mattersArising"]["totalCount"].as_i64() > Some(0),
        "no matters arising in the demo data"
    );

    let cases = [
        Case {
            name: "public boards (anonymous)",
            body: json!({ "query": PUBLIC_BOARDS }),
            token: None,
            list: "/data/partnership/boards/edges",
        },
        Case {
            name: "partner dashboard",
            body: json!({ "query": PARTNER_DASHBOARD }),
            token: Some(token.clone()),
            list: "/data/partnership/actions/edges",
        },
        Case {
            name: "matters arising",
            body: json!({ "query": MATTERS_ARISING, "variables": { "id": meeting["node"]["id"] } }),
            token: Some(token.clone()),
            list: "/data/node/mattersArising/edges",
        },
    ];

    let mut table = Vec::new();
    for case in &cases {
        // Fail loudly on a query that returns errors or an empty list: timing an error page
        // would measure nothing useful.
        let reply = graphql(&client, &url, case.token.as_deref(), &case.body).await?;
        let listed = reply
            .pointer(case.list)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        ensure!(
            listed > 0,
            "{}: nothing at {} in {reply}",
            case.name,
            case.list
        );
        run(&client, &url, case, WARM_UP, concurrency).await?;
        table.push((
            case.name,
            run(&client, &url, case, requests, concurrency).await?,
        ));
    }
    app.server.abort();

    println!(
        "\n{} cores, SQLite, demo data, {WARM_UP} warm-up requests per query\n",
        std::thread::available_parallelism()?
    );
    println!(
        "{:<28} {:>8} {:>5} {:>9} {:>8} {:>8}",
        "query", "requests", "conc", "req/s", "p50 ms", "p99 ms"
    );
    for (name, s) in table {
        println!(
            "{name:<28} {:>8} {concurrency:>5} {:>9.0} {:>8.2} {:>8.2}",
            s.requests,
            s.per_second,
            ms(s.p50),
            ms(s.p99)
        );
    }
    Ok(())
}

/// Sends `total` requests with `concurrency` in flight, recording each request's latency (until
/// the whole body has arrived). Every response must be a 200 without `errors`.
async fn run(
    client: &reqwest::Client,
    url: &str,
    case: &Case,
    total: usize,
    concurrency: usize,
) -> anyhow::Result<Stats> {
    // The body is serialised once: the client's own JSON work should not be in the numbers.
    let body = Arc::new(serde_json::to_vec(&case.body)?);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, body, token, next) = (
                client.clone(),
                url.to_string(),
                body.clone(),
                case.token.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let t = Instant::now();
                    let mut request = client
                        .post(&url)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.as_ref().clone());
                    if let Some(token) = &token {
                        request = request.bearer_auth(token);
                    }
                    let response = request.send().await?;
                    let status = response.status();
                    let bytes = response.bytes().await?;
                    latencies.push(t.elapsed());
                    // A byte search, not a parse: cheap enough not to slow the client down.
                    if !status.is_success() || bytes.windows(9).any(|w| w == b"\"errors\":") {
                        bail!("HTTP {status}: {}", String::from_utf8_lossy(&bytes));
                    }
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(total);
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    // Nearest-rank percentile over every sample: exact, and cheap at these sample counts.
    let pct = |p: f64| {
        latencies[((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    Ok(Stats {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
    })
}

/// One GraphQL request, parsed; an error response is an error.
async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> anyhow::Result<Value> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let reply: Value = response.json().await?;
    if !status.is_success() || reply.get("errors").is_some() {
        bail!("HTTP {status}: {reply}");
    }
    Ok(reply)
}

fn env_usize(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name) {
        Ok(v) => {
            let n: usize = v
                .parse()
                .with_context(|| format!("{name}={v} is not a number"))?;
            ensure!(n > 0, "{name} must be at least 1");
            Ok(n)
        }
        Err(_) => Ok(default),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
