//! The demo data set: the real content of the seed papers, kept as JSON files in `api/seed/`
//! (format in `api/seed/README.md`) and embedded in the binary.
//!
//! Loading runs in one transaction: either the whole data set lands or nothing does. Keys in the
//! files become fresh UUIDs; a key that does not resolve is an error naming it, never a silent skip.

use anyhow::{anyhow, bail, Context as _};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::*;
use entity::*;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, TransactionTrait};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The embedded data files, one per partnership.
pub const DEMO_FILES: [(&str, &str); 2] = [
    ("bromley.json", include_str!("../seed/bromley.json")),
    (
        "barking-dagenham.json",
        include_str!("../seed/barking-dagenham.json"),
    ),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataSet {
    partnership: PartnershipRec,
    #[serde(default)]
    organisations: Vec<OrganisationRec>,
    #[serde(default)]
    people: Vec<PersonRec>,
    #[serde(default)]
    boards: Vec<BoardRec>,
    #[serde(default)]
    memberships: Vec<MembershipRec>,
    #[serde(default)]
    meetings: Vec<MeetingRec>,
    #[serde(default)]
    strategies: Vec<StrategyRec>,
    #[serde(default)]
    reviews: Vec<ReviewRec>,
    #[serde(default)]
    actions: Vec<ActionRec>,
    #[serde(default)]
    indicators: Vec<IndicatorRec>,
    /// People who administer the partnership (boards, seats, clearances, audit log).
    #[serde(default)]
    administrators: Vec<AdministratorRec>,
    #[serde(default)]
    posts: Vec<PostRec>,
}

/// Where a record came from. Every record names the paper (and minute, page or table) it was read
/// from; `invented` says that some of its values are not in any paper, and the note says which.
/// Loaded into `provenance` so the API can tell facts from invention.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Origin {
    source: Option<String>,
    #[serde(default)]
    invented: bool,
    invented_note: Option<String>,
}

/// A post named by the papers as a lead ("Head of Safer Communities"), with the people known to
/// have held it; an action led by a post names nobody the paper does not.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostRec {
    key: String,
    organisation: String,
    title: String,
    #[serde(default)]
    holders: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdministratorRec {
    person: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartnershipRec {
    key: String,
    name: String,
    area: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganisationRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    name: String,
    short_name: Option<String>,
    kind: OrganisationKind,
    #[serde(default)]
    responsible_authority: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    organisation: String,
    name: String,
    post_title: Option<String>,
    initials: Option<String>,
    email: Option<String>,
    subject: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BoardRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    name: String,
    kind: BoardKind,
    parent: Option<String>,
    visibility: Visibility,
    meeting_frequency: Option<String>,
    terms_of_reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MembershipRec {
    #[serde(flatten)]
    origin: Origin,
    board: String,
    person: String,
    role: MembershipRole,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    #[serde(default)]
    restricted_clearance: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeetingRec {
    #[serde(flatten)]
    origin: Origin,
    board: String,
    starts_at: DateTime<Utc>,
    venue: Option<String>,
    status: MeetingStatus,
    minutes_status: Option<MinutesStatus>,
    visibility: Visibility,
    #[serde(default)]
    attendance: Vec<AttendanceRec>,
    #[serde(default)]
    declarations: Vec<DeclarationRec>,
    #[serde(default)]
    agenda: Vec<AgendaRec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttendanceRec {
    person: String,
    status: AttendanceStatus,
    substitute_for: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeclarationRec {
    person: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgendaRec {
    ordinal: i32,
    sub_letter: Option<String>,
    title: String,
    presenter: Option<String>,
    item_type: AgendaItemType,
    time_allowed_minutes: Option<i32>,
    visibility: Visibility,
    /// The board whose cleared seats see a restricted item, when not the meeting's board.
    board: Option<String>,
    stub_title: Option<String>,
    minute_number: Option<i32>,
    minute_text: Option<String>,
    #[serde(default)]
    resolutions: Vec<ResolutionRec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResolutionRec {
    key: String,
    text: String,
    owners_initials: Option<String>,
    /// `noted` for a matter the board noted for follow-up without a resolution.
    #[serde(default = "resolved")]
    kind: ResolutionKind,
}

fn resolved() -> ResolutionKind {
    ResolutionKind::Resolved
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StrategyRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    title: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    #[serde(default)]
    priorities: Vec<PriorityRec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriorityRec {
    key: String,
    number: i32,
    title: String,
    aim: Option<String>,
    lead_person: Option<String>,
    lead_organisation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActionRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    board: Option<String>,
    resolution: Option<String>,
    priority: Option<String>,
    review: Option<String>,
    title: String,
    expected_outcome: Option<String>,
    lead_person: Option<String>,
    lead_organisation: Option<String>,
    #[serde(default)]
    supporting: Vec<String>,
    start_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    resources_required: Option<String>,
    risks: Option<String>,
    /// Null in the papers where no progress was reported: stored as 0.
    percent_complete: Option<i32>,
    rag: Option<Rag>,
    status: ActionStatus,
    visibility: Visibility,
    #[serde(default)]
    updates: Vec<UpdateRec>,
    /// The post that leads it, where the paper names a post rather than a person.
    lead_post: Option<String>,
    /// How the matters arising report words it (see `action.matter`).
    matter: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRec {
    author: Option<String>,
    reported_on: NaiveDate,
    period: Option<String>,
    rag: Option<Rag>,
    percent_complete: Option<i32>,
    narrative: String,
    /// The status the action entered with this entry.
    status: Option<ActionStatus>,
    /// Carried forward on (true) or taken off (false) the matters arising list.
    on_matters_arising: Option<bool>,
    /// Read off a paper (named in `source`) rather than reported.
    #[serde(default)]
    inferred: bool,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndicatorRec {
    #[serde(flatten)]
    origin: Origin,
    board: Option<String>,
    name: String,
    unit: String,
    polarity: Polarity,
    target_low: Option<f64>,
    target_high: Option<f64>,
    visibility: Visibility,
    #[serde(default)]
    readings: Vec<ReadingRec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadingRec {
    period: String,
    period_end: NaiveDate,
    value: Option<f64>,
    previous_value: Option<f64>,
    change: Option<f64>,
    comparator_name: Option<String>,
    comparator_value: Option<f64>,
    rag: Option<Rag>,
    commentary: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewRec {
    #[serde(flatten)]
    origin: Origin,
    key: String,
    board: String,
    pseudonym: String,
    status: ReviewStatus,
    notified_on: Option<NaiveDate>,
    commissioned_on: Option<NaiveDate>,
    submitted_on: Option<NaiveDate>,
    qa_panel_on: Option<NaiveDate>,
    published_on: Option<NaiveDate>,
    summary: Option<String>,
}

/// Key → UUID maps, shared across files so shared organisations and people are one record.
#[derive(Default)]
struct Keys {
    organisations: HashMap<String, Uuid>,
    people: HashMap<String, Uuid>,
    boards: HashMap<String, Uuid>,
    resolutions: HashMap<String, Uuid>,
    priorities: HashMap<String, Uuid>,
    reviews: HashMap<String, Uuid>,
    posts: HashMap<String, Uuid>,
}

fn find(map: &HashMap<String, Uuid>, what: &str, key: &str) -> anyhow::Result<Uuid> {
    map.get(key)
        .copied()
        .ok_or_else(|| anyhow!("unknown {what} key `{key}`"))
}

fn find_opt(
    map: &HashMap<String, Uuid>,
    what: &str,
    key: Option<&String>,
) -> anyhow::Result<Option<Uuid>> {
    key.map(|k| find(map, what, k)).transpose()
}

/// Records where `id` (a row of `table`) came from; a record without a source is an error, so
/// nothing enters the demo data without saying which paper it is from.
async fn record_origin<C: ConnectionTrait>(
    db: &C,
    table: &str,
    id: Uuid,
    what: &str,
    origin: &Origin,
) -> anyhow::Result<()> {
    let source = origin
        .source
        .clone()
        .ok_or_else(|| anyhow!("{table} `{what}` names no source paper"))?;
    if origin.invented && origin.invented_note.is_none() {
        bail!("{table} `{what}` is marked invented without saying what was invented");
    }
    // People, organisations, boards and seats are seen far more widely than restricted business:
    // their notes must not say who is cleared, who sat on a review, or that one exists.
    if matches!(
        table,
        "person" | "organisation" | "board" | "board_membership"
    ) {
        let note = origin.invented_note.as_deref().unwrap_or("").to_lowercase();
        if let Some(word) = ["clear", "dhr", "homicide", "task and finish", "marac case"]
            .into_iter()
            .find(|w| note.contains(w))
        {
            bail!("{table} `{what}`: its note mentions `{word}`, which is for cleared seats only");
        }
    }
    provenance::ActiveModel {
        entity_type: Set(table.into()),
        entity_id: Set(id),
        source: Set(source),
        invented: Set(origin.invented),
        note: Set(origin.invented_note.clone()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A closed action must say when it closed (an entry with its status), and an inferred entry
/// which paper it was inferred from: the past meetings' records are rebuilt from these.
fn check_history(a: &ActionRec) -> anyhow::Result<()> {
    if a.status != ActionStatus::Open && !a.updates.iter().any(|u| u.status == Some(a.status)) {
        bail!(
            "action `{}` is {:?} but no update says when",
            a.key,
            a.status
        );
    }
    if let Some(u) = a.updates.iter().find(|u| u.inferred && u.source.is_none()) {
        bail!(
            "action `{}`: inferred entry of {} names no source",
            a.key,
            u.reported_on
        );
    }
    Ok(())
}

/// Loads every embedded demo file in one transaction.
pub async fn load_demo(db: &DatabaseConnection) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let mut keys = Keys::default();
    for (name, text) in DEMO_FILES {
        let data: DataSet =
            serde_json::from_str(text).with_context(|| format!("parsing seed file {name}"))?;
        load_one(&txn, &mut keys, data)
            .await
            .with_context(|| format!("loading seed file {name}"))?;
    }
    txn.commit().await?;
    Ok(())
}

/// The demo's clearances, granted as the rules require: asked for by one person and approved by
/// a second, entitled one (the board's cleared chair, or the partnership's administrator for the
/// chair's own seat), never by the person cleared. Approval dates are spread over the past year,
/// so some approvals fall due for review soon. A seat with no possible second person stays a
/// pending request rather than being granted on one person's word.
async fn grant_demo_clearances<C: ConnectionTrait>(
    db: &C,
    partnership_id: Uuid,
    seats: &[board_membership::Model],
    admins: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use entity::enums::ClearanceStatus;
    let is_chair = |s: &board_membership::Model| {
        matches!(
            s.role,
            MembershipRole::Chair | MembershipRole::JointChair | MembershipRole::ViceChair
        )
    };
    for (i, seat) in seats.iter().enumerate() {
        let chair = seats
            .iter()
            .find(|c| c.board_id == seat.board_id && is_chair(c) && c.person_id != seat.person_id)
            .map(|c| c.person_id);
        let admin = admins.iter().copied().find(|a| *a != seat.person_id);
        let (requester, approver) = match (chair, admin) {
            (Some(chair), Some(admin)) => (Some(admin), Some(chair)),
            (Some(chair), None) => (Some(seat.person_id), Some(chair)),
            (None, Some(admin)) => (Some(seat.person_id), Some(admin)),
            (None, None) => (Some(seat.person_id), None),
        };
        // Deterministic spread: approved between 2 and 332 days ago.
        let decided = now - chrono::Duration::days(2 + (i as i64 * 47) % 331);
        let requested = decided - chrono::Duration::days(3);
        let approved = approver.is_some();
        clearance::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(partnership_id),
            board_id: Set(seat.board_id),
            membership_id: Set(seat.id),
            person_id: Set(seat.person_id),
            status: Set(if approved {
                ClearanceStatus::Approved
            } else {
                ClearanceStatus::Pending
            }),
            requested_by_id: Set(requester),
            requested_at: Set(requested),
            request_reason: Set(Some(
                "demo data: seat on the board's case discussion".into(),
            )),
            decided_by_id: Set(approver),
            decided_at: Set(approved.then_some(decided)),
            decision_note: Set(None),
            expires_at: Set(approved.then(|| decided + chrono::Months::new(12))),
            ended_by_id: Set(None),
            ended_at: Set(None),
            end_reason: Set(None),
            renewed_from_id: Set(None),
            created_at: Set(requested),
            updated_at: Set(decided),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn load_one<C: ConnectionTrait>(
    db: &C,
    keys: &mut Keys,
    data: DataSet,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let partnership_id = Uuid::now_v7();
    partnership::ActiveModel {
        id: Set(partnership_id),
        slug: Set(data.partnership.key),
        name: Set(data.partnership.name),
        area: Set(data.partnership.area),
        require_access_purpose: Set(false),
        clearance_validity_months: Set(12),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;

    for o in data.organisations {
        let id = match keys.organisations.get(&o.key) {
            Some(id) => *id,
            None => {
                let id = Uuid::now_v7();
                organisation::ActiveModel {
                    id: Set(id),
                    name: Set(o.name),
                    short_name: Set(o.short_name),
                    kind: Set(o.kind),
                    responsible_authority: Set(o.responsible_authority),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
                record_origin(db, "organisation", id, &o.key, &o.origin).await?;
                keys.organisations.insert(o.key, id);
                id
            }
        };
        organisation_partnership::ActiveModel {
            id: Set(Uuid::now_v7()),
            organisation_id: Set(id),
            partnership_id: Set(partnership_id),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }

    for p in data.people {
        if keys.people.contains_key(&p.key) {
            continue;
        }
        let id = Uuid::now_v7();
        person::ActiveModel {
            id: Set(id),
            organisation_id: Set(find(&keys.organisations, "organisation", &p.organisation)?),
            name: Set(p.name),
            post_title: Set(p.post_title),
            initials: Set(p.initials),
            email: Set(p.email),
            subject: Set(Some(p.subject.unwrap_or_else(|| p.key.clone()))),
            identity_issuer: Set(None),
            active: Set(true),
            organisation_editor: Set(false),
            external_id: Set(None),
            removed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        record_origin(db, "person", id, &p.key, &p.origin).await?;
        keys.people.insert(p.key, id);
    }

    // Boards may name a parent later in the list: assign ids first.
    for b in &data.boards {
        if keys.boards.insert(b.key.clone(), Uuid::now_v7()).is_some() {
            bail!("duplicate board key `{}`", b.key);
        }
    }
    let mut pending: Vec<&BoardRec> = data.boards.iter().collect();
    let mut inserted = std::collections::HashSet::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for b in pending {
            if b.parent
                .as_ref()
                .is_some_and(|p| !inserted.contains(p.as_str()))
                && data
                    .boards
                    .iter()
                    .any(|x| Some(&x.key) == b.parent.as_ref())
            {
                rest.push(b);
                continue;
            }
            board::ActiveModel {
                id: Set(keys.boards[&b.key]),
                partnership_id: Set(partnership_id),
                parent_id: Set(find_opt(&keys.boards, "board", b.parent.as_ref())?),
                name: Set(b.name.clone()),
                kind: Set(b.kind),
                visibility: Set(b.visibility),
                meeting_frequency: Set(b.meeting_frequency.clone()),
                terms_of_reference: Set(b.terms_of_reference.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            record_origin(db, "board", keys.boards[&b.key], &b.key, &b.origin).await?;
            inserted.insert(b.key.as_str());
        }
        if rest.len() == before {
            bail!("board parents form a cycle");
        }
        pending = rest;
    }

    for a in &data.administrators {
        partnership_administrator::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(partnership_id),
            person_id: Set(find(&keys.people, "person", &a.person)?),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }

    let mut admins = Vec::new();
    for a in &data.administrators {
        admins.push(find(&keys.people, "person", &a.person)?);
    }
    let mut cleared_seats = Vec::new();
    for m in data.memberships {
        let what = format!("{} on {}", m.person, m.board);
        let seat = board_membership::ActiveModel {
            id: Set(Uuid::now_v7()),
            board_id: Set(find(&keys.boards, "board", &m.board)?),
            person_id: Set(find(&keys.people, "person", &m.person)?),
            role: Set(m.role),
            starts_on: Set(m.from),
            ends_on: Set(m.to),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        record_origin(db, "board_membership", seat.id, &what, &m.origin).await?;
        if m.restricted_clearance {
            cleared_seats.push(seat);
        }
    }
    grant_demo_clearances(db, partnership_id, &cleared_seats, &admins, now).await?;

    for p in data.posts {
        let id = Uuid::now_v7();
        post::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership_id),
            organisation_id: Set(find(&keys.organisations, "organisation", &p.organisation)?),
            title: Set(p.title),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        for holder in p.holders {
            post_holder::ActiveModel {
                id: Set(Uuid::now_v7()),
                post_id: Set(id),
                person_id: Set(find(&keys.people, "person", &holder)?),
                starts_on: Set(None),
                ends_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
        keys.posts.insert(p.key, id);
    }

    for m in data.meetings {
        let meeting_id = Uuid::now_v7();
        let board_id = find(&keys.boards, "board", &m.board)?;
        meeting::ActiveModel {
            id: Set(meeting_id),
            partnership_id: Set(partnership_id),
            board_id: Set(board_id),
            starts_at: Set(m.starts_at),
            venue: Set(m.venue),
            // The papers of a meeting that has taken place show it was held, whether or not its
            // minutes were approved: a past meeting the papers call "scheduled" was only so
            // when they were printed.
            status: Set(match m.status {
                MeetingStatus::Scheduled if m.starts_at < Utc::now() => MeetingStatus::Held,
                status => status,
            }),
            minutes_status: Set(m.minutes_status.unwrap_or(MinutesStatus::Draft)),
            visibility: Set(m.visibility),
            cancelled_reason: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        let what = format!("{} {}", m.board, m.starts_at.date_naive());
        record_origin(db, "meeting", meeting_id, &what, &m.origin).await?;
        for a in m.attendance {
            attendance::ActiveModel {
                id: Set(Uuid::now_v7()),
                meeting_id: Set(meeting_id),
                person_id: Set(find(&keys.people, "person", &a.person)?),
                status: Set(a.status),
                substitute_for_id: Set(find_opt(
                    &keys.people,
                    "person",
                    a.substitute_for.as_ref(),
                )?),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
        for d in m.declarations {
            declaration_of_interest::ActiveModel {
                id: Set(Uuid::now_v7()),
                meeting_id: Set(meeting_id),
                person_id: Set(find(&keys.people, "person", &d.person)?),
                interest: Set(d.text),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
        for item in m.agenda {
            let item_id = Uuid::now_v7();
            agenda_item::ActiveModel {
                id: Set(item_id),
                partnership_id: Set(partnership_id),
                board_id: Set(
                    find_opt(&keys.boards, "board", item.board.as_ref())?.unwrap_or(board_id)
                ),
                meeting_id: Set(meeting_id),
                ordinal: Set(item.ordinal),
                sub_letter: Set(item.sub_letter),
                title: Set(item.title),
                stub_title: Set(item.stub_title),
                presenter: Set(item.presenter),
                item_type: Set(item.item_type),
                time_allowed_minutes: Set(item.time_allowed_minutes),
                visibility: Set(item.visibility),
                minute_number: Set(item.minute_number),
                minute_text: Set(item.minute_text),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            for (i, r) in item.resolutions.into_iter().enumerate() {
                let id = Uuid::now_v7();
                resolution::ActiveModel {
                    id: Set(id),
                    agenda_item_id: Set(item_id),
                    ordinal: Set(i as i32 + 1),
                    text: Set(r.text),
                    owners_initials: Set(r.owners_initials),
                    kind: Set(r.kind),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(db)
                .await?;
                keys.resolutions.insert(r.key, id);
            }
        }
    }

    for s in data.strategies {
        let strategy_id = Uuid::now_v7();
        strategy::ActiveModel {
            id: Set(strategy_id),
            partnership_id: Set(partnership_id),
            title: Set(s.title),
            period_start: Set(s.period_start),
            period_end: Set(s.period_end),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .with_context(|| format!("strategy `{}`", s.key))?;
        record_origin(db, "strategy", strategy_id, &s.key, &s.origin).await?;
        for p in s.priorities {
            let id = Uuid::now_v7();
            priority::ActiveModel {
                id: Set(id),
                strategy_id: Set(strategy_id),
                partnership_id: Set(partnership_id),
                number: Set(p.number),
                title: Set(p.title),
                aim: Set(p.aim),
                lead_person_id: Set(find_opt(&keys.people, "person", p.lead_person.as_ref())?),
                lead_organisation_id: Set(find_opt(
                    &keys.organisations,
                    "organisation",
                    p.lead_organisation.as_ref(),
                )?),
                lead_post_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            keys.priorities.insert(p.key, id);
        }
    }

    for r in data.reviews {
        let id = Uuid::now_v7();
        domestic_homicide_review::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership_id),
            board_id: Set(find(&keys.boards, "board", &r.board)?),
            pseudonym: Set(r.pseudonym),
            status: Set(r.status),
            notified_on: Set(r.notified_on),
            commissioned_on: Set(r.commissioned_on),
            submitted_on: Set(r.submitted_on),
            qa_panel_on: Set(r.qa_panel_on),
            published_on: Set(r.published_on),
            commissioner_copy_sent_on: Set(None),
            summary: Set(r.summary),
            visibility: Set(Visibility::Restricted),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        record_origin(db, "domestic_homicide_review", id, &r.key, &r.origin).await?;
        keys.reviews.insert(r.key, id);
    }

    for a in data.actions {
        let action_id = Uuid::now_v7();
        let what = a.key.clone();
        check_history(&a)?;
        let percent_complete = a.percent_complete.unwrap_or(0);
        if !(0..=100).contains(&percent_complete) {
            bail!("action `{}`: percentComplete out of range", a.title);
        }
        action::ActiveModel {
            id: Set(action_id),
            partnership_id: Set(partnership_id),
            board_id: Set(find_opt(&keys.boards, "board", a.board.as_ref())?),
            resolution_id: Set(find_opt(
                &keys.resolutions,
                "resolution",
                a.resolution.as_ref(),
            )?),
            priority_id: Set(find_opt(&keys.priorities, "priority", a.priority.as_ref())?),
            review_id: Set(find_opt(&keys.reviews, "review", a.review.as_ref())?),
            title: Set(a.title),
            matter: Set(a.matter),
            lead_post_id: Set(find_opt(&keys.posts, "post", a.lead_post.as_ref())?),
            expected_outcome: Set(a.expected_outcome),
            lead_person_id: Set(find_opt(&keys.people, "person", a.lead_person.as_ref())?),
            lead_organisation_id: Set(find_opt(
                &keys.organisations,
                "organisation",
                a.lead_organisation.as_ref(),
            )?),
            start_date: Set(a.start_date),
            due_date: Set(a.due_date),
            resources_required: Set(a.resources_required),
            risks: Set(a.risks),
            percent_complete: Set(percent_complete),
            rag: Set(a.rag),
            status: Set(a.status),
            visibility: Set(a.visibility),
            version: Set(1),
            status_reason: Set(None),
            missed_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        record_origin(db, "action", action_id, &what, &a.origin).await?;
        for p in a.supporting {
            action_supporter::ActiveModel {
                id: Set(Uuid::now_v7()),
                action_id: Set(action_id),
                person_id: Set(find(&keys.people, "person", &p)?),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
        }
        for u in a.updates {
            action_update::ActiveModel {
                id: Set(Uuid::now_v7()),
                action_id: Set(action_id),
                author_id: Set(find_opt(&keys.people, "person", u.author.as_ref())?),
                reported_on: Set(u.reported_on),
                period: Set(u.period),
                rag: Set(u.rag),
                percent_complete: Set(u.percent_complete),
                narrative: Set(u.narrative),
                status: Set(u.status),
                on_matters_arising: Set(u.on_matters_arising),
                inferred: Set(u.inferred),
                source: Set(u.source),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }

    for i in data.indicators {
        let indicator_id = Uuid::now_v7();
        indicator::ActiveModel {
            id: Set(indicator_id),
            partnership_id: Set(partnership_id),
            board_id: Set(find_opt(&keys.boards, "board", i.board.as_ref())?),
            name: Set(i.name.clone()),
            unit: Set(i.unit),
            polarity: Set(i.polarity),
            target_low: Set(i.target_low),
            target_high: Set(i.target_high),
            visibility: Set(i.visibility),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        record_origin(db, "indicator", indicator_id, &i.name, &i.origin).await?;
        for r in i.readings {
            indicator_reading::ActiveModel {
                id: Set(Uuid::now_v7()),
                indicator_id: Set(indicator_id),
                period: Set(r.period),
                period_end: Set(r.period_end),
                value: Set(r.value),
                previous_value: Set(r.previous_value),
                change: Set(r.change),
                comparator_name: Set(r.comparator_name),
                comparator_value: Set(r.comparator_value),
                rag: Set(r.rag),
                commentary: Set(r.commentary),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
