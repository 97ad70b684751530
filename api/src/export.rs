//! CSV export of action lists for third-party reporting tools: `GET /export/actions.csv`.
//!
//! Same bearer token, same visibility (`actions::filtered` starts from `access`), same audit of
//! restricted reads and the same purpose requirement as GraphQL. Query parameters mirror
//! `ActionFilter` with global IDs: `partnershipId`, `boardId`, `priorityId`, `reviewId`,
//! `leadOrganisationId`, `leadPersonId`, `rag` and `status` (comma-separated), `dueBefore`,
//! `dueAfter`, `overdue`, `search`.
//!
//! The file is meant to be opened in a spreadsheet, which runs any cell that starts like a formula:
//! every user-entered text cell goes through [`text_cell`] (OWASP's CSV-injection advice), and
//! every cell is quoted. GraphQL returns the same text unchanged; only this file is neutralised.

use crate::access::ReadLog;
use crate::actions::ActionFilter;
use crate::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::startup::AppState;
use crate::types::{ActionStatus, Rag};
use async_graphql::ID;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use entity::{action, action_update, board, organisation, person};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

/// Most rows one export returns; narrow the filter for more.
pub const MAX_EXPORT_ROWS: u64 = 10_000;

/// First characters that make Excel, LibreOffice Calc or Google Sheets read a cell as a formula
/// (OWASP's CSV-injection list): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A user-entered text cell as written to the file: one that would start a formula gets a leading
/// `'`, which spreadsheets take as "this is text" (and do not show). Quotes, separators and line
/// breaks inside the value are left to the `csv` writer's quoting.
fn text_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The query string.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExportParams {
    partnership_id: Option<String>,
    board_id: Option<String>,
    priority_id: Option<String>,
    review_id: Option<String>,
    lead_organisation_id: Option<String>,
    lead_person_id: Option<String>,
    rag: Option<String>,
    status: Option<String>,
    due_before: Option<NaiveDate>,
    due_after: Option<NaiveDate>,
    overdue: Option<bool>,
    search: Option<String>,
}

fn parse_list<T>(
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
) -> ApiResult<Option<Vec<T>>> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| {
                    parse(s.trim()).ok_or_else(|| {
                        ApiError::bad_input(field, format!("unknown {field} value `{s}`"))
                    })
                })
                .collect()
        })
        .transpose()
}

impl ExportParams {
    fn into_filter(self) -> ApiResult<ActionFilter> {
        let rag = parse_list("rag", self.rag.as_deref(), |s| {
            match s.to_ascii_uppercase().as_str() {
                "RED" => Some(Rag::Red),
                "AMBER" => Some(Rag::Amber),
                "GREEN" => Some(Rag::Green),
                _ => None,
            }
        })?;
        let status = parse_list("status", self.status.as_deref(), |s| {
            match s.to_ascii_uppercase().as_str() {
                "OPEN" => Some(ActionStatus::Open),
                "COMPLETED" => Some(ActionStatus::Completed),
                "CANCELLED" => Some(ActionStatus::Cancelled),
                _ => None,
            }
        })?;
        Ok(ActionFilter {
            partnership_id: self.partnership_id.map(ID),
            board_id: self.board_id.map(ID),
            priority_id: self.priority_id.map(ID),
            review_id: self.review_id.map(ID),
            lead_organisation_id: self.lead_organisation_id.map(ID),
            lead_person_id: self.lead_person_id.map(ID),
            rag,
            status,
            due_before: self.due_before,
            due_after: self.due_after,
            overdue: self.overdue,
            search: self.search,
        })
    }
}

/// `GET /export/actions.csv`
pub async fn actions_csv(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Caller(viewer, purpose) = caller;
    let result = async {
        let Query(params) = params.map_err(|e| ApiError::BadInput {
            message: e.body_text(),
            field: None,
        })?;
        let filter = params.into_filter()?;
        let rows = crate::actions::filtered(&viewer, &filter)?
            .order_by_asc(action::Column::DueDate)
            .order_by_asc(action::Column::Id)
            .limit(MAX_EXPORT_ROWS)
            .all(&state.db)
            .await?;
        let reads = ReadLog::default();
        reads.note::<action::Entity>(&viewer, &rows);
        crate::audit::settle_reads(&state.db, &viewer, purpose.as_deref(), reads.drain()).await?;
        render(&state.db, &viewer, rows).await
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"actions.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(err) => {
            let status = match err {
                ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            };
            let body = serde_json::json!({ "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }] });
            (status, axum::Json(body)).into_response()
        }
    }
}

/// Names for the ids in the rows, read through `access` like every other read (one statement
/// each, not one per row).
async fn render(
    db: &sea_orm::DatabaseConnection,
    viewer: &crate::auth::Viewer,
    rows: Vec<action::Model>,
) -> ApiResult<String> {
    use crate::access::visible;
    let ids = |f: fn(&action::Model) -> Option<Uuid>| rows.iter().filter_map(f).collect::<Vec<_>>();
    let boards: HashMap<Uuid, String> = visible::<board::Entity>(viewer)
        .filter(board::Column::Id.is_in(ids(|a| a.board_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let people: HashMap<Uuid, String> = visible::<person::Entity>(viewer)
        .filter(person::Column::Id.is_in(ids(|a| a.lead_person_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let orgs: HashMap<Uuid, String> = visible::<organisation::Entity>(viewer)
        .filter(organisation::Column::Id.is_in(ids(|a| a.lead_organisation_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut latest: HashMap<Uuid, action_update::Model> = HashMap::new();
    for u in visible::<action_update::Entity>(viewer)
        .filter(action_update::Column::ActionId.is_in(rows.iter().map(|a| a.id)))
        .order_by_desc(action_update::Column::ReportedOn)
        .order_by_desc(action_update::Column::CreatedAt)
        .all(db)
        .await?
    {
        latest.entry(u.action_id).or_insert(u);
    }
    // Every cell quoted: a spreadsheet whose list separator is not a comma (`;` in much of Europe)
    // would otherwise split an unquoted cell such as `a;=1+1` and run the second half.
    let mut out = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let internal = |e: csv::Error| {
        tracing::error!(error = %e, "csv");
        ApiError::Internal
    };
    out.write_record([
        "id",
        "title",
        "board",
        "lead person",
        "lead organisation",
        "due date",
        "status",
        "rag",
        "percent complete",
        "latest update period",
        "latest update",
        "classification",
    ])
    .map_err(internal)?;
    let name = |map: &HashMap<Uuid, String>, id: Option<Uuid>| {
        id.and_then(|i| map.get(&i))
            .map(|n| text_cell(n).into_owned())
            .unwrap_or_default()
    };
    for a in &rows {
        let update = latest.get(&a.id);
        let marking: crate::types::SecurityMarking = a.visibility.into();
        out.write_record([
            crate::ids::encode(crate::ids::Kind::Action, a.id).to_string(),
            text_cell(&a.title).into_owned(),
            name(&boards, a.board_id),
            name(&people, a.lead_person_id),
            name(&orgs, a.lead_organisation_id),
            a.due_date.map(|d| d.to_string()).unwrap_or_default(),
            format!("{:?}", a.status).to_uppercase(),
            a.rag
                .map(|r| format!("{r:?}").to_uppercase())
                .unwrap_or_default(),
            a.percent_complete.to_string(),
            update
                .and_then(|u| u.period.as_deref())
                .map(|p| text_cell(p).into_owned())
                .unwrap_or_default(),
            update
                .map(|u| text_cell(&u.narrative).into_owned())
                .unwrap_or_default(),
            match marking {
                crate::types::SecurityMarking::Official => "OFFICIAL".to_string(),
                crate::types::SecurityMarking::OfficialSensitive => {
                    "OFFICIAL-SENSITIVE".to_string()
                }
            },
        ])
        .map_err(internal)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| internal(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|_| ApiError::Internal)
}
