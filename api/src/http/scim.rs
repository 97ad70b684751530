//! SCIM 2.0 (RFC 7643/7644) at `/scim/v2`: how Microsoft Entra ID and other identity providers
//! push joiners, changes and leavers. This module speaks the wire format only; what a request may
//! touch and what it changes is [`Provisioner`]'s (`domain::administration::provisioning`).
//!
//! Every request carries a provisioning token (`Authorization: Bearer csph_scim_…`), never a
//! person's sign-in token; an unknown or revoked one is 401. Only the `User` resource is
//! published, with the attributes a person record keeps (`userName`, `displayName`, `title`,
//! `active`, one e-mail address, `externalId`). Other attributes a provider sends (`name`,
//! `phoneNumbers`, the enterprise extension…) are accepted and not kept, so a provider's default
//! attribute mapping works unchanged. Filters (`filter=userName eq "…"`) are parsed by the
//! `scim_v2` crate and become SQL conditions, so paging and counts stay in the database.

use crate::core::error::ApiError;
use crate::domain::administration::provisioning::{self, Provisioned, Provisioner, USER_SCHEMA};
use crate::http::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use entity::person;
use scim_v2::filter::{AttrPath, Filter, PatchPath};
use scim_v2::models::others::{OperationTarget, PatchOp, PatchOperation};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const MEDIA_TYPE: &str = "application/scim+json";
/// Where the endpoints live, for `meta.location`.
const BASE: &str = "/scim/v2";
/// Longest filter accepted: a provider's lookups are a few terms; a longer one is an attempt to
/// make the database scan.
const MAX_FILTER_LEN: usize = 4_096;
/// Most people in one page of a list or search (published as `filter.maxResults`).
const MAX_RESULTS: u64 = 1_000;
/// The page size when the provider asks for none.
const DEFAULT_COUNT: u64 = 100;

/// The routes under `/scim/v2`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ServiceProviderConfig",
            get(service_provider_config).fallback(not_allowed),
        )
        .route("/ResourceTypes", get(resource_types).fallback(not_allowed))
        .route(
            "/ResourceTypes/{id}",
            get(resource_type).fallback(not_allowed),
        )
        .route("/Schemas", get(schemas).fallback(not_allowed))
        .route("/Schemas/{id}", get(schema).fallback(not_allowed))
        .route("/Users", get(list_users).post(create_user))
        .route("/Users/.search", post(search_users))
        .route("/.search", post(search_users))
        .route(
            "/Users/{id}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .fallback(unknown)
}

/// A SCIM error response (RFC 7644 §3.12).
struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }
    fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }
    fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, None, "no such resource")
    }
}

impl From<ApiError> for ScimError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::BadInput { message, .. } => ScimError::bad("invalidValue", message),
            ApiError::Conflict(message) => {
                ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), message)
            }
            ApiError::NotFound(_) => ScimError::not_found(),
            ApiError::Unauthenticated(message) => {
                ScimError::new(StatusCode::UNAUTHORIZED, None, message)
            }
            ApiError::Forbidden(message) | ApiError::PurposeRequired(message) => {
                ScimError::new(StatusCode::FORBIDDEN, None, message)
            }
            ApiError::Unavailable => ScimError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                ApiError::Unavailable.to_string(),
            ),
            ApiError::Internal => ScimError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "internal server error",
            ),
        }
    }
}

impl From<sea_orm::DbErr> for ScimError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiError::from(e).into()
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        scim_json(self.status, &body)
    }
}

type ScimResult = Result<Response, ScimError>;

fn scim_json(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE))],
        body.to_string(),
    )
        .into_response()
}

/// The provisioner of the request's bearer token; 401 without a valid one.
async fn provisioner(state: &AppState, headers: &HeaderMap) -> Result<Provisioner, ScimError> {
    let unauthorised = || {
        ScimError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "a valid provisioning token is required (Authorization: Bearer …)",
        )
    };
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(unauthorised)?;
    Provisioner::authenticate(&state.db, &state.events, secret)
        .await?
        .ok_or_else(unauthorised)
}

async fn not_allowed(method: Method) -> ScimError {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        format!("{method} is not supported here"),
    )
}

async fn unknown() -> ScimError {
    ScimError::not_found()
}

/// `GET /ServiceProviderConfig`
async fn service_provider_config(State(state): State<AppState>, headers: HeaderMap) -> ScimResult {
    provisioner(&state, &headers).await?;
    let unsupported = json!({"supported": false});
    Ok(scim_json(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_RESULTS},
            "changePassword": unsupported,
            "sort": unsupported,
            "etag": unsupported,
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Provisioning token",
                "description": "A bearer token issued to one identity provider for one \
                    organisation by a partnership administrator (issueProvisioningToken).",
                "primary": true,
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": format!("{BASE}/ServiceProviderConfig"),
            },
        }),
    ))
}

fn user_resource_type() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A member of staff of the token's organisation",
        "schema": USER_SCHEMA,
        "meta": {"resourceType": "ResourceType", "location": format!("{BASE}/ResourceTypes/User")},
    })
}

fn list_of(resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": resources.len(),
        "itemsPerPage": resources.len(),
        "startIndex": 1,
        "Resources": resources,
    })
}

/// `GET /ResourceTypes`
async fn resource_types(State(state): State<AppState>, headers: HeaderMap) -> ScimResult {
    provisioner(&state, &headers).await?;
    Ok(scim_json(
        StatusCode::OK,
        &list_of(vec![user_resource_type()]),
    ))
}

/// `GET /ResourceTypes/{id}`
async fn resource_type(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ScimResult {
    provisioner(&state, &headers).await?;
    if id != "User" {
        return Err(ScimError::not_found());
    }
    Ok(scim_json(StatusCode::OK, &user_resource_type()))
}

/// One published attribute of the User schema (RFC 7643 §7).
fn attribute(name: &str, kind: &str, required: bool, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": if name == "userName" { "server" } else { "none" },
    })
}

/// The User schema as published: only what a person record keeps.
fn user_schema() -> Value {
    let mut emails = attribute(
        "emails",
        "complex",
        false,
        "Their e-mail address (one is kept).",
    );
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([attribute("value", "string", false, "The address.")]);
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A member of staff of the token's organisation",
        "attributes": [
            attribute("userName", "string", true,
                "The identifier they sign in with at the provider (their tokens' sub claim)."),
            attribute("displayName", "string", true, "Their name, as papers and minutes show it."),
            attribute("title", "string", false, "Their job title."),
            attribute("active", "boolean", true,
                "false ends their access on their next request."),
            emails,
        ],
        "meta": {"resourceType": "Schema", "location": format!("{BASE}/Schemas/{USER_SCHEMA}")},
    })
}

/// `GET /Schemas`
async fn schemas(State(state): State<AppState>, headers: HeaderMap) -> ScimResult {
    provisioner(&state, &headers).await?;
    Ok(scim_json(StatusCode::OK, &list_of(vec![user_schema()])))
}

/// `GET /Schemas/{id}`
async fn schema(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ScimResult {
    provisioner(&state, &headers).await?;
    if id != USER_SCHEMA {
        return Err(ScimError::not_found());
    }
    Ok(scim_json(StatusCode::OK, &user_schema()))
}

/// A person as a SCIM User.
fn user_json(p: &person::Model) -> Value {
    let mut user = Map::new();
    user.insert("schemas".into(), json!([USER_SCHEMA]));
    user.insert("id".into(), json!(p.id.to_string()));
    if let Some(external_id) = &p.external_id {
        user.insert("externalId".into(), json!(external_id));
    }
    user.insert("userName".into(), json!(p.subject));
    user.insert("displayName".into(), json!(p.name));
    if let Some(title) = &p.post_title {
        user.insert("title".into(), json!(title));
    }
    user.insert("active".into(), json!(p.active));
    if let Some(email) = &p.email {
        user.insert("emails".into(), json!([{ "value": email }]));
    }
    user.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": p.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "lastModified": p.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "location": format!("{BASE}/Users/{}", p.id),
        }),
    );
    Value::Object(user)
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), comma-separated or as lists.
#[derive(Default, Clone)]
struct Projection {
    attributes: Vec<String>,
    excluded: Vec<String>,
}

impl Projection {
    fn from_lists(attributes: Option<Vec<String>>, excluded: Option<Vec<String>>) -> Self {
        let names = |list: Option<Vec<String>>| {
            list.unwrap_or_default()
                .iter()
                .flat_map(|s| s.split(','))
                .map(top_level_name)
                .filter(|s| !s.is_empty())
                .collect()
        };
        Projection {
            attributes: names(attributes),
            excluded: names(excluded),
        }
    }

    /// The user as asked for: `id` and `schemas` are always returned, whatever was excluded.
    fn apply(&self, user: Value) -> Value {
        let Value::Object(map) = user else {
            return user;
        };
        let always = |key: &str| key == "id" || key == "schemas";
        let kept = map
            .into_iter()
            .filter(|(key, _)| {
                let key = key.to_ascii_lowercase();
                if always(&key) {
                    return true;
                }
                if !self.attributes.is_empty() {
                    return self.attributes.contains(&key);
                }
                !self.excluded.contains(&key)
            })
            .collect();
        Value::Object(kept)
    }
}

/// `urn:…:User:emails.value` → `emails`, lower-cased (attribute names are case-insensitive).
fn top_level_name(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix(USER_SCHEMA)
        .map(|rest| rest.trim_start_matches(':'))
        .unwrap_or(name);
    name.split('.').next().unwrap_or("").to_ascii_lowercase()
}

/// The query string of a read or list.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ListParams {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

impl ListParams {
    fn projection(&self) -> Projection {
        Projection::from_lists(
            self.attributes.clone().map(|a| vec![a]),
            self.excluded_attributes.clone().map(|a| vec![a]),
        )
    }
}

fn query<T: Default>(
    params: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ScimError> {
    params
        .map(|Query(p)| p)
        .map_err(|e| ScimError::bad("invalidValue", format!("bad query string: {e}")))
}

/// `GET /Users`
async fn list_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    let params = query(params)?;
    let page = Page {
        filter: params.filter.clone(),
        start_index: params.start_index,
        count: params.count,
        projection: params.projection(),
    };
    list(&scim, page).await
}

/// `POST /.search` and `POST /Users/.search` (RFC 7644 §3.4.3).
async fn search_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SearchRequest {
        schemas: Vec<String>,
        filter: Option<String>,
        start_index: Option<i64>,
        count: Option<i64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
    }
    let request: SearchRequest = serde_json::from_slice(&body)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("not a SearchRequest: {e}")))?;
    if !request.schemas.iter().any(|s| s == SEARCH_SCHEMA) {
        return Err(ScimError::bad(
            "invalidSyntax",
            format!("`schemas` must contain {SEARCH_SCHEMA}"),
        ));
    }
    let page = Page {
        filter: request.filter,
        start_index: request.start_index,
        count: request.count,
        projection: Projection::from_lists(request.attributes, request.excluded_attributes),
    };
    list(&scim, page).await
}

/// What a list or a search asks for, however it was sent.
struct Page {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    projection: Projection,
}

async fn list(scim: &Provisioner, asked: Page) -> ScimResult {
    let Page {
        filter,
        start_index,
        count,
        projection,
    } = asked;
    let condition = match filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => sea_orm::Condition::all(),
        Some(text) if text.len() > MAX_FILTER_LEN => {
            return Err(ScimError::bad(
                "invalidFilter",
                format!("a filter may be at most {MAX_FILTER_LEN} characters"),
            ))
        }
        Some(text) => {
            let parsed: Filter = text
                .parse()
                .map_err(|e| ScimError::bad("invalidFilter", format!("{e}")))?;
            provisioning::condition(&parsed).map_err(|e| ScimError::bad("invalidFilter", e))?
        }
    };
    // RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
    let start = start_index.unwrap_or(1).max(1) as u64;
    let count = (count.unwrap_or(DEFAULT_COUNT as i64).max(0) as u64).min(MAX_RESULTS);
    let page = scim.list(condition, start - 1, count).await?;
    let resources: Vec<Value> = page
        .people
        .iter()
        .map(|p| projection.apply(user_json(p)))
        .collect();
    Ok(scim_json(
        StatusCode::OK,
        &json!({
            "schemas": [LIST_SCHEMA],
            "totalResults": page.total,
            "itemsPerPage": resources.len(),
            "startIndex": start,
            "Resources": resources,
        }),
    ))
}

fn person_id(id: &str) -> Result<Uuid, ScimError> {
    Uuid::parse_str(id).map_err(|_| ScimError::not_found())
}

/// `GET /Users/{id}`
async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    let params = query(params)?;
    let person = scim
        .get(person_id(&id)?)
        .await?
        .ok_or_else(ScimError::not_found)?;
    Ok(scim_json(
        StatusCode::OK,
        &params.projection().apply(user_json(&person)),
    ))
}

/// `POST /Users`: 201 with the new user and its `Location`.
async fn create_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    let sent = from_body(&body)?;
    let created = scim
        .create(Provisioned {
            active: sent.active.unwrap_or(true),
            ..sent.fields
        })
        .await?;
    let mut response = scim_json(StatusCode::CREATED, &user_json(&created));
    if let Ok(location) = HeaderValue::from_str(&format!("{BASE}/Users/{}", created.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `PUT /Users/{id}`: every attribute as sent; those left out are cleared.
async fn replace_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    let id = person_id(&id)?;
    let sent = from_body(&body)?;
    // A PUT that leaves `active` out keeps it (RFC 7644 §3.5.1): a provider's routine resend
    // must never turn a leaver back on.
    let after = scim
        .update(id, |current| {
            Ok::<_, ScimError>(Provisioned {
                active: sent.active.unwrap_or(current.active),
                ..sent.fields
            })
        })
        .await?;
    Ok(scim_json(StatusCode::OK, &user_json(&after)))
}

/// `PATCH /Users/{id}` (RFC 7644 §3.5.2): the operations are applied in order to the stored
/// user, then saved at once, so a request with one bad operation changes nothing.
async fn patch_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    let id = person_id(&id)?;
    let patch: PatchOp = serde_json::from_slice(&body)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("not a PatchOp: {e}")))?;
    if !patch.schemas.iter().any(|s| s == PATCH_SCHEMA) {
        return Err(ScimError::bad(
            "invalidSyntax",
            format!("`schemas` must contain {PATCH_SCHEMA}"),
        ));
    }
    let after = scim
        .update(id, |mut fields| {
            for operation in &patch.operations {
                apply(&mut fields, operation)?;
            }
            Ok::<_, ScimError>(fields)
        })
        .await?;
    Ok(scim_json(StatusCode::OK, &user_json(&after)))
}

/// `DELETE /Users/{id}`: 204; the person stays, inactive, as the author of their history.
async fn delete_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ScimResult {
    let scim = provisioner(&state, &headers).await?;
    if scim.remove(person_id(&id)?).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ScimError::not_found())
    }
}

/// What a POST or PUT sent: the attributes, and `active` only if it was there.
struct Sent {
    fields: Provisioned,
    active: Option<bool>,
}

/// The body of a POST or PUT. Attribute names are case-insensitive (RFC 7643 §2.1); attributes
/// outside the published schema are ignored.
fn from_body(body: &[u8]) -> Result<Sent, ScimError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("not JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ScimError::bad(
            "invalidSyntax",
            "the body must be a JSON object",
        ));
    };
    let attrs: Map<String, Value> = object
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    if let Some(schemas) = attrs.get("schemas") {
        let listed = schemas
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s.as_str() == Some(USER_SCHEMA)));
        if !listed {
            return Err(ScimError::bad(
                "invalidSyntax",
                format!("`schemas` must contain {USER_SCHEMA}"),
            ));
        }
    }
    let user_name = optional_string(&attrs, "username")?
        .ok_or_else(|| ScimError::bad("invalidValue", "`userName` is required"))?;
    // Providers that send no displayName usually send the parts of `name`.
    let display_name = match optional_string(&attrs, "displayname")? {
        Some(name) => Some(name),
        None => name_from_parts(attrs.get("name")),
    };
    Ok(Sent {
        fields: Provisioned {
            user_name,
            display_name,
            title: optional_string(&attrs, "title")?,
            email: email_of(attrs.get("emails"))?,
            external_id: optional_string(&attrs, "externalid")?,
            active: true,
        },
        active: match attrs.get("active") {
            None | Some(Value::Null) => None,
            Some(v) => Some(boolean(v, "active")?),
        },
    })
}

fn optional_string(attrs: &Map<String, Value>, key: &str) -> Result<Option<String>, ScimError> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::bad(
            "invalidValue",
            format!("`{key}` must be a string"),
        )),
    }
}

fn name_from_parts(name: Option<&Value>) -> Option<String> {
    let name = name?.as_object()?;
    let part = |key: &str| {
        name.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if let Some(formatted) = part("formatted") {
        return Some(formatted.to_string());
    }
    let parts: Vec<&str> = [part("givenName"), part("familyName")]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A boolean, also from the strings "True"/"False" some providers send in PATCH values.
fn boolean(value: &Value, attribute: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::bad(
            "invalidValue",
            format!("`{attribute}` must be true or false"),
        )),
    }
}

/// The one address kept from `emails`: the primary one, else the first.
fn email_of(emails: Option<&Value>) -> Result<Option<String>, ScimError> {
    let list = match emails {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(list)) => list.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        Some(Value::String(s)) => return Ok(Some(s.clone())),
        Some(_) => {
            return Err(ScimError::bad(
                "invalidValue",
                "`emails` must be a list of {\"value\": …}",
            ))
        }
    };
    let value_of = |item: &Value| {
        item.as_object().and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("value"))
                .and_then(|(_, v)| v.as_str().map(str::to_string))
        })
    };
    let primary = list.iter().find(|item| {
        item.get("primary")
            .is_some_and(|p| p == &Value::Bool(true) || p == "True" || p == "true")
    });
    Ok(primary.or(list.first()).and_then(value_of))
}

/// Applies one PATCH operation to `fields`.
fn apply(fields: &mut Provisioned, operation: &PatchOperation) -> Result<(), ScimError> {
    match operation {
        PatchOperation::Add(target) | PatchOperation::Replace(target) => match target {
            OperationTarget::WithPath { path, value } => {
                let value = value.clone().ok_or_else(|| {
                    ScimError::bad("invalidValue", "the operation needs a `value`")
                })?;
                set(fields, path, Some(value))
            }
            // No path: the value is an object of attributes, each set as if it were the path.
            OperationTarget::WithoutPath { value } => {
                for (key, value) in value {
                    let path: PatchPath = key
                        .parse()
                        .map_err(|e| ScimError::bad("invalidPath", format!("`{key}`: {e}")))?;
                    set(fields, &path, Some(value.clone()))?;
                }
                Ok(())
            }
        },
        PatchOperation::Remove { path, .. } => set(fields, path, None),
    }
}

/// Sets (or, with `None`, removes) the attribute at `path`.
fn set(fields: &mut Provisioned, path: &PatchPath, value: Option<Value>) -> Result<(), ScimError> {
    let (attr, sub): (&AttrPath, Option<&str>) = match path {
        PatchPath::Attr(attr) => (attr, attr.sub_attr.as_deref()),
        // `emails[type eq "work"].value`: the one address kept is every address.
        PatchPath::Value(vp) => (&vp.attr, vp.sub_attr.as_deref()),
    };
    if let Some(uri) = &attr.uri {
        if uri != USER_SCHEMA {
            return Ok(()); // an extension's attribute (enterprise User…): not kept
        }
    }
    let name = attr.name.to_ascii_lowercase();
    let text = |value: Option<Value>, attribute: &str| -> Result<Option<String>, ScimError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ScimError::bad(
                "invalidValue",
                format!("`{attribute}` must be a string"),
            )),
        }
    };
    let required = |attribute: &str| {
        ScimError::bad(
            "mutability",
            format!("`{attribute}` is required and cannot be removed"),
        )
    };
    match (name.as_str(), sub) {
        ("username", None) => {
            fields.user_name = text(value, "userName")?.ok_or_else(|| required("userName"))?;
        }
        ("displayname", None) => {
            fields.display_name =
                Some(text(value, "displayName")?.ok_or_else(|| required("displayName"))?);
        }
        ("title", None) => fields.title = text(value, "title")?,
        ("externalid", None) => fields.external_id = text(value, "externalId")?,
        ("active", None) => {
            let value = value.ok_or_else(|| required("active"))?;
            fields.active = boolean(&value, "active")?;
        }
        ("emails", None) => fields.email = email_of(value.as_ref())?,
        ("emails", Some(s)) if s.eq_ignore_ascii_case("value") => {
            fields.email = text(value, "emails.value")?;
        }
        ("name", _) => {
            // Kept only as the display name, when the provider sends no displayName.
        }
        _ => {} // a core attribute this service does not keep (phoneNumbers, locale…)
    }
    Ok(())
}
