//! A list of people and their organisations from a spreadsheet (CSV or XLSX), such as the
//! membership list printed at the front of every agenda.
//!
//! Columns (only `name` and `organisation` are required): name; post title (post, role);
//! organisation (agency); organisation kind (kind: police, fire, ambulance, local_authority,
//! health, probation, housing, voluntary, education, government, other; needed only for a new
//! organisation); email; subject (the `sub` of their sign-in tokens); issuer (their identity
//! provider's issuer URL); initials; editor (yes/no: may update every action their organisation
//! leads).
//!
//! A person is the same person again when their subject (with issuer), else their email, else
//! their name within the organisation matches; an organisation when its name or short name does.
//! New organisations are made to serve the partnership, and existing ones that did not yet serve
//! it start to.

use super::table::Column;
use super::{Outcome, Report, RowOutcome};
use crate::core::audit::{self, Entry};
use crate::core::auth::Viewer;
use crate::core::db::begin_write;
use chrono::Utc;
use entity::enums::OrganisationKind;
use entity::{organisation, organisation_partnership, partnership, person};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

pub const COLUMNS: &[Column] = &[
    Column {
        key: "name",
        names: &["name", "person", "full name"],
    },
    Column {
        key: "post",
        names: &["post title", "post", "role", "job title"],
    },
    Column {
        key: "organisation",
        names: &["organisation", "agency", "organization"],
    },
    Column {
        key: "kind",
        names: &["organisation kind", "kind", "agency kind"],
    },
    Column {
        key: "email",
        names: &["email", "e-mail", "email address"],
    },
    Column {
        key: "subject",
        names: &["subject", "sub", "sign-in subject"],
    },
    Column {
        key: "issuer",
        names: &["issuer", "identity issuer", "identity provider"],
    },
    Column {
        key: "initials",
        names: &["initials"],
    },
    Column {
        key: "editor",
        names: &["editor", "organisation editor"],
    },
];

/// Imports (or, with `dry_run`, checks and reports) a people list read from `bytes` into the
/// partnership with slug `partnership`.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Viewer,
    partnership_slug: &str,
    bytes: &[u8],
    dry_run: bool,
) -> anyhow::Result<Report> {
    let (mut report, table) = super::start(bytes, COLUMNS, &["name", "organisation"], dry_run);
    let Some(table) = table else {
        return Ok(report);
    };
    let Some(p) = partnership::Entity::find()
        .filter(partnership::Column::Slug.eq(partnership_slug.trim()))
        .one(db)
        .await?
    else {
        report.problem(1, None, format!("no partnership {partnership_slug:?}"));
        return Ok(report);
    };
    // Check everything first: a bad row anywhere writes nothing.
    let mut orgs: HashMap<String, organisation::Model> = HashMap::new();
    for o in organisation::Entity::find().all(db).await? {
        if let Some(short) = &o.short_name {
            orgs.insert(short.to_lowercase(), o.clone());
        }
        orgs.insert(o.name.to_lowercase(), o);
    }
    for row in &table.rows {
        let n = row.number;
        if row.text("name").is_none() {
            report.problem(n, Some("name"), "the name is empty");
        }
        match row.text("organisation") {
            None => report.problem(n, Some("organisation"), "the organisation is empty"),
            Some(o) if !orgs.contains_key(&o.to_lowercase()) => match row.text("kind") {
                None => report.problem(
                    n,
                    Some("organisation kind"),
                    format!("{o:?} is a new organisation: give its kind"),
                ),
                Some(k)
                    if OrganisationKind::try_from_value(
                        &k.to_lowercase().replace([' ', '-'], "_"),
                    )
                    .is_err() =>
                {
                    report.problem(
                        n,
                        Some("organisation kind"),
                        format!("{k:?} is not a kind of organisation"),
                    )
                }
                Some(_) => {}
            },
            Some(_) => {}
        }
        if let Some(email) = row.text("email") {
            if !fast_chemail::is_valid_email(&email) {
                report.problem(
                    n,
                    Some("email"),
                    format!("{email:?} is not an email address"),
                );
            }
        }
        if let Some(editor) = row.text("editor") {
            if yes_no(&editor).is_none() {
                report.problem(n, Some("editor"), format!("{editor:?} is not yes or no"));
            }
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }

    let txn = begin_write(db).await?;
    let now = Utc::now();
    let mut serving: Vec<Uuid> = organisation_partnership::Entity::find()
        .filter(organisation_partnership::Column::PartnershipId.eq(p.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| l.organisation_id)
        .collect();
    for row in &table.rows {
        let n = row.number;
        let org_name = row.text("organisation").unwrap_or_default();
        let org = match orgs.get(&org_name.to_lowercase()) {
            Some(o) => o.clone(),
            None => {
                let kind = row
                    .text("kind")
                    .unwrap_or_default()
                    .to_lowercase()
                    .replace([' ', '-'], "_");
                let created = organisation::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    name: Set(org_name.clone()),
                    short_name: Set(None),
                    kind: Set(
                        OrganisationKind::try_from_value(&kind).unwrap_or(OrganisationKind::Other)
                    ),
                    responsible_authority: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                report.rows.push(RowOutcome {
                    row: n,
                    outcome: Outcome::Created,
                    what: format!("organisation {org_name:?}"),
                });
                orgs.insert(org_name.to_lowercase(), created.clone());
                created
            }
        };
        if !serving.contains(&org.id) {
            organisation_partnership::ActiveModel {
                id: Set(Uuid::now_v7()),
                organisation_id: Set(org.id),
                partnership_id: Set(p.id),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            serving.push(org.id);
        }
        let name = row.text("name").unwrap_or_default();
        let subject = row.text("subject");
        let issuer = row.text("issuer");
        let email = row.text("email");
        let existing = if let Some(s) = &subject {
            person::Entity::find()
                .filter(person::Column::Subject.eq(s.clone()))
                .filter(match &issuer {
                    Some(i) => person::Column::IdentityIssuer.eq(i.clone()),
                    None => person::Column::IdentityIssuer.is_null(),
                })
                .one(&txn)
                .await?
        } else {
            None
        };
        let existing = match (existing, &email) {
            (Some(p), _) => Some(p),
            (None, Some(e)) => {
                person::Entity::find()
                    .filter(person::Column::Email.eq(e.clone()))
                    .one(&txn)
                    .await?
            }
            (None, None) => None,
        };
        let existing = match existing {
            Some(p) => Some(p),
            None => {
                person::Entity::find()
                    .filter(person::Column::OrganisationId.eq(org.id))
                    .filter(person::Column::Name.eq(name.clone()))
                    .one(&txn)
                    .await?
            }
        };
        let editor = row.text("editor").and_then(|e| yes_no(&e));
        let what = format!("person {name:?} ({})", org.name);
        match existing {
            None => {
                person::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    organisation_id: Set(org.id),
                    name: Set(name),
                    post_title: Set(row.text("post")),
                    initials: Set(row.text("initials")),
                    email: Set(email),
                    subject: Set(subject),
                    identity_issuer: Set(issuer),
                    active: Set(true),
                    organisation_editor: Set(editor.unwrap_or(false)),
                    external_id: Set(None),
                    removed_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                report.rows.push(RowOutcome {
                    row: n,
                    outcome: Outcome::Created,
                    what,
                });
            }
            Some(current) => {
                let mut changed = Vec::new();
                let mut changes = <person::ActiveModel as Default>::default();
                macro_rules! field {
                    ($label:literal, $col:ident, $value:expr) => {
                        if let Some(v) = $value {
                            if current.$col != v {
                                changed.push($label.to_string());
                                changes.$col = Set(v);
                            }
                        }
                    };
                }
                field!("name", name, Some(name.clone()));
                field!("organisation", organisation_id, Some(org.id));
                field!("post title", post_title, row.text("post").map(Some));
                field!("initials", initials, row.text("initials").map(Some));
                field!("email", email, email.clone().map(Some));
                field!("subject", subject, subject.clone().map(Some));
                field!("issuer", identity_issuer, issuer.clone().map(Some));
                field!("editor", organisation_editor, editor);
                if changed.is_empty() {
                    report.rows.push(RowOutcome {
                        row: n,
                        outcome: Outcome::Unchanged,
                        what,
                    });
                } else {
                    changes.id = Set(current.id);
                    changes.updated_at = Set(now);
                    changes.update(&txn).await?;
                    report.rows.push(RowOutcome {
                        row: n,
                        outcome: Outcome::Updated(changed),
                        what,
                    });
                }
            }
        }
    }
    super::finish(
        txn,
        actor,
        Entry {
            operation: "importPeople",
            entity_type: "partnership",
            entity_id: Some(p.id),
            partnership_id: Some(p.id),
            outcome: audit::Outcome::Allowed,
            detail: Some(format!("{} rows", table.rows.len())),
        },
        dry_run,
    )
    .await?;
    Ok(report)
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}
