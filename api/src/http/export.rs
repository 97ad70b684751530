//! Exports of action lists for third-party reporting tools: `GET /export/actions.csv` and
//! `GET /export/actions.xlsx`.
//!
//! Same bearer token, same visibility (`actions::filtered` starts from `access`), same audit of
//! restricted reads and the same purpose requirement as GraphQL. Query parameters mirror
//! `ActionFilter` with global IDs: `partnershipId` (or `partnership`, its slug), `boardId`,
//! `priorityId`, `reviewId`, `leadOrganisationId`, `leadPersonId`, `rag` and `status`
//! (comma-separated), `dueBefore`, `dueAfter`, `overdue`, `search`.
//!
//! Every row the caller may see is exported, however many: rows are read in pages of
//! [`PAGE_ROWS`] in one order that both databases agree on (due date, undated last, then id),
//! and the CSV is streamed page by page, so memory stays flat. Each page's restricted reads are
//! audited before it is sent. A failure after the first page ends the download with an error,
//! never a silently shorter file. The CSV starts with a byte-order mark so that Excel reads
//! accented names as UTF-8. The XLSX is built whole (a workbook is one zip) and carries the
//! classification of its most sensitive row in every printed page's header and footer.
//!
//! An export spends from the caller's rate budget, the one GraphQL spends from, in proportion
//! to the rows it returns (see [`EXPORT_COST_PER_ROW`]); over budget it is 429 with
//! `Retry-After` and code RATE_LIMITED, as GraphQL is.
//!
//! The file is meant to be opened in a spreadsheet, which runs any cell that starts like a formula:
//! every user-entered text cell goes through [`text_cell`] (OWASP's CSV-injection advice), and
//! every cell is quoted. GraphQL returns the same text unchanged; only this file is neutralised.

use crate::core::error::{ApiError, ApiResult};
use crate::domain::actions::ActionFilter;
use crate::domain::types::{ActionStatus, Rag};
use crate::http::AppState;
use crate::http::{error_response, rate_headers, rate_limited, Caller, Peer};
use async_graphql::ID;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use chrono::NaiveDate;
use entity::{action, action_update, board, organisation, partnership, person, priority};
use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

/// Rows read per statement: big enough that a 100,000-row export is 100 round trips, small
/// enough that a page and its names stay a few hundred kilobytes.
pub const PAGE_ROWS: u64 = 1_000;

/// What one exported row costs from the caller's rate budget: what GraphQL charges for one row of
/// the same columns, `edges { node { id title partnership { name } board { name } priority
/// { title } leadPerson { name } leadOrganisation { name } startDate dueDate overdue status rag
/// percentComplete latestUpdate { reportedOn period narrative } classification } }` (1 per
/// field: edges, node, 9 scalars, 5 × an object and its name, the latest update and its 3
/// fields = 25). So a file costs what the same rows cost over GraphQL, and neither transport is
/// a cheaper way round the other's limit.
pub const EXPORT_COST_PER_ROW: u32 = 25;

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
    /// A partnership's slug (`bromley`), for tools that do not keep global IDs.
    partnership: Option<String>,
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

/// The file formats.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

/// `GET /export/actions.csv`
pub async fn actions_csv(
    state: State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    caller: Caller,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    export(state, peer, headers, caller, params, Format::Csv).await
}

/// `GET /export/actions.xlsx`
pub async fn actions_xlsx(
    state: State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    caller: Caller,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    export(state, peer, headers, caller, params, Format::Xlsx).await
}

/// Counts the rows and spends their cost before reading any (a caller over budget gets the 429
/// for the price of one count, as GraphQL's cost is known before execution), then reads the
/// first page, so that a refusal (a purpose required, a bad filter) is an error response, not a
/// broken download.
async fn export(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    caller: Caller,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
    format: Format,
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
        let params = with_partnership_slug(&state.db, &viewer, params).await?;
        let filter = params.into_filter()?;
        let select = crate::domain::actions::filtered(&viewer, &filter)?;
        let count = select.clone().count(&state.db).await?;
        rate = state
            .rates
            .spend(viewer.person_id(), client, export_cost(count))
            .map_err(Refusal::RateLimited)?;
        let mut pages = Pages {
            db: state.db.clone(),
            viewer,
            purpose,
            select,
            after: None,
            done: false,
        };
        let first = pages.next().await?;
        Ok::<_, Refusal>(match format {
            Format::Csv => csv_response(pages, first),
            Format::Xlsx => xlsx_response(pages, first).await?,
        })
    }
    .await;
    let mut response = match result {
        Ok(response) => response,
        Err(Refusal::RateLimited(refused)) => return rate_limited(refused),
        Err(Refusal::Api(err)) => {
            let status = match err {
                ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                ApiError::NotFound(_) => StatusCode::NOT_FOUND,
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

/// `partnership=bromley` as the partnership's global ID; NOT_FOUND for a slug nobody has.
async fn with_partnership_slug(
    db: &sea_orm::DatabaseConnection,
    viewer: &crate::core::auth::Viewer,
    mut params: ExportParams,
) -> ApiResult<ExportParams> {
    let Some(slug) = params.partnership.take() else {
        return Ok(params);
    };
    if params.partnership_id.is_some() {
        return Err(ApiError::bad_input(
            "partnership",
            "give `partnership` (a slug) or `partnershipId`, not both",
        ));
    }
    let found = crate::core::access::visible::<partnership::Entity>(viewer)
        .filter(partnership::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("partnership"))?;
    params.partnership_id =
        Some(crate::core::ids::encode(crate::core::ids::Kind::Partnership, found.id).to_string());
    Ok(params)
}

/// One exported action with the names its cells show.
struct Row {
    action: action::Model,
    partnership: String,
    board: String,
    priority: String,
    lead_person: String,
    lead_organisation: String,
    latest: Option<action_update::Model>,
    /// Restricted by its own marking or an ancestor's (the audit log's classification).
    restricted: bool,
}

/// The column headings, in order.
const COLUMNS: [&str; 17] = [
    "id",
    "partnership",
    "board",
    "priority",
    "title",
    "lead person",
    "lead organisation",
    "start date",
    "due date",
    "overdue",
    "status",
    "rag",
    "percent complete",
    "latest update date",
    "latest update period",
    "latest update",
    "classification",
];

impl Row {
    /// The cells, as text. In a CSV user-entered text is neutralised ([`text_cell`]); a
    /// workbook's string cells are never formulas, so there it is written as entered.
    fn cells(&self, today: NaiveDate, neutralise: bool) -> [String; 17] {
        let a = &self.action;
        let text = |v: &str| {
            if neutralise {
                text_cell(v).into_owned()
            } else {
                v.to_string()
            }
        };
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let overdue =
            a.status == entity::enums::ActionStatus::Open && a.due_date.is_some_and(|d| d < today);
        [
            crate::core::ids::encode(crate::core::ids::Kind::Action, a.id).to_string(),
            text(&self.partnership),
            text(&self.board),
            text(&self.priority),
            text(&a.title),
            text(&self.lead_person),
            text(&self.lead_organisation),
            date(a.start_date),
            date(a.due_date),
            if overdue { "yes" } else { "no" }.to_string(),
            format!("{:?}", a.status).to_uppercase(),
            a.rag
                .map(|r| format!("{r:?}").to_uppercase())
                .unwrap_or_default(),
            a.percent_complete.to_string(),
            date(self.latest.as_ref().map(|u| u.reported_on)),
            self.latest
                .as_ref()
                .and_then(|u| u.period.as_deref())
                .map(text)
                .unwrap_or_default(),
            self.latest
                .as_ref()
                .map(|u| text(&u.narrative))
                .unwrap_or_default(),
            // Spelt as GraphQL's `SecurityMarking` spells it.
            if self.restricted {
                "OFFICIAL_SENSITIVE"
            } else {
                "OFFICIAL"
            }
            .to_string(),
        ]
    }
}

/// The export's rows, a page at a time, in the order (due date, undated last, id) on both
/// databases.
struct Pages {
    db: sea_orm::DatabaseConnection,
    viewer: crate::core::auth::Viewer,
    purpose: Option<String>,
    select: sea_orm::Select<action::Entity>,
    /// The last row sent: (due date, id).
    after: Option<(Option<NaiveDate>, Uuid)>,
    done: bool,
}

impl Pages {
    /// The next page (empty at the end), its restricted reads audited.
    async fn next(&mut self) -> ApiResult<Vec<Row>> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        use sea_orm::{Condition, Order};
        if self.done {
            return Ok(Vec::new());
        }
        let due = || Expr::col((action::Entity, action::Column::DueDate));
        let mut select = self.select.clone();
        if let Some((last_due, last_id)) = self.after {
            let after_id = action::Column::Id.gt(last_id);
            select = select.filter(match last_due {
                Some(d) => Condition::any()
                    .add(due().is_null())
                    .add(action::Column::DueDate.gt(d))
                    .add(
                        Condition::all()
                            .add(action::Column::DueDate.eq(d))
                            .add(after_id),
                    ),
                None => Condition::all().add(due().is_null()).add(after_id),
            });
        }
        let actions = select
            .order_by(due().is_null(), Order::Asc)
            .order_by_asc(action::Column::DueDate)
            .order_by_asc(action::Column::Id)
            .limit(PAGE_ROWS)
            .all(&self.db)
            .await?;
        self.done = (actions.len() as u64) < PAGE_ROWS;
        self.after = actions.last().map(|a| (a.due_date, a.id));
        let candidates =
            crate::core::access::Candidates::of::<action::Entity>(&self.viewer, &actions);
        let restricted: std::collections::HashSet<Uuid> =
            crate::core::audit::settle(&self.db, &self.viewer, self.purpose.as_deref(), candidates)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
        name_rows(&self.db, &self.viewer, actions, &restricted).await
    }
}

/// Names for the ids in the rows, read through `access` like every other read (one statement
/// each per page, not one per row).
async fn name_rows(
    db: &sea_orm::DatabaseConnection,
    viewer: &crate::core::auth::Viewer,
    actions: Vec<action::Model>,
    restricted: &std::collections::HashSet<Uuid>,
) -> ApiResult<Vec<Row>> {
    use crate::core::access::visible;
    let ids =
        |f: fn(&action::Model) -> Option<Uuid>| actions.iter().filter_map(f).collect::<Vec<_>>();
    let partnerships: HashMap<Uuid, String> = visible::<partnership::Entity>(viewer)
        .filter(partnership::Column::Id.is_in(ids(|a| Some(a.partnership_id))))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let boards: HashMap<Uuid, String> = visible::<board::Entity>(viewer)
        .filter(board::Column::Id.is_in(ids(|a| a.board_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let priorities: HashMap<Uuid, String> = visible::<priority::Entity>(viewer)
        .filter(priority::Column::Id.is_in(ids(|a| a.priority_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{}. {}", p.number, p.title)))
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
        .filter(action_update::Column::ActionId.is_in(actions.iter().map(|a| a.id)))
        .order_by_desc(action_update::Column::ReportedOn)
        .order_by_desc(action_update::Column::CreatedAt)
        .all(db)
        .await?
    {
        latest.entry(u.action_id).or_insert(u);
    }
    let name = |map: &HashMap<Uuid, String>, id: Option<Uuid>| {
        id.and_then(|i| map.get(&i)).cloned().unwrap_or_default()
    };
    Ok(actions
        .into_iter()
        .map(|a| Row {
            partnership: name(&partnerships, Some(a.partnership_id)),
            board: name(&boards, a.board_id),
            priority: name(&priorities, a.priority_id),
            lead_person: name(&people, a.lead_person_id),
            lead_organisation: name(&orgs, a.lead_organisation_id),
            latest: latest.remove(&a.id),
            restricted: restricted.contains(&a.id),
            action: a,
        })
        .collect())
}

/// CSV lines for `rows`, every cell quoted: a spreadsheet whose list separator is not a comma
/// (`;` in much of Europe) would otherwise split an unquoted cell such as `a;=1+1` and run the
/// second half.
fn csv_lines(rows: &[Row], header: bool) -> ApiResult<Vec<u8>> {
    let internal = |e: csv::Error| {
        tracing::error!(error = %e, "csv");
        ApiError::Internal
    };
    let mut out = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    if header {
        out.write_record(COLUMNS).map_err(internal)?;
    }
    let today = chrono::Utc::now().date_naive();
    for row in rows {
        out.write_record(row.cells(today, true)).map_err(internal)?;
    }
    out.into_inner()
        .map_err(|e| internal(e.into_error().into()))
}

/// The byte-order mark that tells Excel the file is UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// The CSV as a stream: the mark, the header and the first page at once, then page by page.
fn csv_response(mut pages: Pages, first: Vec<Row>) -> Response {
    let body = async_stream::stream! {
        let mut head = BOM.to_vec();
        match csv_lines(&first, true) {
            Ok(lines) => head.extend(lines),
            Err(e) => { yield Err(std::io::Error::other(e.to_string())); return; }
        }
        yield Ok::<_, std::io::Error>(axum::body::Bytes::from(head));
        loop {
            let page = match pages.next().await {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "export page");
                    yield Err(std::io::Error::other(e.to_string()));
                    return;
                }
            };
            if page.is_empty() {
                return;
            }
            match csv_lines(&page, false) {
                Ok(lines) => yield Ok(axum::body::Bytes::from(lines)),
                Err(e) => { yield Err(std::io::Error::other(e.to_string())); return; }
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"actions.csv\"",
            ),
            // Answers depend on who asks, as GraphQL's do.
            (header::CACHE_CONTROL, "no-store, private"),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

/// The workbook: one sheet, a header row that stays in view and filters, dates as dates, and the
/// classification of its most sensitive row in the printed header and footer of every page.
async fn xlsx_response(mut pages: Pages, first: Vec<Row>) -> ApiResult<Response> {
    use rust_xlsxwriter::{ExcelDateTime, Format as Style, Workbook};
    let internal = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx");
        ApiError::Internal
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Actions").map_err(internal)?;
    let bold = Style::new().set_bold();
    let date_style = Style::new().set_num_format("dd/mm/yyyy");
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *name, &bold)
            .map_err(internal)?;
    }
    let date_columns = [7u16, 8, 13];
    let today = chrono::Utc::now().date_naive();
    let mut sensitive = false;
    let mut r: u32 = 0;
    let mut page = first;
    while !page.is_empty() {
        for row in &page {
            r += 1;
            sensitive |= row.restricted;
            for (c, cell) in row.cells(today, false).iter().enumerate() {
                let c = c as u16;
                let as_date = date_columns
                    .contains(&c)
                    .then(|| NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok())
                    .flatten()
                    .and_then(|d| {
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .ok()
                    });
                match as_date {
                    Some(d) => sheet.write_datetime_with_format(r, c, &d, &date_style),
                    None if c == 12 => sheet.write_number(r, c, row.action.percent_complete),
                    None => sheet.write_string(r, c, cell),
                }
                .map_err(internal)?;
            }
        }
        page = pages.next().await?;
    }
    let marking = if sensitive {
        "OFFICIAL-SENSITIVE"
    } else {
        "OFFICIAL"
    };
    sheet.set_header(format!("&C&\"-,Bold\"{marking}"));
    sheet.set_footer(format!("&C&\"-,Bold\"{marking}&R&P of &N"));
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    sheet
        .autofilter(0, 0, r, (COLUMNS.len() - 1) as u16)
        .map_err(internal)?;
    sheet.set_column_width(4, 60).map_err(internal)?;
    sheet.set_column_width(15, 60).map_err(internal)?;
    let bytes = workbook.save_to_buffer().map_err(internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"actions.xlsx\"",
            ),
            (header::CACHE_CONTROL, "no-store, private"),
        ],
        bytes,
    )
        .into_response())
}
