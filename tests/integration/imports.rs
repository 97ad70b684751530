//! Importing a partnership's own spreadsheets with `csp-hub import`: the example people list and
//! delivery plan (from the Bromley papers), dry runs that write nothing, files with problems that
//! write nothing, re-imports that update instead of duplicating, and XLSX as well as CSV.

use crate::common::TestApp;
use entity::{action, action_update, person};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const PLAN: &str = "examples/onboarding/bromley-delivery-plan-2024-27.csv";
const PEOPLE: &str = "examples/onboarding/bromley-people.csv";
const BOARD: &str = "Safer Bromley Partnership Board";

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs `csp-hub` against the test's database; (succeeded, stdout and stderr).
fn csp_hub(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_csp-hub"))
        .args(args)
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run csp-hub");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn import_plan(app: &TestApp, file: &Path, dry_run: bool) -> (bool, String) {
    let file = file.to_str().unwrap();
    let mut args = vec![
        "import",
        "plan",
        file,
        "--partnership",
        "bromley-example",
        "--board",
        BOARD,
        "--marking",
        "public",
    ];
    if dry_run {
        args.push("--dry-run");
    }
    csp_hub(app, &args)
}

/// An empty database with the example partnership, its administrator and its board.
async fn partnership(app: &TestApp) {
    let (ok, out) = csp_hub(
        app,
        &[
            "create-partnership",
            "--slug",
            "bromley-example",
            "--name",
            "Safer Bromley Partnership",
            "--organisation",
            "London Borough of Bromley",
            "--admin-name",
            "Example Administrator",
            "--admin-subject",
            "example-admin",
        ],
    );
    assert!(ok, "{out}");
    let p = app
        .gql(
            None,
            r#"{ partnership(slug: "bromley-example") { id } }"#,
            json!({}),
        )
        .await
        .data()["partnership"]["id"]
        .clone();
    app.gql(Some("example-admin"), "mutation($p: ID!, $n: String!) { createBoard(input: { partnershipId: $p, name: $n, kind: STRATEGIC_BOARD, visibility: PUBLIC }) { id } }", json!({ "p": p, "n": BOARD }))
        .await
        .data();
}

async fn actions(app: &TestApp) -> u64 {
    action::Entity::find().count(app.db()).await.unwrap()
}

const ACTIONS: &str = r#"{ partnership(slug: "bromley-example") { boards(first: 5) { edges { node { name actions(first: 50) { totalCount edges { node { title dueDate rag percentComplete leadPerson { name } leadOrganisation { name } leadPost { title vacant } latestUpdate { narrative } } } } } } } } }"#;

fn action_titled<'a>(reply: &'a Value, title: &str) -> &'a Value {
    reply["partnership"]["boards"]["edges"][0]["node"]["actions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["title"] == title)
        .unwrap_or_else(|| panic!("no action {title}"))
}

#[tokio::test]
async fn the_example_files_import_once_and_re_import_without_duplicates() {
    let app = TestApp::spawn().await;
    partnership(&app).await;

    // People: a dry run says what it would do and writes nothing.
    let (ok, out) = csp_hub(
        &app,
        &[
            "import",
            "people",
            example(PEOPLE).to_str().unwrap(),
            "--partnership",
            "bromley-example",
            "--dry-run",
        ],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("row 5: would create person \"Luke Baldock\" (Metropolitan Police Service)"),
        "{out}"
    );
    assert_eq!(person::Entity::find().count(app.db()).await.unwrap(), 1);
    let (ok, out) = csp_hub(
        &app,
        &[
            "import",
            "people",
            example(PEOPLE).to_str().unwrap(),
            "--partnership",
            "bromley-example",
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(person::Entity::find().count(app.db()).await.unwrap(), 15);
    let (_, again) = csp_hub(
        &app,
        &[
            "import",
            "people",
            example(PEOPLE).to_str().unwrap(),
            "--partnership",
            "bromley-example",
        ],
    );
    assert!(
        again.contains("created 0, updated 0, unchanged 14"),
        "{again}"
    );
    assert_eq!(person::Entity::find().count(app.db()).await.unwrap(), 15);

    // The plan: dry run, then for real.
    let (ok, out) = import_plan(&app, &example(PLAN), true);
    assert!(ok, "{out}");
    assert!(out.contains("dry run: would create 12"), "{out}");
    assert_eq!(actions(&app).await, 0);
    let (ok, out) = import_plan(&app, &example(PLAN), false);
    assert!(ok, "{out}");
    assert!(out.contains("created 12, updated 0, unchanged 0"), "{out}");
    // The post named as lead is not turned into a person.
    assert!(
        out.contains("\"Head of Safer Communities, Bromley Council\" is not a person"),
        "{out}"
    );
    let plan = app.gql(None, ACTIONS, json!({})).await;
    let board = &plan.data()["partnership"]["boards"]["edges"][0]["node"];
    assert_eq!(board["actions"]["totalCount"], 12);
    let retailers = action_titled(plan.data(), "Refresh the Responsible Retailer Scheme.");
    assert_eq!(retailers["dueDate"], "2024-06-30");
    assert_eq!(retailers["rag"], "GREEN");
    assert_eq!(retailers["percentComplete"], 0);
    assert_eq!(retailers["leadPerson"], Value::Null);
    assert_eq!(
        retailers["leadOrganisation"]["name"],
        "London Borough of Bromley"
    );
    let venue = action_titled(
        plan.data(),
        "Schedule an SBP breakfast or lunch meet and greet event.",
    );
    assert_eq!(venue["leadOrganisation"], Value::Null);
    assert_eq!(venue["rag"], Value::Null);

    // The same sheet again changes nothing.
    let (_, again) = import_plan(&app, &example(PLAN), false);
    assert!(
        again.contains("created 0, updated 0, unchanged 12"),
        "{again}"
    );
    assert_eq!(actions(&app).await, 12);

    // An updated sheet updates the row and appends its progress to the history.
    let mut sheet = csv::Reader::from_path(example(PLAN)).unwrap();
    let headers = sheet.headers().unwrap().clone();
    let dir = std::env::temp_dir().join(format!("csp-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let changed = dir.join("plan.csv");
    let mut out_csv = csv::Writer::from_path(&changed).unwrap();
    let mut h: Vec<String> = headers.iter().map(String::from).collect();
    h.push("Update".into());
    out_csv.write_record(&h).unwrap();
    for record in sheet.records() {
        let mut r: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if r[1] == "Refresh the Responsible Retailer Scheme." {
            r[7] = "40%".into();
            r[8] = "A".into();
            r.push("Scheme relaunched with 12 retailers; test purchases planned.".into());
        } else {
            r.push(String::new());
        }
        out_csv.write_record(&r).unwrap();
    }
    out_csv.flush().unwrap();
    drop(out_csv);
    let (ok, out) = import_plan(&app, &changed, false);
    assert!(ok, "{out}");
    assert!(out.contains("created 0, updated 1, unchanged 11"), "{out}");
    assert_eq!(actions(&app).await, 12);
    let plan = app.gql(None, ACTIONS, json!({})).await;
    let retailers = action_titled(plan.data(), "Refresh the Responsible Retailer Scheme.");
    assert_eq!(retailers["rag"], "AMBER");
    assert_eq!(retailers["percentComplete"], 40);
    assert_eq!(
        retailers["latestUpdate"]["narrative"],
        "Scheme relaunched with 12 retailers; test purchases planned."
    );
    let id = action::Entity::find()
        .filter(action::Column::Title.eq("Refresh the Responsible Retailer Scheme."))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let history = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(id))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(history, 2, "the first import's progress and the update");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_plan_with_any_bad_row_writes_nothing_and_names_each_problem() {
    let app = TestApp::spawn().await;
    partnership(&app).await;
    let dir = std::env::temp_dir().join(format!("csp-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "Action,Lead organisation,Due,RAG,Progress\n\
         Good row,London Borough of Bromley,2024-06-30,G,10\n\
         Bad date,London Borough of Bromley,next spring,G,10\n\
         Bad RAG,London Borough of Bromley,2024-06-30,Purple,10\n\
         Unknown agency,Ministry of Magic,2024-06-30,A,10\n\
         Bad percent,London Borough of Bromley,2024-06-30,A,140\n",
    )
    .unwrap();
    let (ok, out) = import_plan(&app, &bad, false);
    assert!(!ok, "{out}");
    for expected in [
        "row 3, column due: \"next spring\" is not a date",
        "row 4, column rag: \"Purple\" is not a RAG rating",
        "row 5, column lead organisation: \"Ministry of Magic\" does not serve this partnership",
        "row 6, column progress: \"140\" is not a percentage",
        "4 problem(s): nothing was written",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    assert_eq!(actions(&app).await, 0, "not even the good row");
    let (ok, out) = import_plan(&app, &dir.join("missing.csv"), false);
    assert!(!ok);
    assert!(out.contains("cannot read"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_xlsx_plan_imports_like_its_csv_with_spreadsheet_dates() {
    let app = TestApp::spawn().await;
    partnership(&app).await;
    let dir = std::env::temp_dir().join(format!("csp-import-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("plan.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let mut reader = csv::Reader::from_path(example(PLAN)).unwrap();
    for (c, h) in reader.headers().unwrap().iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, record) in reader.records().enumerate() {
        let record = record.unwrap();
        for (c, v) in record.iter().enumerate() {
            let (row, col) = (r as u32 + 1, c as u16);
            if c == 4 && r == 0 {
                // A real date cell, as Excel users enter them.
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 2, 29).unwrap();
                sheet
                    .write_datetime_with_format(row, col, &date, &date_format)
                    .unwrap();
            } else {
                sheet.write_string(row, col, v).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let (ok, out) = import_plan(&app, &path, false);
    assert!(ok, "{out}");
    assert!(out.contains("created 12"), "{out}");
    let plan = app.gql(None, ACTIONS, json!({})).await;
    let first = action_titled(plan.data(), "Establish the existing networks, forums and representative groups that are active in Bromley.");
    assert_eq!(first["dueDate"], "2024-02-29");
    // The CSV of the same plan then finds every row already there.
    let (_, again) = import_plan(&app, &example(PLAN), false);
    assert!(again.contains("unchanged 12"), "{again}");
    std::fs::remove_dir_all(dir).ok();
}

/// `POST /import/{what}?{query}` with `body`, as `subject`; (status, JSON body).
async fn post_import(
    app: &TestApp,
    subject: Option<&str>,
    what: &str,
    query: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/import/{what}?{query}", app.base()))
        .body(body);
    if let Some(s) = subject {
        request = request.bearer_auth(app.token(s));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn administrators_import_over_http_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    partnership(&app).await;
    // A signed-in person who is no administrator of this partnership.
    crate::fixtures::World::build(app.db()).await;
    let before = actions(&app).await;
    let plan = std::fs::read(example(PLAN)).unwrap();
    let query =
        "partnership=bromley-example&board=Safer%20Bromley%20Partnership%20Board&marking=public";
    let (status, body) = post_import(&app, None, "delivery-plan", query, plan.clone()).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = post_import(
        &app,
        Some(crate::fixtures::CHAIR),
        "delivery-plan",
        query,
        plan.clone(),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let denied = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("importDeliveryPlan"))
        .filter(entity::audit_log::Column::Outcome.eq("denied"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(denied, 1);
    let (status, _) = post_import(
        &app,
        Some("example-admin"),
        "delivery-plan",
        "partnership=nowhere&board=x",
        plan.clone(),
    )
    .await;
    assert_eq!(status, 404);

    // A dry run reports and writes nothing; the real run writes, audited as the administrator.
    let (status, body) = post_import(
        &app,
        Some("example-admin"),
        "delivery-plan",
        &format!("{query}&dryRun=true"),
        plan.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dryRun"], true);
    assert_eq!(body["written"], false);
    assert_eq!(body["created"], 12);
    assert_eq!(actions(&app).await, before);
    let (status, body) =
        post_import(&app, Some("example-admin"), "delivery-plan", query, plan).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["written"], true);
    assert_eq!(body["rows"][2]["outcome"], "created");
    assert_eq!(actions(&app).await, before + 12);

    // A bad file is 422 with each problem, and writes nothing.
    let bad = b"Action,Due\nSomething,whenever\n".to_vec();
    let (status, body) =
        post_import(&app, Some("example-admin"), "delivery-plan", query, bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["problems"][0],
        json!({ "row": 2, "column": "due", "message": "\"whenever\" is not a date (write 2024-06-30, 30/06/2024 or Jun-24)" })
    );
    let (status, body) = post_import(
        &app,
        Some("example-admin"),
        "people",
        "partnership=bromley-example",
        std::fs::read(example(PEOPLE)).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["created"].as_u64().unwrap(),
        14 + 9,
        "14 people and 9 new organisations"
    );
}
