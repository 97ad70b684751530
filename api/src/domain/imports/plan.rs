//! A delivery plan from a spreadsheet: one action per row, owned by one board of a partnership.
//!
//! Columns (header names are matched ignoring case and punctuation; only `action` is required):
//!
//! | column | also recognised as | meaning |
//! |---|---|---|
//! | reference | ref, id | the row's own reference (up to 200 characters); without one, a digest of the action title |
//! | priority | strategic priority | the number of a priority of `--strategy` |
//! | expected outcome | outcome | |
//! | action | action required, title | the action's title |
//! | lead | lead officer, lead person | a person of the lead organisation (name or email), or else a post of it ("post, organisation") |
//! | lead organisation | lead agency, organisation | an organisation serving the partnership (name or short name) |
//! | start | start date | a date |
//! | due | due date, timescale, deadline | a date; a month (`Jun-24`) means its last day |
//! | resources | resource required, resources required | |
//! | risks | risks to delivery | |
//! | progress | percent complete, % complete | `40`, `40%`, or the papers' `0% G` (percent and RAG in one cell) |
//! | rag | rag status | R, A, G, Red, Amber or Green |
//! | update | latest update, progress update | appended to the action's history when it changes |
//! | marking | visibility | PUBLIC, PARTNERSHIP or RESTRICTED (default: `--marking`) |
//!
//! A lead that names a post leads through that post (made, vacant, if new): its holder acts as
//! lead; a vacant post shows as vacant and is never turned into an invented person.

use super::table::{self, Cell, Column, Row, Table};
use super::{Outcome, Report, RowOutcome};
use crate::core::audit::{self, Entry};
use crate::core::auth::Viewer;
use crate::core::db::begin_write;
use chrono::{NaiveDate, Utc};
use entity::enums::{ActionStatus, Rag, Visibility};
use entity::{
    action, action_update, board, organisation, organisation_partnership, partnership, person,
    post, post_holder, priority, strategy,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The columns of a delivery plan.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "reference",
        names: &["reference", "ref", "id", "external reference"],
    },
    Column {
        key: "priority",
        names: &["priority", "strategic priority", "priority number"],
    },
    Column {
        key: "outcome",
        names: &["expected outcome", "outcome"],
    },
    Column {
        key: "action",
        names: &["action", "action required", "title"],
    },
    Column {
        key: "lead",
        names: &["lead", "lead officer", "lead person", "lead post"],
    },
    Column {
        key: "organisation",
        names: &["lead organisation", "lead agency", "organisation"],
    },
    Column {
        key: "start",
        names: &["start", "start date"],
    },
    Column {
        key: "due",
        names: &["due", "due date", "timescale", "deadline"],
    },
    Column {
        key: "resources",
        names: &["resources", "resource required", "resources required"],
    },
    Column {
        key: "risks",
        names: &["risks", "risks to delivery"],
    },
    Column {
        key: "progress",
        names: &["progress", "percent complete", "% complete"],
    },
    Column {
        key: "rag",
        names: &["rag", "rag status"],
    },
    Column {
        key: "update",
        names: &["update", "latest update", "progress update"],
    },
    Column {
        key: "marking",
        names: &["marking", "visibility"],
    },
];

/// Where the plan goes.
#[derive(Debug, Clone)]
pub struct Target {
    pub partnership: String,
    /// The board that owns and oversees the actions, by name.
    pub board: String,
    /// The strategy whose priorities the `priority` column numbers, by title.
    pub strategy: Option<String>,
    /// The marking of rows without one.
    pub marking: Visibility,
}

/// One row, checked.
struct PlanRow {
    number: usize,
    reference: String,
    priority: Option<Uuid>,
    title: String,
    outcome: Option<String>,
    lead_person: Option<Uuid>,
    lead_organisation: Option<Uuid>,
    lead_post_title: Option<String>,
    start: Option<NaiveDate>,
    due: Option<NaiveDate>,
    resources: Option<String>,
    risks: Option<String>,
    percent: Option<i32>,
    rag: Option<Rag>,
    update: Option<String>,
    marking: Visibility,
}

/// What the plan refers to, loaded once.
struct Context {
    partnership: Uuid,
    board: Uuid,
    priorities: HashMap<i32, Uuid>,
    /// Organisations serving the partnership, by lower-cased name and short name.
    organisations: HashMap<String, Uuid>,
    people: Vec<person::Model>,
    /// The partnership's posts, by organisation and lower-cased title.
    posts: HashMap<(Uuid, String), Uuid>,
    /// The same keys, for posts someone holds today.
    post_holders: HashMap<(Uuid, String), Uuid>,
}

/// Imports (or, with `dry_run`, checks and reports) a delivery plan read from `bytes`.
/// `actor` is the administrator (HTTP) or the operator (command line: anonymous).
pub async fn import(
    db: &DatabaseConnection,
    actor: &Viewer,
    target: &Target,
    bytes: &[u8],
    dry_run: bool,
) -> anyhow::Result<Report> {
    let (mut report, table) = super::start(bytes, COLUMNS, &["action"], dry_run);
    let Some(table) = table else {
        return Ok(report);
    };
    let Some(ctx) = context(db, target, &mut report).await? else {
        return Ok(report);
    };
    let rows = check(&ctx, &table, target, &mut report);
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let txn = begin_write(db).await?;
    let mut made = HashMap::new();
    for row in &rows {
        let outcome = write(&txn, &ctx, &mut made, row).await?;
        report.rows.push(RowOutcome {
            row: row.number,
            outcome,
            what: format!("action {:?}", row.title),
        });
    }
    crate::core::access_summary::summarise(&txn).await?;
    super::finish(
        txn,
        actor,
        Entry {
            operation: "importDeliveryPlan",
            entity_type: "board",
            entity_id: Some(ctx.board),
            partnership_id: Some(ctx.partnership),
            outcome: audit::Outcome::Allowed,
            detail: Some(format!(
                "created {}, updated {}, unchanged {}",
                report.count(|o| matches!(o, Outcome::Created)),
                report.count(|o| matches!(o, Outcome::Updated(_))),
                report.count(|o| matches!(o, Outcome::Unchanged)),
            )),
        },
        dry_run,
    )
    .await?;
    Ok(report)
}

async fn context(
    db: &DatabaseConnection,
    target: &Target,
    report: &mut Report,
) -> anyhow::Result<Option<Context>> {
    let Some(p) = partnership::Entity::find()
        .filter(partnership::Column::Slug.eq(target.partnership.trim()))
        .one(db)
        .await?
    else {
        report.problem(1, None, format!("no partnership {:?}", target.partnership));
        return Ok(None);
    };
    let Some(b) = board::Entity::find()
        .filter(board::Column::PartnershipId.eq(p.id))
        .filter(board::Column::Name.eq(target.board.trim()))
        .one(db)
        .await?
    else {
        report.problem(
            1,
            None,
            format!("no board {:?} in {}", target.board, p.slug),
        );
        return Ok(None);
    };
    let mut priorities = HashMap::new();
    if let Some(title) = &target.strategy {
        let Some(s) = strategy::Entity::find()
            .filter(strategy::Column::PartnershipId.eq(p.id))
            .filter(strategy::Column::Title.eq(title.trim()))
            .one(db)
            .await?
        else {
            report.problem(1, None, format!("no strategy {title:?} in {}", p.slug));
            return Ok(None);
        };
        for pr in priority::Entity::find()
            .filter(priority::Column::StrategyId.eq(s.id))
            .all(db)
            .await?
        {
            priorities.insert(pr.number, pr.id);
        }
    }
    let serving: Vec<Uuid> = organisation_partnership::Entity::find()
        .filter(organisation_partnership::Column::PartnershipId.eq(p.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.organisation_id)
        .collect();
    let mut organisations = HashMap::new();
    for o in organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(serving.clone()))
        .all(db)
        .await?
    {
        organisations.insert(o.name.to_lowercase(), o.id);
        if let Some(short) = &o.short_name {
            organisations.insert(short.to_lowercase(), o.id);
        }
    }
    let people = person::Entity::find()
        .filter(person::Column::OrganisationId.is_in(serving))
        .filter(person::Column::Active.eq(true))
        .all(db)
        .await?;
    let mut posts = HashMap::new();
    let mut post_holders = HashMap::new();
    let today = Utc::now().date_naive();
    for post in post::Entity::find()
        .filter(post::Column::PartnershipId.eq(p.id))
        .all(db)
        .await?
    {
        let key = (post.organisation_id, post.title.to_lowercase());
        let holder = post_holder::Entity::find()
            .filter(post_holder::Column::PostId.eq(post.id))
            .all(db)
            .await?
            .into_iter()
            .find(|h| {
                h.starts_on.is_none_or(|s| s <= today) && h.ends_on.is_none_or(|e| e >= today)
            });
        if let Some(h) = holder {
            post_holders.insert(key.clone(), h.person_id);
        }
        posts.insert(key, post.id);
    }
    Ok(Some(Context {
        partnership: p.id,
        board: b.id,
        priorities,
        organisations,
        people,
        posts,
        post_holders,
    }))
}

/// Checks every row, noting each problem with its row and column.
fn check(ctx: &Context, table: &Table, target: &Target, report: &mut Report) -> Vec<PlanRow> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let n = row.number;
        let Some(title) = row.text("action") else {
            report.problem(n, Some("action"), "the action is empty");
            continue;
        };
        let reference = match row.text("reference") {
            Some(r) if r.chars().count() > 200 => {
                report.problem(
                    n,
                    Some("reference"),
                    "the reference is longer than 200 characters",
                );
                r
            }
            Some(r) => r,
            None => title_reference(&title),
        };
        if let Some(first) = seen.insert(reference.clone(), n) {
            report.problem(
                n,
                Some("reference"),
                format!("the same reference as row {first}"),
            );
        }
        let priority = match row.text("priority") {
            None => None,
            Some(text) => {
                let number = text
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|s| !s.is_empty())
                    .and_then(|s| s.parse::<i32>().ok());
                match number.and_then(|k| ctx.priorities.get(&k)) {
                    Some(id) => Some(*id),
                    None if target.strategy.is_none() => {
                        report.problem(n, Some("priority"), "a priority needs --strategy");
                        None
                    }
                    None => {
                        report.problem(
                            n,
                            Some("priority"),
                            format!("no priority {text:?} in the strategy"),
                        );
                        None
                    }
                }
            }
        };
        let Lead {
            person: lead_person,
            organisation: lead_organisation,
            post: lead_post_title,
        } = lead(ctx, row, report);
        let start = date(row, "start", report);
        let due = date(row, "due", report);
        if let (Some(s), Some(d)) = (start, due) {
            if d < s {
                report.problem(n, Some("due"), "the due date is before the start date");
            }
        }
        let (percent, rag_in_progress) = progress(row, report);
        let rag = match row.text("rag") {
            Some(text) => rag(&text).or_else(|| {
                report.problem(
                    n,
                    Some("rag"),
                    format!("{text:?} is not a RAG rating (R, A or G)"),
                );
                None
            }),
            None => rag_in_progress,
        };
        let marking = match row.text("marking") {
            None => target.marking,
            Some(text) => Visibility::try_from_value(&text.to_lowercase()).unwrap_or_else(|_| {
                report.problem(
                    n,
                    Some("marking"),
                    format!("{text:?} is not PUBLIC, PARTNERSHIP or RESTRICTED"),
                );
                target.marking
            }),
        };
        out.push(PlanRow {
            number: n,
            reference,
            priority,
            title,
            outcome: row.text("outcome"),
            lead_person,
            lead_organisation,
            lead_post_title,
            start,
            due,
            resources: row.text("resources"),
            risks: row.text("risks"),
            percent,
            rag,
            update: row.text("update"),
            marking,
        });
    }
    out
}

/// The reference of a row without one: a digest of its title (case and spacing ignored), so the
/// same action in an updated sheet is found again, and any title fits the column.
fn title_reference(title: &str) -> String {
    use sha2::{Digest, Sha256};
    let normalised = title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let digest = Sha256::digest(normalised.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("title:{hex}")
}

fn date(row: &Row, key: &str, report: &mut Report) -> Option<NaiveDate> {
    table::date(row.get(key)).unwrap_or_else(|message| {
        report.problem(row.number, Some(key), message);
        None
    })
}

fn rag(text: &str) -> Option<Rag> {
    match text.trim().to_lowercase().as_str() {
        "r" | "red" => Some(Rag::Red),
        "a" | "amber" => Some(Rag::Amber),
        "g" | "green" => Some(Rag::Green),
        _ => None,
    }
}

/// The percent complete, and a RAG written in the same cell (`0% G`) as the papers do.
fn progress(row: &Row, report: &mut Report) -> (Option<i32>, Option<Rag>) {
    let text = match row.get("progress") {
        Cell::Number(f) if *f <= 1.0 && *f > 0.0 => {
            return (Some((f * 100.0).round() as i32), None)
        }
        cell => match cell.text() {
            Some(t) => t,
            None => return (None, None),
        },
    };
    let mut parts = text.split_whitespace();
    let number = parts.next().unwrap_or_default().trim_end_matches('%');
    let rest: Vec<&str> = parts.collect();
    let percent = number
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p));
    let rag_part = match rest.as_slice() {
        [] => None,
        [one] => rag(one),
        _ => None,
    };
    if percent.is_none() || (!rest.is_empty() && rag_part.is_none()) {
        report.problem(
            row.number,
            Some("progress"),
            format!("{text:?} is not a percentage from 0 to 100"),
        );
        return (None, None);
    }
    (percent.map(|p| p.round() as i32), rag_part)
}

/// The lead: a person of the lead organisation (by name or email), or else a post of it. A lead
/// written "post, organisation" names its post before the last comma; a post nobody holds is
/// made vacant, never turned into an invented person.
fn lead(ctx: &Context, row: &Row, report: &mut Report) -> Lead {
    let n = row.number;
    let mut organisation = None;
    if let Some(name) = row.text("organisation") {
        match ctx.organisations.get(&name.to_lowercase()) {
            Some(id) => organisation = Some(*id),
            None => report.problem(
                n,
                Some("lead organisation"),
                format!("{name:?} does not serve this partnership"),
            ),
        }
    }
    let Some(lead) = row.text("lead") else {
        return Lead {
            person: None,
            organisation,
            post: None,
        };
    };
    let (who, org_named) = match lead.rsplit_once(',') {
        Some((who, org)) => (
            who.trim().to_string(),
            ctx.organisations.get(&org.trim().to_lowercase()).copied(),
        ),
        None => (lead.clone(), None),
    };
    let organisation = organisation.or(org_named);
    let wanted = lead.to_lowercase();
    let wanted_short = who.to_lowercase();
    let matches: Vec<&person::Model> = ctx
        .people
        .iter()
        .filter(|p| organisation.is_none_or(|o| p.organisation_id == o))
        .filter(|p| {
            let name = p.name.to_lowercase();
            let email = p.email.as_deref().map(str::to_lowercase);
            name == wanted || name == wanted_short || email.as_deref() == Some(wanted.as_str())
        })
        .collect();
    match (matches.as_slice(), organisation) {
        ([one], _) => Lead {
            person: Some(one.id),
            organisation: organisation.or(Some(one.organisation_id)),
            post: None,
        },
        ([], Some(org)) => {
            let holder = ctx.post_holders.get(&(org, wanted_short.clone()));
            report.note(
                n,
                Some("lead"),
                match holder {
                    Some(_) => format!("{lead:?} is not a person: the post {who:?} leads, and its holder acts as lead"),
                    None => format!("{lead:?} is not a person: the post {who:?} leads, vacant until someone is appointed (no person is invented)"),
                },
            );
            Lead {
                person: None,
                organisation: Some(org),
                post: Some(who),
            }
        }
        ([], None) => {
            report.problem(
                n,
                Some("lead"),
                format!(
                    "{lead:?} is no person of this partnership, and no lead organisation is given"
                ),
            );
            Lead {
                person: None,
                organisation: None,
                post: None,
            }
        }
        (_, _) => {
            report.problem(
                n,
                Some("lead"),
                format!("{lead:?} matches {} people; use their email", matches.len()),
            );
            Lead {
                person: None,
                organisation,
                post: None,
            }
        }
    }
}

/// Who leads a row.
struct Lead {
    person: Option<Uuid>,
    organisation: Option<Uuid>,
    /// The title of the lead post, in `organisation`.
    post: Option<String>,
}

/// The post titled `title` in `organisation` for the partnership, made (vacant) if new.
async fn post_for<C: ConnectionTrait>(
    txn: &C,
    ctx: &Context,
    made: &mut HashMap<(Uuid, String), Uuid>,
    organisation: Uuid,
    title: &str,
) -> anyhow::Result<Uuid> {
    let key = (organisation, title.to_lowercase());
    if let Some(id) = ctx.posts.get(&key).or(made.get(&key)) {
        return Ok(*id);
    }
    let now = Utc::now();
    let post = post::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(ctx.partnership),
        organisation_id: Set(organisation),
        title: Set(title.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    made.insert(key, post.id);
    Ok(post.id)
}

/// Creates or updates the row's action, appending progress to its history when it changed.
async fn write<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    ctx: &Context,
    made: &mut HashMap<(Uuid, String), Uuid>,
    row: &PlanRow,
) -> anyhow::Result<Outcome> {
    let now = Utc::now();
    let lead_post = match (&row.lead_post_title, row.lead_organisation) {
        (Some(title), Some(org)) => Some(post_for(txn, ctx, made, org, title).await?),
        _ => None,
    };
    let existing = action::Entity::find()
        .filter(action::Column::PartnershipId.eq(ctx.partnership))
        .filter(action::Column::ExternalRef.eq(row.reference.clone()))
        .one(txn)
        .await?;
    let Some(current) = existing else {
        let created = action::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(ctx.partnership),
            board_id: Set(Some(ctx.board)),
            resolution_id: Set(None),
            priority_id: Set(row.priority),
            review_id: Set(None),
            title: Set(row.title.clone()),
            expected_outcome: Set(row.outcome.clone()),
            lead_person_id: Set(row.lead_person),
            lead_organisation_id: Set(row.lead_organisation),
            lead_post_id: Set(lead_post),
            matter: Set(None),
            start_date: Set(row.start),
            due_date: Set(row.due),
            resources_required: Set(row.resources.clone()),
            risks: Set(row.risks.clone()),
            percent_complete: Set(row.percent.unwrap_or(0)),
            rag: Set(row.rag),
            status: Set(ActionStatus::Open),
            visibility: Set(row.marking),
            status_reason: Set(None),
            missed_reason: Set(None),
            version: Set(1),
            access_state: Set(0),
            access_partnership_id: Set(None),
            access_board_id: Set(None),
            access_epoch: Set(0),
            external_ref: Set(Some(row.reference.clone())),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        if row.update.is_some() || row.percent.is_some() || row.rag.is_some() {
            history(txn, created.id, row).await?;
        }
        return Ok(Outcome::Created);
    };
    let mut changed = Vec::new();
    let mut changes = <action::ActiveModel as Default>::default();
    macro_rules! field {
        ($label:literal, $col:ident, $value:expr) => {
            if current.$col != $value {
                changed.push($label.to_string());
                changes.$col = Set($value);
            }
        };
    }
    field!("title", title, row.title.clone());
    field!("expected outcome", expected_outcome, row.outcome.clone());
    field!("lead person", lead_person_id, row.lead_person);
    field!(
        "lead organisation",
        lead_organisation_id,
        row.lead_organisation
    );
    field!("start", start_date, row.start);
    field!("due", due_date, row.due);
    field!("resources", resources_required, row.resources.clone());
    field!("risks", risks, row.risks.clone());
    field!("priority", priority_id, row.priority);
    field!("marking", visibility, row.marking);
    let progressed = row.percent.is_some_and(|p| p != current.percent_complete)
        || (row.rag.is_some() && row.rag != current.rag)
        || (row.update.is_some() && row.update != latest_narrative(txn, current.id).await?);
    if progressed {
        changed.push("progress".into());
        if let Some(p) = row.percent {
            changes.percent_complete = Set(p);
        }
        if row.rag.is_some() {
            changes.rag = Set(row.rag);
        }
    }
    if changed.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    changes.id = Set(current.id);
    changes.version = Set(current.version + 1);
    changes.updated_at = Set(now);
    changes.update(txn).await?;
    if progressed {
        history(txn, current.id, row).await?;
    }
    Ok(Outcome::Updated(changed))
}

async fn latest_narrative<C: ConnectionTrait>(
    db: &C,
    action: Uuid,
) -> anyhow::Result<Option<String>> {
    use sea_orm::QueryOrder;
    Ok(action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(action))
        .order_by_desc(action_update::Column::CreatedAt)
        .one(db)
        .await?
        .map(|u| u.narrative))
}

async fn history<C: ConnectionTrait>(db: &C, action: Uuid, row: &PlanRow) -> anyhow::Result<()> {
    action_update::ActiveModel {
        id: Set(Uuid::now_v7()),
        action_id: Set(action),
        author_id: Set(None),
        reported_on: Set(Utc::now().date_naive()),
        period: Set(None),
        rag: Set(row.rag),
        percent_complete: Set(row.percent),
        narrative: Set(row
            .update
            .clone()
            .unwrap_or_else(|| "Progress imported from the delivery plan.".into())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
