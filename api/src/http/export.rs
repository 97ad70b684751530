//! CSV export of action lists for third-party reporting tools: `GET /export/actions.csv`.
//!
//! Same bearer token, same visibility (`actions::filtered` starts from `access`), same audit of
//! restricted reads and the same purpose requirement as GraphQL. Query parameters mirror
//! `ActionFilter` with global IDs: `partnershipId`, `boardId`, `priorityId`, `reviewId`,
//! `leadOrganisationId`, `leadPersonId`, `rag` and `status` (comma-separated), `dueBefore`,
//! `dueAfter`, `overdue`, `search`.
//!
//! An export spends from the caller's rate budget, the one GraphQL spends from, in proportion
//! to the rows it returns (see [`EXPORT_COST_PER_ROW`]); over budget it is 429 with
//! `Retry-After` and code RATE_LIMITED, as GraphQL is.
//!
//! The file is meant to be opened in a spreadsheet, which runs any cell that starts like a formula:
//! every user-entered text cell goes through [`text_cell`] (OWASP's CSV-injection advice), and
//! every cell is quoted. GraphQL returns the same text unchanged; only this file is neutralised.

use crate::core::access::ReadLog;
use crate::core::error::{ApiError, ApiResult};
use crate::domain::actions::ActionFilter;
use crate::domain::types::{ActionStatus, Rag};
use crate::http::AppState;
use crate::http::{error_response, rate_headers, rate_limited, Caller, Peer};
use async_graphql::ID;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use entity::{action, action_update, board, organisation, person};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

/// Most rows one export returns; narrow the filter for more.
pub const MAX_EXPORT_ROWS: u64 = 10_000;

/// What one exported row costs from the caller's rate budget: what GraphQL charges for one row of
/// the same columns, `edges { node { id title board { name } leadPerson { name }
/// leadOrganisation { name } dueDate status rag percentComplete latestUpdate { period narrative }
/// classification } }` (1 per field: edges, node, 7 scalars, 3 × an object and its name, the
/// latest update and its 2 fields = 18). So a file costs what the same rows cost over GraphQL,
/// and neither transport is a cheaper way round the other's limit.
pub const EXPORT_COST_PER_ROW: u32 = 18;

/// What an export costs on top of its rows, as the connection field itself does in GraphQL: an
/// empty export is not free.
pub const EXPORT_BASE_COST: u32 = 1;

/// The rate cost of an export of `rows` rows (a cost over the whole budget takes the whole
/// budget; see [`crate::core::limits::RateLimits::spend`]).
fn export_cost(rows: u64) -> u32 {
    u32::try_from(rows)
        .unwrap_or(u32::MAX)
        .saturating_mul(EXPORT_COST_PER_ROW)
        .saturating_add(EXPORT_BASE_COST)
}

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
            ..ActionFilter::default()
        })
    }
}

/// Why an export was not sent.
enum Refusal {
    Api(ApiError),
    RateLimited(crate::core::limits::RateLimited),
}

impl From<ApiError> for Refusal {
    fn from(err: ApiError) -> Self {
        Refusal::Api(err)
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(err: sea_orm::DbErr) -> Self {
        Refusal::Api(err.into())
    }
}

/// `GET /export/actions.csv`
///
/// The rows are counted first and their cost spent before they are read, so a caller over budget
/// gets the 429 for the price of one count (as GraphQL's cost is known before execution).
pub async fn actions_csv(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    caller: Caller,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Caller {
        viewer, purpose, ..
    } = caller;
    let client = crate::http::client_address(&state, &headers, peer);
    let mut rate = None;
    let result = async {
        let Query(params) = params.map_err(|e| ApiError::BadInput {
            message: e.body_text(),
            field: None,
        })?;
        let filter = params.into_filter()?;
        let select = crate::domain::actions::filtered(&viewer, &filter)?;
        let count = select.clone().count(&state.db).await?.min(MAX_EXPORT_ROWS);
        rate = state
            .rates
            .spend(viewer.person_id(), client, export_cost(count))
            .map_err(Refusal::RateLimited)?;
        let rows = select
            .order_by_asc(action::Column::DueDate)
            .order_by_asc(action::Column::Id)
            .limit(MAX_EXPORT_ROWS)
            .all(&state.db)
            .await?;
        let reads = ReadLog::default();
        reads.note::<action::Entity>(&viewer, &rows);
        crate::core::audit::settle_reads(&state.db, &viewer, purpose.as_deref(), reads.drain())
            .await?;
        Ok::<_, Refusal>(render(&state.db, &viewer, rows).await?)
    }
    .await;
    let mut response = match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"actions.csv\"",
                ),
                // Answers depend on who asks, as GraphQL's do.
                (header::CACHE_CONTROL, "no-store, private"),
            ],
            body,
        )
            .into_response(),
        Err(Refusal::RateLimited(refused)) => return rate_limited(refused),
        Err(Refusal::Api(err)) => {
            let status = match err {
                ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            };
            error_response(status, err)
        }
    };
    if let Some(rate) = rate {
        rate_headers(response.headers_mut(), rate);
    }
    response
}

/// Names for the ids in the rows, read through `access` like every other read (one statement
/// each, not one per row).
async fn render(
    db: &sea_orm::DatabaseConnection,
    viewer: &crate::core::auth::Viewer,
    rows: Vec<action::Model>,
) -> ApiResult<String> {
    use crate::core::access::visible;
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
        let marking: crate::domain::types::SecurityMarking = a.visibility.into();
        out.write_record([
            crate::core::ids::encode(crate::core::ids::Kind::Action, a.id).to_string(),
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
                crate::domain::types::SecurityMarking::Official => "OFFICIAL".to_string(),
                crate::domain::types::SecurityMarking::OfficialSensitive => {
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
