//! Provisioning by the partners' identity providers (SCIM 2.0, RFC 7643/7644): administrators
//! issue a token to one provider for one organisation, and the provider creates, changes,
//! deactivates and removes that organisation's people with it (`http::scim` speaks the wire
//! format and calls [`Provisioner`]).
//!
//! Why a token per provider and organisation: Microsoft Entra ID and the others push joiners and
//! leavers with a long-lived bearer secret, not a person's sign-in. Scoping the secret to one
//! organisation and one issuer means a police force's directory can never touch the council's
//! staff, nor sign anyone in through another provider. Only the SHA-256 of the secret is kept.
//!
//! Deleting never destroys history: a removed person becomes inactive and stays the author of
//! what they wrote; to the provider they are gone.

use crate::core::audit::{self, Entry, Outcome};
use crate::core::auth::Viewer;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::EventBus;
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use crate::core::secrets;
use crate::core::validate;
use async_graphql::{InputObject, ID};
use chrono::Utc;
use entity::{organisation_partnership, person, provisioning_token};
use scim_v2::filter::{AttrExp, AttrPath, CompValue, CompareOp, Filter, ValFilter};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// What every secret starts with, so a leaked one is recognisable in logs and secret scanners.
const SECRET_PREFIX: &str = "csph_scim_";

/// A token for one identity provider to provision one organisation's people.
#[derive(InputObject)]
pub struct IssueProvisioningTokenInput {
    /// The partnership whose administrators answer for it (the organisation must serve it).
    pub partnership_id: ID,
    pub organisation_id: ID,
    /// The issuer URL of the provider whose sign-in tokens the provisioned people will carry.
    pub issuer: String,
    /// What administrators call it ("Met Police Entra ID").
    pub label: String,
}

/// A token just issued, with its secret: shown this once, never stored.
pub struct Issued {
    pub token: provisioning_token::Model,
    pub secret: String,
}

/// Issues a provisioning token (administrators of the partnership, which the organisation must
/// serve). Audited; the secret is in the answer only.
pub async fn issue_provisioning_token(
    rc: &RequestContext,
    input: IssueProvisioningTokenInput,
) -> ApiResult<Issued> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let organisation_id =
        ids::decode(&input.organisation_id, Kind::Organisation, "organisationId")?;
    let label = validate::text("label", &input.label, 200)?;
    let issuer = validate::text("issuer", &input.issuer, 500)?;
    if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
        return Err(ApiError::bad_input(
            "issuer",
            "`issuer` must be the provider's issuer URL",
        ));
    }
    guard::load_for_write::<entity::partnership::Entity>(rc, partnership_id, "partnership").await?;
    guard::require(
        rc,
        policy::may_in_partnership(
            &rc.viewer,
            PartnershipPermission::ManagePeople,
            partnership_id,
        ),
        Target::new(
            "issueProvisioningToken",
            "organisation",
            organisation_id,
            partnership_id,
        ),
        "only an administrator of the partnership may issue provisioning tokens",
    )
    .await?;
    let serves = organisation_partnership::Entity::find()
        .filter(organisation_partnership::Column::OrganisationId.eq(organisation_id))
        .filter(organisation_partnership::Column::PartnershipId.eq(partnership_id))
        .count(&rc.db)
        .await?;
    if serves == 0 {
        return Err(ApiError::bad_input(
            "organisationId",
            "the organisation does not serve this partnership",
        ));
    }
    let secret = secrets::issue(SECRET_PREFIX);
    let now = Utc::now();
    let creator = rc
        .viewer
        .person_id()
        .ok_or_else(|| ApiError::Unauthenticated("sign in first".into()))?;
    let txn = begin_write(&rc.db).await?;
    let token = provisioning_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(organisation_id),
        partnership_id: Set(partnership_id),
        created_by: Set(creator),
        label: Set(label),
        issuer: Set(issuer),
        secret_digest: Set(secrets::digest(&secret)),
        revoked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let detail = audit::changes(
        &Value::Null,
        &json!({"label": token.label, "issuer": token.issuer, "organisationId": organisation_id}),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "issueProvisioningToken",
        ("provisioning_token", token.id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(Issued { token, secret })
}

/// Revokes a provisioning token at once (administrators of its partnership): the provider's next
/// request is refused. The people it provisioned are untouched.
pub async fn revoke_provisioning_token(
    rc: &RequestContext,
    token_id: ID,
) -> ApiResult<provisioning_token::Model> {
    let id = ids::decode(&token_id, Kind::ProvisioningToken, "tokenId")?;
    let before =
        guard::load_for_write::<provisioning_token::Entity>(rc, id, "provisioning token").await?;
    guard::require(
        rc,
        policy::may_in_partnership(
            &rc.viewer,
            PartnershipPermission::ManagePeople,
            before.partnership_id,
        ),
        Target::new(
            "revokeProvisioningToken",
            "provisioning_token",
            id,
            before.partnership_id,
        ),
        "only an administrator of the partnership may revoke provisioning tokens",
    )
    .await?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let after = provisioning_token::ActiveModel {
        id: Set(id),
        revoked_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let detail = audit::changes(&json!({"revokedAt": null}), &json!({"revokedAt": now}));
    audit::allowed_with_detail(
        &txn,
        rc,
        "revokeProvisioningToken",
        ("provisioning_token", id, before.partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// A person as a provider provisions them: the attributes of the published SCIM User schema that
/// a person record keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Provisioned {
    /// The identifier they sign in with at the provider (their tokens' `sub`).
    pub user_name: String,
    /// Their name as shown everywhere; the user name when the provider sends none.
    pub display_name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub active: bool,
}

/// What a provisioning request may touch: the people of one organisation who sign in with one
/// provider, and who have not been removed.
pub struct Provisioner {
    token: provisioning_token::Model,
    db: DatabaseConnection,
    events: EventBus,
}

/// A page of provisioned people and how many match in all.
pub struct Page {
    pub total: u64,
    pub people: Vec<person::Model>,
}

impl Provisioner {
    /// The provisioner of a secret, or `None` for an unknown or revoked one (the caller cannot
    /// tell which: both are 401).
    pub async fn authenticate(
        db: &DatabaseConnection,
        events: &EventBus,
        secret: &str,
    ) -> ApiResult<Option<Provisioner>> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(None);
        }
        let token = provisioning_token::Entity::find()
            .filter(provisioning_token::Column::SecretDigest.eq(secrets::digest(secret)))
            .filter(provisioning_token::Column::RevokedAt.is_null())
            .one(db)
            .await?;
        Ok(token.map(|token| Provisioner {
            token,
            db: db.clone(),
            events: events.clone(),
        }))
    }

    fn scope(&self) -> Condition {
        Condition::all()
            .add(person::Column::OrganisationId.eq(self.token.organisation_id))
            .add(person::Column::IdentityIssuer.eq(self.token.issuer.as_str()))
            .add(person::Column::RemovedAt.is_null())
    }

    /// A person this provider manages.
    pub async fn get(&self, id: Uuid) -> ApiResult<Option<person::Model>> {
        Ok(person::Entity::find_by_id(id)
            .filter(self.scope())
            .one(&self.db)
            .await?)
    }

    /// The people this provider manages that match `filter`, oldest first, `count` from the
    /// `start`th (0-based).
    pub async fn list(&self, filter: Condition, start: u64, count: u64) -> ApiResult<Page> {
        let query = person::Entity::find().filter(self.scope()).filter(filter);
        let total = query.clone().count(&self.db).await?;
        let people = if count == 0 {
            Vec::new()
        } else {
            query
                .order_by_asc(person::Column::CreatedAt)
                .order_by_asc(person::Column::Id)
                .offset(start)
                .limit(count)
                .all(&self.db)
                .await?
        };
        Ok(Page { total, people })
    }

    /// Creates a person in the token's organisation, signing in with its provider. A user name
    /// already in use anywhere is CONFLICT (SCIM `uniqueness`).
    pub async fn create(&self, fields: Provisioned) -> ApiResult<person::Model> {
        let fields = check(fields)?;
        let now = Utc::now();
        let txn = begin_write(&self.db).await?;
        user_name_free(&txn, &fields.user_name, None).await?;
        let created = person::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_id: Set(self.token.organisation_id),
            name: Set(display_name(&fields)),
            post_title: Set(fields.title.clone()),
            initials: Set(None),
            email: Set(fields.email.clone()),
            subject: Set(Some(fields.user_name.clone())),
            identity_issuer: Set(Some(self.token.issuer.clone())),
            active: Set(fields.active),
            organisation_editor: Set(false),
            external_id: Set(fields.external_id.clone()),
            removed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(taken)?;
        self.audit(&txn, "scimCreateUser", created.id, (None, &created))
            .await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Changes a person's provisioned attributes (PUT and PATCH): `change` is given the stored
    /// attributes and returns the new ones. The read, the change and the write happen in one
    /// transaction holding the row (FOR UPDATE on PostgreSQL; SQLite's writers are serialised),
    /// so two changes at once cannot undo each other (a title change racing a deactivation never
    /// turns the leaver back on). Deactivating ends their access on their next request and their
    /// open subscriptions at once. Unchanged attributes write nothing.
    pub async fn update<E: From<ApiError>>(
        &self,
        id: Uuid,
        change: impl FnOnce(Provisioned) -> Result<Provisioned, E>,
    ) -> Result<person::Model, E> {
        let txn = begin_write(&self.db).await.map_err(ApiError::from)?;
        let before = person::Entity::find_by_id(id)
            .filter(self.scope())
            .lock_exclusive()
            .one(&txn)
            .await
            .map_err(ApiError::from)?
            .ok_or(ApiError::NotFound("person"))?;
        let current = Provisioned::of(&before);
        let fields = check(change(current.clone())?)?;
        if fields == current {
            return Ok(before);
        }
        if fields.user_name != current.user_name {
            may_rename(&txn, &before).await?;
            user_name_free(&txn, &fields.user_name, Some(id)).await?;
        }
        let after = person::ActiveModel {
            id: Set(id),
            name: Set(display_name(&fields)),
            post_title: Set(fields.title.clone()),
            email: Set(fields.email.clone()),
            subject: Set(Some(fields.user_name.clone())),
            external_id: Set(fields.external_id.clone()),
            active: Set(fields.active),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(taken)?;
        self.audit(&txn, "scimReplaceUser", id, (&before, &after))
            .await?;
        let access_changed = before.active != after.active || before.subject != after.subject;
        if access_changed {
            self.events
                .publish_access_in(&txn, id)
                .await
                .map_err(ApiError::from)?;
        }
        txn.commit().await.map_err(ApiError::from)?;
        if access_changed {
            self.events.access_changed(id);
        }
        Ok(after)
    }

    /// Removes a person: inactive at once, kept as the author of their history, and no longer
    /// seen by the provider. `false` when there is no such person to remove.
    pub async fn remove(&self, id: Uuid) -> ApiResult<bool> {
        let txn = begin_write(&self.db).await?;
        let Some(before) = person::Entity::find_by_id(id)
            .filter(self.scope())
            .lock_exclusive()
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let now = Utc::now();
        let after = person::ActiveModel {
            id: Set(id),
            active: Set(false),
            removed_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        self.audit(&txn, "scimDeleteUser", id, (&before, &after))
            .await?;
        self.events.publish_access_in(&txn, id).await?;
        txn.commit().await?;
        self.events.access_changed(id);
        Ok(true)
    }

    /// The audit row of a change: the changed values before and after, and the token that made
    /// it (by id, in the detail, so the row names its actor whatever the token's label says).
    async fn audit<'a>(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        operation: &str,
        person: Uuid,
        (before, after): (impl Into<Option<&'a person::Model>>, &person::Model),
    ) -> ApiResult<()> {
        let before = before.into().map(values).unwrap_or(Value::Null);
        let mut detail: Value =
            serde_json::from_str(&audit::changes(&before, &values(after))).unwrap_or(Value::Null);
        detail["provisioningTokenId"] = json!(self.token.id);
        let detail = detail.to_string();
        let by = format!("SCIM provisioning: {}", self.token.label);
        audit::record(
            txn,
            &Viewer::anonymous(),
            Some(&by),
            Entry {
                operation,
                entity_type: "person",
                entity_id: Some(person),
                partnership_id: Some(self.token.partnership_id),
                outcome: Outcome::Allowed,
                detail: Some(detail),
            },
        )
        .await
    }
}

impl Provisioned {
    /// A person's stored attributes as SCIM sees them.
    pub fn of(p: &person::Model) -> Provisioned {
        Provisioned {
            user_name: p.subject.clone().unwrap_or_default(),
            display_name: Some(p.name.clone()),
            title: p.post_title.clone(),
            email: p.email.clone(),
            external_id: p.external_id.clone(),
            active: p.active,
        }
    }
}

/// CONFLICT when someone else already signs in with `user_name` (case aside: providers treat
/// user names as case-insensitive, RFC 7643 §4.1.1).
async fn user_name_free<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_name: &str,
    except: Option<Uuid>,
) -> ApiResult<()> {
    let mut query =
        person::Entity::find().filter(lower(person::Column::Subject).eq(user_name.to_lowercase()));
    if let Some(id) = except {
        query = query.filter(person::Column::Id.ne(id));
    }
    if query.count(db).await? > 0 {
        return Err(ApiError::Conflict(
            "another person already signs in with this userName".into(),
        ));
    }
    Ok(())
}

/// FORBIDDEN to rename (change the sign-in identity of) a partnership administrator or anyone
/// holding a clearance: a provider's long-lived token must not be a way to take over the rights
/// that matter most. Their administrators can still change it (`updatePerson`).
async fn may_rename<C: sea_orm::ConnectionTrait>(db: &C, p: &person::Model) -> ApiResult<()> {
    use entity::{clearance, partnership_administrator};
    let administers = partnership_administrator::Entity::find()
        .filter(partnership_administrator::Column::PersonId.eq(p.id))
        .count(db)
        .await?;
    let cleared = clearance::Entity::find()
        .filter(clearance::Column::PersonId.eq(p.id))
        .filter(clearance::Column::Status.eq(entity::enums::ClearanceStatus::Approved))
        .filter(clearance::Column::ExpiresAt.gt(Utc::now()))
        .count(db)
        .await?;
    if administers + cleared > 0 {
        return Err(ApiError::Forbidden(
            "the userName of a partnership administrator or a cleared person cannot be changed \
             over SCIM; ask a partnership administrator"
                .into(),
        ));
    }
    Ok(())
}

fn check(fields: Provisioned) -> ApiResult<Provisioned> {
    let email = validate::optional_text("emails", fields.email.as_deref(), 254)?;
    if let Some(address) = &email {
        if !fast_chemail::is_valid_email(address) {
            return Err(ApiError::bad_input("emails", "not an email address"));
        }
    }
    Ok(Provisioned {
        user_name: validate::text("userName", &fields.user_name, 255)?,
        display_name: validate::optional_text("displayName", fields.display_name.as_deref(), 200)?,
        title: validate::optional_text("title", fields.title.as_deref(), 200)?,
        email,
        external_id: validate::optional_text("externalId", fields.external_id.as_deref(), 200)?,
        active: fields.active,
    })
}

fn display_name(fields: &Provisioned) -> String {
    fields
        .display_name
        .clone()
        .unwrap_or_else(|| fields.user_name.clone())
}

fn taken(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict("another person already signs in with this userName".into())
        }
        _ => e.into(),
    }
}

fn values(p: &person::Model) -> Value {
    json!({
        "name": p.name,
        "postTitle": p.post_title,
        "email": p.email,
        "subject": p.subject,
        "externalId": p.external_id,
        "active": p.active,
        "removedAt": p.removed_at,
    })
}

/// A partnership's provisioning tokens, newest first (its administrators; nobody else sees any).
pub async fn provisioning_tokens(
    rc: &RequestContext,
    partnership_id: ID,
) -> ApiResult<Vec<provisioning_token::Model>> {
    let partnership_id = ids::decode(&partnership_id, Kind::Partnership, "partnershipId")?;
    Ok(
        crate::core::access::visible::<provisioning_token::Entity>(&rc.viewer)
            .filter(provisioning_token::Column::PartnershipId.eq(partnership_id))
            .order_by_desc(provisioning_token::Column::CreatedAt)
            .all(&rc.db)
            .await?,
    )
}

/// `LOWER(column)`: user names, display names and e-mail addresses compare without regard to case
/// (RFC 7643 §4.1: `caseExact` is false for each), alike on SQLite and PostgreSQL.
fn lower(column: person::Column) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col((person::Entity, column))))
}

/// The published attributes a filter may name, and the columns that hold them.
#[derive(Clone, Copy)]
enum Filterable {
    Id,
    Text(person::Column),
    Active,
}

fn filterable(path: &AttrPath) -> Result<Filterable, String> {
    let named = |name: &str| path.name.eq_ignore_ascii_case(name);
    if let Some(uri) = &path.uri {
        if uri != USER_SCHEMA {
            return Err(format!("unknown schema `{uri}`"));
        }
    }
    let sub = path.sub_attr.as_deref();
    Ok(match sub {
        None if named("id") => Filterable::Id,
        None if named("userName") => Filterable::Text(person::Column::Subject),
        None if named("displayName") => Filterable::Text(person::Column::Name),
        None if named("title") => Filterable::Text(person::Column::PostTitle),
        None if named("externalId") => Filterable::Text(person::Column::ExternalId),
        None if named("active") => Filterable::Active,
        None if named("emails") => Filterable::Text(person::Column::Email),
        Some(s) if named("emails") && s.eq_ignore_ascii_case("value") => {
            Filterable::Text(person::Column::Email)
        }
        _ => return Err(format!("`{path}` cannot be filtered on")),
    })
}

/// The SCIM User schema's URN.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// A SCIM filter (RFC 7644 §3.4.2.2, parsed by `scim_v2`) as a condition on people. Attributes
/// outside the published schema, and comparisons that make no sense for an attribute's type,
/// are refused with the reason (SCIM `invalidFilter`).
pub fn condition(filter: &Filter) -> Result<Condition, String> {
    Ok(match filter {
        Filter::Attr(exp) => attr_condition(exp, None)?,
        Filter::ValuePath(vp) => {
            if !vp.attr.name.eq_ignore_ascii_case("emails") || vp.attr.sub_attr.is_some() {
                return Err(format!("`{}` is not a multi-valued attribute", vp.attr));
            }
            val_condition(&vp.filter)?
        }
        Filter::Not(inner) => condition(inner)?.not(),
        Filter::And(operands) => combine(Condition::all(), operands.as_slice(), condition)?,
        Filter::Or(operands) => combine(Condition::any(), operands.as_slice(), condition)?,
    })
}

/// `operands`' conditions, joined by `start` (`all` for and, `any` for or).
fn combine<T>(
    start: Condition,
    operands: &[T],
    each: fn(&T) -> Result<Condition, String>,
) -> Result<Condition, String> {
    operands.iter().try_fold(start, |c, f| Ok(c.add(each(f)?)))
}

/// The inner filter of `emails[...]`: only its `value` can be named.
fn val_condition(filter: &ValFilter) -> Result<Condition, String> {
    Ok(match filter {
        ValFilter::Attr(exp) => attr_condition(exp, Some("emails"))?,
        ValFilter::Not(inner) => val_condition(inner)?.not(),
        ValFilter::And(operands) => combine(Condition::all(), operands.as_slice(), val_condition)?,
        ValFilter::Or(operands) => combine(Condition::any(), operands.as_slice(), val_condition)?,
    })
}

fn attr_condition(exp: &AttrExp, within: Option<&str>) -> Result<Condition, String> {
    let resolve = |path: &AttrPath| match within {
        None => filterable(path),
        Some(parent) => filterable(&AttrPath::with_sub_attr(parent, path.name.clone())),
    };
    Ok(match exp {
        AttrExp::Present(path) => match resolve(path)? {
            Filterable::Id | Filterable::Active => Condition::all(),
            Filterable::Text(column) => Condition::all()
                .add(Expr::col((person::Entity, column)).is_not_null())
                .add(Expr::col((person::Entity, column)).ne("")),
        },
        AttrExp::Comparison(path, op, value) => match (resolve(path)?, value) {
            (Filterable::Id, CompValue::Str(text)) => {
                let Ok(id) = Uuid::parse_str(text) else {
                    // No person has an id that is not a UUID.
                    return Ok(Condition::all()
                        .add(Expr::val(1).eq(0))
                        .negate_if(*op == CompareOp::Ne));
                };
                match op {
                    CompareOp::Eq => Condition::all().add(person::Column::Id.eq(id)),
                    CompareOp::Ne => Condition::all().add(person::Column::Id.ne(id)),
                    _ => return Err(format!("`id` supports only eq and ne, not {op}")),
                }
            }
            (Filterable::Active, CompValue::True | CompValue::False) => {
                let wanted = matches!(value, CompValue::True);
                match op {
                    CompareOp::Eq => Condition::all().add(person::Column::Active.eq(wanted)),
                    CompareOp::Ne => Condition::all().add(person::Column::Active.ne(wanted)),
                    _ => return Err(format!("`active` supports only eq and ne, not {op}")),
                }
            }
            (Filterable::Text(column), CompValue::Str(text)) => {
                let text = text.to_lowercase();
                let escaped = text
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let like =
                    |pattern: String| lower(column).like(LikeExpr::new(pattern).escape('\\'));
                let expr = match op {
                    CompareOp::Eq => lower(column).eq(text),
                    CompareOp::Ne => lower(column).ne(text),
                    CompareOp::Co => like(format!("%{escaped}%")),
                    CompareOp::Sw => like(format!("{escaped}%")),
                    CompareOp::Ew => like(format!("%{escaped}")),
                    CompareOp::Gt => lower(column).gt(text),
                    CompareOp::Ge => lower(column).gte(text),
                    CompareOp::Lt => lower(column).lt(text),
                    CompareOp::Le => lower(column).lte(text),
                };
                Condition::all().add(expr)
            }
            (Filterable::Text(column), CompValue::Null) => match op {
                CompareOp::Eq => {
                    Condition::all().add(Expr::col((person::Entity, column)).is_null())
                }
                CompareOp::Ne => {
                    Condition::all().add(Expr::col((person::Entity, column)).is_not_null())
                }
                _ => return Err(format!("null can only be compared with eq or ne, not {op}")),
            },
            _ => return Err(format!("`{path}` cannot be compared with {value}")),
        },
    })
}

trait NegateIf {
    fn negate_if(self, negate: bool) -> Self;
}

impl NegateIf for Condition {
    fn negate_if(self, negate: bool) -> Self {
        if negate {
            self.not()
        } else {
            self
        }
    }
}
