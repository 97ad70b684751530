//! The import endpoints, for administrators' tools: `POST /import/delivery-plan` and
//! `POST /import/people`, the file (CSV or XLSX) as the request body, what `csp-hub import` does
//! (see `domain::imports`).
//!
//! Query parameters: `partnership` (slug, required), `dryRun` (`true` to check and report only);
//! for a plan also `board` (its name, required), `strategy` and `marking`. The caller must
//! administer the partnership (policy: `ManageStructure` for plans, `ManagePeople` for people);
//! anyone else gets FORBIDDEN, audited, and a partnership they cannot name gets NOT_FOUND.
//!
//! The answer is JSON: `{ dryRun, written, created, updated, unchanged, rows, problems, notes,
//! ignoredColumns }`, with status 200, or 422 when the file has problems (nothing written).

use crate::core::audit::{self, Entry, Outcome as AuditOutcome};
use crate::core::error::ApiError;
use crate::core::policy::{self, PartnershipPermission};
use crate::domain::imports::{Outcome, Problem, Report};
use crate::http::{error_response, AppState, Caller};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entity::partnership;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{json, Value};

/// Largest file accepted: a delivery plan is a few hundred rows, a people list a few thousand.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// The query string of both endpoints.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    partnership: String,
    board: Option<String>,
    strategy: Option<String>,
    marking: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /import/delivery-plan`
pub async fn delivery_plan(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<ImportParams>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Response {
    let result = async {
        let Query(params) = bad_query(params)?;
        let partnership = allowed(
            &state,
            &caller,
            &params,
            PartnershipPermission::ManageStructure,
            "importDeliveryPlan",
        )
        .await?;
        let board = params.board.clone().ok_or_else(|| {
            ApiError::bad_input("board", "`board` (the owning board's name) is required")
        })?;
        let marking = match params.marking.as_deref() {
            None => entity::enums::Visibility::Partnership,
            Some(m) => {
                entity::enums::Visibility::try_from_value(&m.to_lowercase()).map_err(|_| {
                    ApiError::bad_input(
                        "marking",
                        "`marking` must be public, partnership or restricted",
                    )
                })?
            }
        };
        let target = crate::domain::imports::plan::Target {
            partnership: partnership.slug,
            board,
            strategy: params.strategy.clone(),
            marking,
        };
        crate::domain::imports::plan::import(
            &state.db,
            &caller.viewer,
            &target,
            &body,
            params.dry_run,
        )
        .await
        .map_err(internal)
    }
    .await;
    answer(result)
}

/// `POST /import/people`
pub async fn people(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<ImportParams>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Response {
    let result = async {
        let Query(params) = bad_query(params)?;
        let partnership = allowed(
            &state,
            &caller,
            &params,
            PartnershipPermission::ManagePeople,
            "importPeople",
        )
        .await?;
        crate::domain::imports::people::import(
            &state.db,
            &caller.viewer,
            &partnership.slug,
            &body,
            params.dry_run,
        )
        .await
        .map_err(internal)
    }
    .await;
    answer(result)
}

fn bad_query(
    params: Result<Query<ImportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Query<ImportParams>, ApiError> {
    params.map_err(|e| ApiError::BadInput {
        message: e.body_text(),
        field: None,
    })
}

fn internal(err: anyhow::Error) -> ApiError {
    tracing::error!("import failed: {err:#}");
    ApiError::Internal
}

/// The partnership, if the signed-in caller administers it; the refusal is audited.
async fn allowed(
    state: &AppState,
    caller: &Caller,
    params: &ImportParams,
    permission: PartnershipPermission,
    operation: &str,
) -> Result<partnership::Model, ApiError> {
    if caller.viewer.person_id().is_none() {
        return Err(ApiError::Unauthenticated(
            "importing needs a signed-in administrator".into(),
        ));
    }
    let p = partnership::Entity::find()
        .filter(partnership::Column::Slug.eq(params.partnership.trim()))
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound("partnership"))?;
    if !policy::may_in_partnership(&caller.viewer, permission, p.id) {
        audit::record(
            &state.db,
            &caller.viewer,
            caller.purpose.as_deref(),
            Entry {
                operation,
                entity_type: "partnership",
                entity_id: Some(p.id),
                partnership_id: Some(p.id),
                outcome: AuditOutcome::Denied,
                detail: None,
            },
        )
        .await?;
        return Err(ApiError::Forbidden(
            "only the partnership's administrators may import into it".into(),
        ));
    }
    Ok(p)
}

fn answer(result: Result<Report, ApiError>) -> Response {
    match result {
        Ok(report) => {
            let status = if report.problems.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, Json(report_json(&report))).into_response()
        }
        Err(err) => {
            let status = match &err {
                ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
                ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
                ApiError::NotFound(_) => StatusCode::NOT_FOUND,
                ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            };
            error_response(status, err)
        }
    }
}

fn report_json(report: &Report) -> Value {
    let problem = |p: &Problem| json!({ "row": p.row, "column": p.column, "message": p.message });
    let count = |pick: fn(&Outcome) -> bool| report.count(pick);
    json!({
        "dryRun": report.dry_run,
        "written": report.written(),
        "created": count(|o| matches!(o, Outcome::Created)),
        "updated": count(|o| matches!(o, Outcome::Updated(_))),
        "unchanged": count(|o| matches!(o, Outcome::Unchanged)),
        "rows": report.rows.iter().map(|r| {
            let (outcome, fields) = match &r.outcome {
                Outcome::Created => ("created", Vec::new()),
                Outcome::Updated(f) => ("updated", f.clone()),
                Outcome::Unchanged => ("unchanged", Vec::new()),
            };
            json!({ "row": r.row, "outcome": outcome, "what": r.what, "fields": fields })
        }).collect::<Vec<_>>(),
        "problems": report.problems.iter().map(problem).collect::<Vec<_>>(),
        "notes": report.notes.iter().map(problem).collect::<Vec<_>>(),
        "ignoredColumns": report.ignored_columns,
    })
}
