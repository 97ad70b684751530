//! The reminder worker: emails each person who owes an overdue item, once per item.
//!
//! A pass ([`Worker::pass`]) finds who might owe something (ids only), then for each of them
//! reads, *as that person* (their own viewer, so through `access`), the overdue items they owe
//! ([`service::overdue`]). Inactive and removed people have no viewer and get nothing; people with
//! no email address are skipped and logged. Each item is then sent in one transaction that
//! records the reminder (unique on kind, clock, item and person: a second pass, a restarted
//! server or a second instance finds it and sends nothing), writes its audit row
//! (`sendReminder`, by no person, with [`PURPOSE`]) and is committed only once the SMTP server has
//! taken the email; if it refuses, nothing is recorded and the next pass tries again.
//!
//! What an email may say: a link to the item and its reference always; the title only when the
//! access layer classifies the record as not restricted (its own marking and every parent's), the
//! record is not itself marked restricted, and it is not part of a Domestic Homicide Review. When
//! the classification cannot be read, no title is sent.
//!
//! [`start`] runs a pass at start and then every `CSP_REMINDER_INTERVAL_SECONDS`, only when
//! `CSP_SMTP_URL` is set; [`run_once`] runs one pass (the tests, or an operator's tool).

use super::mail::{self, Email};
use super::rules;
use super::service::{self, DueItem, DueKind, Scope};
use crate::config::Reminders;
use crate::core::access::Candidates;
use crate::core::audit::{self, Entry, Outcome};
use crate::core::auth::Viewer;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use chrono::Utc;
use entity::enums::Visibility;
use entity::{action, domestic_homicide_review, person, reminder};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};
use std::collections::BTreeSet;
use std::time::Duration;
use uuid::Uuid;

/// The audit log's operation for a reminder sent.
pub const OPERATION: &str = "sendReminder";
/// The audit log's purpose for a reminder sent: the worker, not a person, decided it.
pub const PURPOSE: &str = "reminder worker: emailing the people who owe an overdue item";

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Emails the SMTP server took.
    pub sent: usize,
    /// Items owed whose reminder had already been sent.
    pub already_sent: usize,
    /// Items owed by people with no usable email address (logged).
    pub no_email: usize,
    /// Emails not sent (logged); they are tried again on the next pass.
    pub failed: usize,
}

/// The worker: its SMTP transport and what every email carries.
pub struct Worker {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

/// What became of one reminder.
enum Delivery {
    Sent,
    AlreadySent,
    /// The message could not be built or the SMTP server refused it; `stop` when it looks
    /// unreachable, so the rest waits for the next pass.
    Failed {
        stop: bool,
    },
}

impl Worker {
    /// A worker for `settings`; an error when the SMTP URL is missing or not allowed, or the
    /// From address or public URL is not valid.
    pub fn new(settings: &Reminders) -> anyhow::Result<Worker> {
        let url = settings
            .smtp_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("no CSP_SMTP_URL: reminders are off"))?;
        let from = settings
            .smtp_from
            .as_deref()
            .filter(|f| !f.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("CSP_SMTP_FROM is required with CSP_SMTP_URL"))?
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("CSP_SMTP_FROM is not an email address: {e}"))?;
        let public = url::Url::parse(&settings.public_url)
            .map_err(|_| anyhow::anyhow!("CSP_PUBLIC_URL is not a URL"))?;
        anyhow::ensure!(
            matches!(public.scheme(), "http" | "https"),
            "CSP_PUBLIC_URL must be an http or https URL"
        );
        Ok(Worker {
            transport: mail::transport(url)?,
            from,
            public_url: settings.public_url.trim_end_matches('/').to_string(),
        })
    }

    /// One pass: every reminder due now and not yet sent.
    pub async fn pass(&self, db: &DatabaseConnection) -> ApiResult<PassReport> {
        let now = Utc::now();
        let mut report = PassReport::default();
        'people: for person_id in service::possible_debtors(db, rules::today(now)).await? {
            // Inactive and removed people have no viewer: no email.
            let viewer = match Viewer::of_person(db, person_id).await {
                Ok(viewer) => viewer,
                Err(ApiError::Unauthenticated(_)) => continue,
                Err(err) => return Err(err),
            };
            let scope = Scope {
                partnership: None,
                owed_by: Some(person_id),
            };
            let owed = service::overdue(db, &viewer, scope, now).await?;
            let sent = sent_to(db, person_id, owed.iter().map(|i| i.item_id)).await?;
            let (done, due): (Vec<DueItem>, Vec<DueItem>) = owed
                .into_iter()
                .partition(|i| sent.contains(&(i.kind.key(), i.clock_id, i.item_id)));
            report.already_sent += done.len();
            let Some(person) = viewer.person.as_ref().filter(|_| !due.is_empty()) else {
                continue;
            };
            let Some(to) = mailbox(person) else {
                tracing::warn!(
                    person = %person.id,
                    items = due.len(),
                    "reminders not sent: the person has no usable email address"
                );
                report.no_email += due.len();
                continue;
            };
            let restricted = restricted(db, &viewer, &due).await;
            for item in &due {
                match self.remind(db, person, &to, item, &restricted).await? {
                    Delivery::Sent => report.sent += 1,
                    Delivery::AlreadySent => report.already_sent += 1,
                    Delivery::Failed { stop } => {
                        report.failed += 1;
                        if stop {
                            break 'people;
                        }
                    }
                }
            }
        }
        Ok(report)
    }

    /// Records, audits and sends one reminder, in one transaction.
    async fn remind(
        &self,
        db: &DatabaseConnection,
        person: &person::Model,
        to: &Mailbox,
        item: &DueItem,
        restricted: &BTreeSet<Uuid>,
    ) -> ApiResult<Delivery> {
        let (entity_type, kind) = match item.kind {
            DueKind::DhrMilestone(_) => ("domestic_homicide_review", Kind::DomesticHomicideReview),
            DueKind::WrittenUpdate | DueKind::DhrActionPlan => ("action", Kind::Action),
        };
        let reference = ids::encode(kind, item.item_id).0;
        let link = format!("{}/items/{reference}", self.public_url);
        let shown = item.action.as_ref().filter(|a| may_name(a, restricted));
        let email = Email {
            kind: item.kind,
            recipient: &person.name,
            due_on: item.due_on,
            reference: &reference,
            plan_reference: shown.and_then(|a| a.external_ref.as_deref()),
            title: shown.map(|a| a.title.as_str()),
            link: &link,
        };
        let message = match email.message(&self.from, to.clone()) {
            Ok(message) => message,
            Err(err) => {
                tracing::warn!(person = %person.id, error = %err, "reminder not sent: the email could not be built");
                return Ok(Delivery::Failed { stop: false });
            }
        };
        let txn = begin_write(db).await?;
        let recorded = reminder::Entity::insert(reminder::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(item.partnership_id),
            person_id: Set(person.id),
            kind: Set(item.kind.key()),
            clock_id: Set(item.clock_id),
            item_id: Set(item.item_id),
            due_on: Set(item.due_on),
            sent_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([
            reminder::Column::Kind,
            reminder::Column::ClockId,
            reminder::Column::ItemId,
            reminder::Column::PersonId,
        ])
        .exec_without_returning(&txn)
        .await?;
        if !matches!(recorded, TryInsertResult::Inserted(n) if n > 0) {
            // Another pass or instance sent it meanwhile.
            txn.rollback().await?;
            return Ok(Delivery::AlreadySent);
        }
        let detail = serde_json::json!({
            "kind": item.kind.key(),
            "recipient": person.id,
            "dueOn": item.due_on,
            "clock": item.clock_id,
        });
        audit::record(
            &txn,
            &Viewer::anonymous(),
            Some(PURPOSE),
            Entry {
                operation: OPERATION,
                entity_type,
                entity_id: Some(item.item_id),
                partnership_id: Some(item.partnership_id),
                outcome: Outcome::Allowed,
                detail: Some(detail.to_string()),
            },
        )
        .await?;
        match self.transport.send(message).await {
            Ok(_) => {
                txn.commit().await?;
                Ok(Delivery::Sent)
            }
            Err(err) => {
                txn.rollback().await?;
                tracing::warn!(person = %person.id, error = %err, "reminder not sent: the SMTP server did not take it");
                Ok(Delivery::Failed {
                    stop: !err.is_permanent(),
                })
            }
        }
    }
}

/// Whether an email may carry the action's title: not restricted by the access layer's
/// classification, not marked restricted itself, and not a review's recommendation.
fn may_name(action: &action::Model, restricted: &BTreeSet<Uuid>) -> bool {
    action.review_id.is_none()
        && action.visibility != Visibility::Restricted
        && !restricted.contains(&action.id)
}

/// The records among `items` that are restricted content, by the access layer's classification
/// (the one the audit log and the reports' markings use). The viewer is the recipient, who sees
/// every item; anyone who can see a restricted record holds a clearance, so nothing they see
/// escapes the classification. If it cannot be read, every record counts as restricted.
async fn restricted(db: &DatabaseConnection, viewer: &Viewer, items: &[DueItem]) -> BTreeSet<Uuid> {
    let actions: Vec<action::Model> = items.iter().filter_map(|i| i.action.clone()).collect();
    let reviews: Vec<domestic_homicide_review::Model> =
        items.iter().filter_map(|i| i.review.clone()).collect();
    let classified = async {
        let mut reads = Candidates::of::<action::Entity>(viewer, &actions)
            .classify(db)
            .await?;
        reads.extend(
            Candidates::of::<domestic_homicide_review::Entity>(viewer, &reviews)
                .classify(db)
                .await?,
        );
        Ok::<_, sea_orm::DbErr>(reads)
    }
    .await;
    match classified {
        Ok(reads) => reads.into_iter().map(|r| r.id).collect(),
        Err(err) => {
            tracing::warn!(error = %err, "reminders: classification unreadable; no titles sent");
            actions
                .iter()
                .map(|a| a.id)
                .chain(reviews.iter().map(|r| r.id))
                .collect()
        }
    }
}

/// The reminders already sent to `person` about `items`: (kind, clock, item).
async fn sent_to(
    db: &DatabaseConnection,
    person: Uuid,
    items: impl Iterator<Item = Uuid>,
) -> ApiResult<BTreeSet<(String, Uuid, Uuid)>> {
    let items: BTreeSet<Uuid> = items.collect();
    if items.is_empty() {
        return Ok(BTreeSet::new());
    }
    Ok(reminder::Entity::find()
        .filter(reminder::Column::PersonId.eq(person))
        .filter(reminder::Column::ItemId.is_in(items))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.kind, r.clock_id, r.item_id))
        .collect())
}

/// The person's address with their name, if they have a usable one.
fn mailbox(person: &person::Model) -> Option<Mailbox> {
    let address = person.email.as_deref()?.trim().parse().ok()?;
    Some(Mailbox::new(Some(person.name.clone()), address))
}

/// One pass with a new worker (a new SMTP transport, nothing carried over from an earlier pass).
pub async fn run_once(db: &DatabaseConnection, settings: &Reminders) -> anyhow::Result<PassReport> {
    let worker = Worker::new(settings)?;
    Ok(worker.pass(db).await?)
}

/// Starts the periodic worker when an SMTP server is configured: a pass at once, then one every
/// `interval_seconds`. `Ok(None)` when reminders are off; an error when the settings are invalid.
pub fn start(
    db: DatabaseConnection,
    settings: &Reminders,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if settings
        .smtp_url
        .as_deref()
        .is_none_or(|u| u.trim().is_empty())
    {
        tracing::info!("reminder emails are off (no CSP_SMTP_URL)");
        return Ok(None);
    }
    let worker = Worker::new(settings)?;
    let every = Duration::from_secs(settings.interval_seconds.max(1));
    Ok(Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match worker.pass(&db).await {
                Ok(r) => tracing::info!(
                    sent = r.sent,
                    already_sent = r.already_sent,
                    no_email = r.no_email,
                    failed = r.failed,
                    "reminder pass done"
                ),
                Err(err) => tracing::error!(error = %err, "reminder pass failed"),
            }
        }
    })))
}
