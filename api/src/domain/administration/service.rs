//! The administration service: a partnership's settings, its organisations and their people, as
//! plain functions over the request context that return models (the GraphQL mutations in
//! [`super`] only call them).
//!
//! Who may do what is one policy table (`policy::PartnershipPermission`): administrators of a
//! partnership manage its settings, the organisations that serve it and those organisations'
//! people. An organisation can serve several partnerships (one police force serves every borough
//! of its area), so administering any one of them is enough to change it. Every change is one
//! transaction that ends with an audit row carrying the changed fields' values before and after.

use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use crate::core::validate;
use crate::domain::types::OrganisationKind;
use async_graphql::{InputObject, ID};
use chrono::Utc;
use entity::{organisation, organisation_partnership, partnership, person, post, post_holder};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// Longest name of a partnership, organisation or person.
const MAX_NAME_LEN: usize = 200;
/// Longest clearance validity an administrator may set: annual review is the norm, three years
/// the most any vetting regime allows without re-checking.
const MAX_CLEARANCE_MONTHS: i32 = 36;

/// Changes to a partnership's settings; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    pub partnership_id: ID,
    pub name: Option<String>,
    /// The area it covers ("London Borough of Bromley").
    pub area: Option<String>,
    /// Whether reading restricted content needs a stated purpose (`X-Access-Purpose`).
    pub require_access_purpose: Option<bool>,
    /// How long an approved clearance lasts before it must be renewed (1 to 36 months).
    pub clearance_validity_months: Option<i32>,
}

/// A new organisation serving a partnership.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// The partnership it serves (more can be added with `addOrganisationToPartnership`).
    pub partnership_id: ID,
    pub name: String,
    /// The abbreviation minutes use ("MPS", "LFB").
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    /// One of the statutory responsible authorities (Crime and Disorder Act 1998, s.5).
    #[graphql(default)]
    pub responsible_authority: bool,
}

/// Changes to an organisation; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    pub organisation_id: ID,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub responsible_authority: Option<bool>,
}

/// An existing organisation that starts serving another partnership.
#[derive(InputObject)]
pub struct AddOrganisationToPartnershipInput {
    pub organisation_id: ID,
    pub partnership_id: ID,
}

/// A new member of staff of an organisation.
#[derive(InputObject)]
pub struct CreatePersonInput {
    pub organisation_id: ID,
    pub name: String,
    pub post_title: Option<String>,
    /// Initials as minutes write them ("LB").
    pub initials: Option<String>,
    pub email: Option<String>,
    /// The identity provider whose tokens sign this person in (its issuer URL); left out, the
    /// server's own issuer.
    pub identity_issuer: Option<String>,
    /// The `sub` claim of this person's sign-in tokens; left out, the person cannot sign in yet.
    pub subject: Option<String>,
    /// May update progress on every action led by their organisation.
    #[graphql(default)]
    pub organisation_editor: bool,
}

/// Changes to a person; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    pub person_id: ID,
    pub name: Option<String>,
    pub post_title: Option<String>,
    pub initials: Option<String>,
    pub email: Option<String>,
    pub identity_issuer: Option<String>,
    pub subject: Option<String>,
    pub organisation_editor: Option<bool>,
    /// `false` signs the person out of everything on their next request and ends their open
    /// subscriptions; their history stays attributed to them.
    pub active: Option<bool>,
}

/// Changes a partnership's name, area or settings (its administrators).
pub async fn update_partnership(
    rc: &RequestContext,
    input: UpdatePartnershipInput,
) -> ApiResult<partnership::Model> {
    let id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let name = validate::optional_text("name", input.name.as_deref(), MAX_NAME_LEN)?;
    let area = validate::optional_text("area", input.area.as_deref(), MAX_NAME_LEN)?;
    if let Some(months) = input.clearance_validity_months {
        if !(1..=MAX_CLEARANCE_MONTHS).contains(&months) {
            return Err(ApiError::bad_input(
                "clearanceValidityMonths",
                format!("`clearanceValidityMonths` must be from 1 to {MAX_CLEARANCE_MONTHS}"),
            ));
        }
    }
    let before = guard::load_for_write::<partnership::Entity>(rc, id, "partnership").await?;
    require_admin(
        rc,
        PartnershipPermission::ManageSettings,
        &[id],
        Target::new("updatePartnership", "partnership", id, id),
    )
    .await?;
    let mut changes = partnership::ActiveModel {
        id: Set(id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(name) = name {
        changes.name = Set(name);
    }
    if let Some(area) = area {
        changes.area = Set(Some(area));
    }
    if let Some(flag) = input.require_access_purpose {
        changes.require_access_purpose = Set(flag);
    }
    if let Some(months) = input.clearance_validity_months {
        changes.clearance_validity_months = Set(months);
    }
    let txn = begin_write(&rc.db).await?;
    let after = changes.update(&txn).await?;
    let detail = audit::changes(&partnership_values(&before), &partnership_values(&after));
    audit::allowed_with_detail(
        &txn,
        rc,
        "updatePartnership",
        ("partnership", id, id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Creates an organisation serving a partnership (its administrators).
pub async fn create_organisation(
    rc: &RequestContext,
    input: CreateOrganisationInput,
) -> ApiResult<organisation::Model> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let name = validate::text("name", &input.name, MAX_NAME_LEN)?;
    let short_name = validate::optional_text("shortName", input.short_name.as_deref(), 30)?;
    guard::load_for_write::<partnership::Entity>(rc, partnership_id, "partnership").await?;
    require_admin(
        rc,
        PartnershipPermission::ManageOrganisations,
        &[partnership_id],
        Target::new(
            "createOrganisation",
            "partnership",
            partnership_id,
            partnership_id,
        ),
    )
    .await?;
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        short_name: Set(short_name),
        kind: Set(input.kind.into()),
        responsible_authority: Set(input.responsible_authority),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    link(&txn, created.id, partnership_id).await?;
    let detail = audit::changes(&Value::Null, &organisation_values(&created));
    audit::allowed_with_detail(
        &txn,
        rc,
        "createOrganisation",
        ("organisation", created.id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes an organisation (administrators of any partnership it serves).
pub async fn update_organisation(
    rc: &RequestContext,
    input: UpdateOrganisationInput,
) -> ApiResult<organisation::Model> {
    let id = ids::decode(&input.organisation_id, Kind::Organisation, "organisationId")?;
    let name = validate::optional_text("name", input.name.as_deref(), MAX_NAME_LEN)?;
    let short_name = validate::optional_text("shortName", input.short_name.as_deref(), 30)?;
    let before = guard::load_for_write::<organisation::Entity>(rc, id, "organisation").await?;
    let served = partnerships_served_by(rc, id).await?;
    let audited_in = administered_or_first(rc, &served);
    require_admin(
        rc,
        PartnershipPermission::ManageOrganisations,
        &served,
        Target::new("updateOrganisation", "organisation", id, audited_in),
    )
    .await?;
    let mut changes = organisation::ActiveModel {
        id: Set(id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(name) = name {
        changes.name = Set(name);
    }
    if let Some(short) = short_name {
        changes.short_name = Set(Some(short));
    }
    if let Some(kind) = input.kind {
        changes.kind = Set(kind.into());
    }
    if let Some(flag) = input.responsible_authority {
        changes.responsible_authority = Set(flag);
    }
    let txn = begin_write(&rc.db).await?;
    let after = changes.update(&txn).await?;
    let detail = audit::changes(&organisation_values(&before), &organisation_values(&after));
    audit::allowed_with_detail(
        &txn,
        rc,
        "updateOrganisation",
        ("organisation", id, audited_in),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Makes an existing organisation serve another partnership (that partnership's administrators).
pub async fn add_organisation_to_partnership(
    rc: &RequestContext,
    input: AddOrganisationToPartnershipInput,
) -> ApiResult<organisation::Model> {
    let id = ids::decode(&input.organisation_id, Kind::Organisation, "organisationId")?;
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let org = guard::load_for_write::<organisation::Entity>(rc, id, "organisation").await?;
    guard::load_for_write::<partnership::Entity>(rc, partnership_id, "partnership").await?;
    require_admin(
        rc,
        PartnershipPermission::ManageOrganisations,
        &[partnership_id],
        Target::new(
            "addOrganisationToPartnership",
            "organisation",
            id,
            partnership_id,
        ),
    )
    .await?;
    let served = partnerships_served_by(rc, id).await?;
    if served.contains(&partnership_id) {
        return Err(ApiError::Conflict(
            "the organisation already serves this partnership".into(),
        ));
    }
    let txn = begin_write(&rc.db).await?;
    link(&txn, id, partnership_id).await?;
    let detail = audit::changes(
        &json!({ "partnershipIds": served }),
        &json!({ "partnershipIds": served.iter().chain([&partnership_id]).collect::<Vec<_>>() }),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "addOrganisationToPartnership",
        ("organisation", id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(org)
}

/// Creates a person in an organisation (administrators of any partnership it serves).
pub async fn create_person(
    rc: &RequestContext,
    input: CreatePersonInput,
) -> ApiResult<person::Model> {
    let organisation_id =
        ids::decode(&input.organisation_id, Kind::Organisation, "organisationId")?;
    let fields = PersonFields::check(
        Some(&input.name),
        &input.post_title,
        &input.initials,
        &input.email,
        &input.identity_issuer,
        &input.subject,
    )?;
    guard::load_for_write::<organisation::Entity>(rc, organisation_id, "organisation").await?;
    let served = partnerships_served_by(rc, organisation_id).await?;
    let audited_in = administered_or_first(rc, &served);
    require_admin(
        rc,
        PartnershipPermission::ManagePeople,
        &served,
        Target::new("createPerson", "organisation", organisation_id, audited_in),
    )
    .await?;
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = person::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(organisation_id),
        name: Set(fields.name.unwrap_or_default()),
        post_title: Set(fields.post_title.flatten()),
        initials: Set(fields.initials.flatten()),
        email: Set(fields.email.flatten()),
        subject: Set(fields.subject.flatten()),
        identity_issuer: Set(fields.identity_issuer.flatten()),
        active: Set(true),
        organisation_editor: Set(input.organisation_editor),
        external_id: Set(None),
        removed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(identity_taken)?;
    let detail = audit::changes(&Value::Null, &person_values(&created));
    audit::allowed_with_detail(
        &txn,
        rc,
        "createPerson",
        ("person", created.id, audited_in),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a person, including deactivating them (administrators of any partnership their
/// organisation serves). A change to who they are or whether they may sign in ends their open
/// subscriptions at once; every other request re-reads them anyway.
pub async fn update_person(
    rc: &RequestContext,
    input: UpdatePersonInput,
) -> ApiResult<person::Model> {
    let id = ids::decode(&input.person_id, Kind::Person, "personId")?;
    let fields = PersonFields::check(
        input.name.as_ref(),
        &input.post_title,
        &input.initials,
        &input.email,
        &input.identity_issuer,
        &input.subject,
    )?;
    let before = guard::load_for_write::<person::Entity>(rc, id, "person").await?;
    let served = partnerships_served_by(rc, before.organisation_id).await?;
    let audited_in = administered_or_first(rc, &served);
    require_admin(
        rc,
        PartnershipPermission::ManagePeople,
        &served,
        Target::new("updatePerson", "person", id, audited_in),
    )
    .await?;
    if input.active == Some(false) && rc.viewer.person_id() == Some(id) {
        return Err(ApiError::bad_input(
            "active",
            "you cannot deactivate yourself; ask another administrator",
        ));
    }
    let mut changes = person::ActiveModel {
        id: Set(id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(name) = fields.name {
        changes.name = Set(name);
    }
    if let Some(v) = fields.post_title {
        changes.post_title = Set(v);
    }
    if let Some(v) = fields.initials {
        changes.initials = Set(v);
    }
    if let Some(v) = fields.email {
        changes.email = Set(v);
    }
    if let Some(v) = fields.identity_issuer {
        changes.identity_issuer = Set(v);
    }
    if let Some(v) = fields.subject {
        changes.subject = Set(v);
    }
    if let Some(v) = input.organisation_editor {
        changes.organisation_editor = Set(v);
    }
    if let Some(v) = input.active {
        changes.active = Set(v);
        if v {
            // Reinstating someone their identity provider removed: the provider sees them again.
            changes.removed_at = Set(None);
        }
    }
    let txn = begin_write(&rc.db).await?;
    let after = changes.update(&txn).await.map_err(identity_taken)?;
    let detail = audit::changes(&person_values(&before), &person_values(&after));
    audit::allowed_with_detail(&txn, rc, "updatePerson", ("person", id, audited_in), detail)
        .await?;
    let access_changed = before.active != after.active
        || before.subject != after.subject
        || before.identity_issuer != after.identity_issuer
        || before.organisation_editor != after.organisation_editor;
    if access_changed {
        // PostgreSQL: NOTIFY inside the transaction reaches every instance once it commits;
        // SQLite: the in-process bus after the commit.
        rc.events.publish_access_in(&txn, id).await?;
    }
    txn.commit().await?;
    if access_changed {
        rc.events.access_changed(id);
    }
    Ok(after)
}

/// A person's optional text fields, checked. The outer `Option` is "given or not"; the inner one
/// is the value to store, where an empty string clears the field.
struct PersonFields {
    name: Option<String>,
    post_title: Option<Option<String>>,
    initials: Option<Option<String>>,
    email: Option<Option<String>>,
    identity_issuer: Option<Option<String>>,
    subject: Option<Option<String>>,
}

impl PersonFields {
    fn check(
        name: Option<&String>,
        post_title: &Option<String>,
        initials: &Option<String>,
        email: &Option<String>,
        identity_issuer: &Option<String>,
        subject: &Option<String>,
    ) -> ApiResult<Self> {
        let email = validate::clearable("email", email.as_deref(), 254)?;
        if let Some(Some(address)) = &email {
            if !fast_chemail::is_valid_email(address) {
                return Err(ApiError::bad_input(
                    "email",
                    "`email` is not an email address",
                ));
            }
        }
        let identity_issuer =
            validate::clearable("identityIssuer", identity_issuer.as_deref(), 500)?;
        if let Some(Some(issuer)) = &identity_issuer {
            if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
                return Err(ApiError::bad_input(
                    "identityIssuer",
                    "`identityIssuer` must be the provider's issuer URL",
                ));
            }
        }
        Ok(PersonFields {
            name: name
                .map(|n| validate::text("name", n, MAX_NAME_LEN))
                .transpose()?,
            post_title: validate::clearable("postTitle", post_title.as_deref(), MAX_NAME_LEN)?,
            initials: validate::clearable("initials", initials.as_deref(), 10)?,
            email,
            identity_issuer,
            subject: validate::clearable("subject", subject.as_deref(), 255)?,
        })
    }
}

/// A person's identity (issuer and subject) is unique: a second person with the same one would
/// sign in as whichever the database returned first.
fn identity_taken(e: DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::bad_input(
            "subject",
            "another person already signs in with this subject",
        ),
        _ => e.into(),
    }
}

/// FORBIDDEN (audited against `target`) unless the caller administers one of `partnerships`.
async fn require_admin(
    rc: &RequestContext,
    permission: PartnershipPermission,
    partnerships: &[Uuid],
    target: Target<'_>,
) -> ApiResult<()> {
    let allowed = partnerships
        .iter()
        .any(|p| policy::may_in_partnership(&rc.viewer, permission, *p));
    guard::require(
        rc,
        allowed,
        target,
        "only an administrator of a partnership this serves may do this",
    )
    .await
}

/// The partnership an audit row about a shared organisation is filed under: one the caller
/// administers if any (so that partnership's administrators see it), else the first served.
fn administered_or_first(rc: &RequestContext, served: &[Uuid]) -> Uuid {
    served
        .iter()
        .find(|p| rc.viewer.admin_partnerships.contains(p))
        .or(served.first())
        .copied()
        .unwrap_or(Uuid::nil())
}

async fn partnerships_served_by(rc: &RequestContext, organisation: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(organisation_partnership::Entity::find()
        .select_only()
        .column(organisation_partnership::Column::PartnershipId)
        .filter(organisation_partnership::Column::OrganisationId.eq(organisation))
        .into_tuple::<Uuid>()
        .all(&rc.db)
        .await?)
}

async fn link(txn: &DatabaseTransaction, organisation: Uuid, partnership: Uuid) -> ApiResult<()> {
    organisation_partnership::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(organisation),
        partnership_id: Set(partnership),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

fn partnership_values(p: &partnership::Model) -> Value {
    json!({
        "name": p.name,
        "area": p.area,
        "requireAccessPurpose": p.require_access_purpose,
        "clearanceValidityMonths": p.clearance_validity_months,
    })
}

fn organisation_values(o: &organisation::Model) -> Value {
    json!({
        "name": o.name,
        "shortName": o.short_name,
        "kind": format!("{:?}", o.kind),
        "responsibleAuthority": o.responsible_authority,
    })
}

fn person_values(p: &person::Model) -> Value {
    json!({
        "organisationId": p.organisation_id,
        "name": p.name,
        "postTitle": p.post_title,
        "initials": p.initials,
        "email": p.email,
        "identityIssuer": p.identity_issuer,
        "subject": p.subject,
        "organisationEditor": p.organisation_editor,
        "active": p.active,
    })
}

/// A new post in an organisation serving a partnership.
#[derive(InputObject)]
pub struct CreatePostInput {
    pub partnership_id: ID,
    pub organisation_id: ID,
    /// As the papers write it ("Head of Safer Communities", "MARAC Chair").
    pub title: String,
}

/// A person taking up a post.
#[derive(InputObject)]
pub struct AppointToPostInput {
    pub post_id: ID,
    pub person_id: ID,
    /// From when (today when left out); whoever held it before holds it until the day before.
    pub starts_on: Option<chrono::NaiveDate>,
}

/// A post falling vacant.
#[derive(InputObject)]
pub struct VacatePostInput {
    pub post_id: ID,
    /// The last day of the current holding (today when left out).
    pub ends_on: Option<chrono::NaiveDate>,
}

/// Creates a post (administrators of the partnership, which the organisation must serve).
pub async fn create_post(rc: &RequestContext, input: CreatePostInput) -> ApiResult<post::Model> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let organisation_id =
        ids::decode(&input.organisation_id, Kind::Organisation, "organisationId")?;
    let title = validate::text("title", &input.title, MAX_NAME_LEN)?;
    guard::load_for_write::<partnership::Entity>(rc, partnership_id, "partnership").await?;
    guard::load_for_write::<organisation::Entity>(rc, organisation_id, "organisation").await?;
    require_admin(
        rc,
        PartnershipPermission::ManagePeople,
        &[partnership_id],
        Target::new("createPost", "partnership", partnership_id, partnership_id),
    )
    .await?;
    if !partnerships_served_by(rc, organisation_id)
        .await?
        .contains(&partnership_id)
    {
        return Err(ApiError::bad_input(
            "organisationId",
            "the organisation does not serve this partnership",
        ));
    }
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let created = post::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(partnership_id),
        organisation_id: Set(organisation_id),
        title: Set(title),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict(
            "the organisation already has a post with this title in this partnership".into(),
        ),
        _ => e.into(),
    })?;
    let detail = audit::changes(
        &Value::Null,
        &json!({ "title": created.title, "organisationId": organisation_id }),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "createPost",
        ("post", created.id, partnership_id),
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Appoints a person of the post's organisation to it; the previous holder's time ends the day
/// before (administrators of the post's partnership).
pub async fn appoint_to_post(
    rc: &RequestContext,
    input: AppointToPostInput,
) -> ApiResult<post::Model> {
    let post_id = ids::decode(&input.post_id, Kind::Post, "postId")?;
    let person_id = ids::decode(&input.person_id, Kind::Person, "personId")?;
    let post = post_for_admin(rc, post_id, "appointToPost").await?;
    let person = validate::person(rc, person_id, "personId").await?;
    if person.organisation_id != post.organisation_id {
        return Err(ApiError::bad_input(
            "personId",
            "the person works for another organisation than the post's",
        ));
    }
    let starts = input.starts_on.unwrap_or_else(|| Utc::now().date_naive());
    let txn = begin_write(&rc.db).await?;
    let previous = end_holdings(&txn, post.id, starts.pred_opt().unwrap_or(starts)).await?;
    let now = Utc::now();
    post_holder::ActiveModel {
        id: Set(Uuid::now_v7()),
        post_id: Set(post.id),
        person_id: Set(person.id),
        starts_on: Set(Some(starts)),
        ends_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let detail = audit::changes(
        &json!({ "holders": previous }),
        &json!({ "holders": [person.id], "startsOn": starts }),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "appointToPost",
        ("post", post.id, post.partnership_id),
        detail,
    )
    .await?;
    // The new and old holders' rights as lead change on their next request; live views too.
    for holder in previous.iter().chain([&person.id]) {
        rc.events.publish_access_in(&txn, *holder).await?;
    }
    txn.commit().await?;
    for holder in previous.iter().chain([&person.id]) {
        rc.events.access_changed(*holder);
    }
    Ok(post)
}

/// Ends the current holding: the post is vacant from the day after `endsOn`.
pub async fn vacate_post(rc: &RequestContext, input: VacatePostInput) -> ApiResult<post::Model> {
    let post_id = ids::decode(&input.post_id, Kind::Post, "postId")?;
    let post = post_for_admin(rc, post_id, "vacatePost").await?;
    let ends = input.ends_on.unwrap_or_else(|| Utc::now().date_naive());
    let txn = begin_write(&rc.db).await?;
    let previous = end_holdings(&txn, post.id, ends).await?;
    if previous.is_empty() {
        return Err(ApiError::bad_input("postId", "the post is already vacant"));
    }
    let detail = audit::changes(
        &json!({ "holders": previous }),
        &json!({ "holders": [], "endsOn": ends }),
    );
    audit::allowed_with_detail(
        &txn,
        rc,
        "vacatePost",
        ("post", post.id, post.partnership_id),
        detail,
    )
    .await?;
    for holder in &previous {
        rc.events.publish_access_in(&txn, *holder).await?;
    }
    txn.commit().await?;
    for holder in &previous {
        rc.events.access_changed(*holder);
    }
    Ok(post)
}

/// A post the caller may see, in a partnership they administer.
async fn post_for_admin(rc: &RequestContext, id: Uuid, operation: &str) -> ApiResult<post::Model> {
    let post = guard::load_for_write::<post::Entity>(rc, id, "post").await?;
    require_admin(
        rc,
        PartnershipPermission::ManagePeople,
        &[post.partnership_id],
        Target::new(operation, "post", post.id, post.partnership_id),
    )
    .await?;
    Ok(post)
}

/// Ends every open holding of `post` on `last_day`; returns who held it.
async fn end_holdings(
    txn: &DatabaseTransaction,
    post: Uuid,
    last_day: chrono::NaiveDate,
) -> ApiResult<Vec<Uuid>> {
    let open = post_holder::Entity::find()
        .filter(post_holder::Column::PostId.eq(post))
        .filter(post_holder::Column::EndsOn.is_null())
        .all(txn)
        .await?;
    let mut holders = Vec::new();
    for h in open {
        holders.push(h.person_id);
        post_holder::ActiveModel {
            id: Set(h.id),
            ends_on: Set(Some(last_day.max(h.starts_on.unwrap_or(last_day)))),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    Ok(holders)
}
