//! The one step that cannot go through the API: creating a partnership and its first
//! administrator, run by whoever installs CSP Hub (`csp-hub create-partnership`). From then on
//! that administrator does everything else through GraphQL or `csp-hub import`.
//!
//! Creating partnerships is an operator's act, not a council officer's: on a national service one
//! partnership's administrator must never be able to create (and so administer) another. The
//! audit row therefore has no person, and says it came from the command line.

use crate::core::audit::{self, Entry, Outcome};
use crate::core::auth::Viewer;
use crate::core::db::begin_write;
use entity::enums::OrganisationKind;
use entity::{
    organisation, organisation_partnership, partnership, partnership_administrator, person,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

/// What `csp-hub create-partnership` is given.
#[derive(Debug, Clone, clap::Args)]
pub struct NewPartnership {
    /// Short stable name used in URLs and exports (`bromley`): lower-case letters, digits, dashes.
    #[arg(long)]
    pub slug: String,
    /// Full name ("Safer Bromley Partnership").
    #[arg(long)]
    pub name: String,
    /// The area it covers ("London Borough of Bromley").
    #[arg(long)]
    pub area: Option<String>,
    /// The first administrator's organisation: an existing one of that name, or a new one.
    #[arg(long)]
    pub organisation: String,
    /// The kind of a new organisation: police, fire, ambulance, local_authority, health,
    /// probation, housing, voluntary, education, government, other.
    #[arg(long, default_value = "local_authority")]
    pub organisation_kind: String,
    /// The first administrator's name.
    #[arg(long)]
    pub admin_name: String,
    /// The `sub` claim of the first administrator's sign-in tokens.
    #[arg(long)]
    pub admin_subject: String,
    /// The identity provider's issuer URL; left out, the server's own issuer.
    #[arg(long)]
    pub admin_issuer: Option<String>,
    #[arg(long)]
    pub admin_email: Option<String>,
}

/// What was made.
pub struct Created {
    pub partnership: Uuid,
    pub administrator: Uuid,
}

/// Creates the partnership, links the organisation (made if new), and makes the person (made if
/// new, found by issuer and subject otherwise) its administrator: one transaction, audited.
pub async fn create_partnership(
    db: &DatabaseConnection,
    new: &NewPartnership,
) -> anyhow::Result<Created> {
    let slug = new.slug.trim();
    if slug.is_empty()
        || slug.len() > 60
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        anyhow::bail!("--slug must be 1 to 60 lower-case letters, digits or dashes");
    }
    for (flag, value) in [
        ("--name", &new.name),
        ("--organisation", &new.organisation),
        ("--admin-name", &new.admin_name),
        ("--admin-subject", &new.admin_subject),
    ] {
        if value.trim().is_empty() {
            anyhow::bail!("{flag} must not be empty");
        }
    }
    let kind = OrganisationKind::try_from_value(&new.organisation_kind.trim().to_lowercase())
        .map_err(|_| {
            anyhow::anyhow!(
                "--organisation-kind: unknown kind {:?}",
                new.organisation_kind
            )
        })?;
    if partnership::Entity::find()
        .filter(partnership::Column::Slug.eq(slug))
        .one(db)
        .await?
        .is_some()
    {
        anyhow::bail!("a partnership with the slug {slug:?} already exists");
    }
    let now = chrono::Utc::now();
    let txn = begin_write(db).await?;
    let created = partnership::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(slug.to_string()),
        name: Set(new.name.trim().to_string()),
        area: Set(new.area.clone().filter(|a| !a.trim().is_empty())),
        require_access_purpose: Set(false),
        clearance_validity_months: Set(12),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let org = match organisation::Entity::find()
        .filter(organisation::Column::Name.eq(new.organisation.trim()))
        .one(&txn)
        .await?
    {
        Some(org) => org,
        None => {
            organisation::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(new.organisation.trim().to_string()),
                short_name: Set(None),
                kind: Set(kind),
                responsible_authority: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    organisation_partnership::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(org.id),
        partnership_id: Set(created.id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let issuer = new.admin_issuer.clone().filter(|i| !i.trim().is_empty());
    let existing = person::Entity::find()
        .filter(person::Column::Subject.eq(new.admin_subject.trim()))
        .filter(match &issuer {
            Some(i) => person::Column::IdentityIssuer.eq(i.clone()),
            None => person::Column::IdentityIssuer.is_null(),
        })
        .one(&txn)
        .await?;
    let admin = match existing {
        Some(p) => p.id,
        None => {
            person::ActiveModel {
                id: Set(Uuid::now_v7()),
                organisation_id: Set(org.id),
                name: Set(new.admin_name.trim().to_string()),
                post_title: Set(None),
                initials: Set(None),
                email: Set(new.admin_email.clone().filter(|e| !e.trim().is_empty())),
                subject: Set(Some(new.admin_subject.trim().to_string())),
                identity_issuer: Set(issuer),
                active: Set(true),
                organisation_editor: Set(false),
                external_id: Set(None),
                removed_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    partnership_administrator::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(created.id),
        person_id: Set(admin),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Viewer::anonymous(),
        None,
        Entry {
            operation: "createPartnership",
            entity_type: "partnership",
            entity_id: Some(created.id),
            partnership_id: Some(created.id),
            outcome: Outcome::Allowed,
            detail: Some(format!(
                "from the command line; first administrator {admin}"
            )),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Created {
        partnership: created.id,
        administrator: admin,
    })
}
