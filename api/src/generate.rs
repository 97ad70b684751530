//! `csp-hub generate`: a partnership network of any size, for sizing a deployment and for the
//! load benchmark.
//!
//! Deterministic: the same options and seed give the same rows (ids included), so figures from
//! two runs compare. The shape follows a borough-to-region network: per 100,000 actions, 5
//! partnerships, 200 organisations, 2,000 people, 100 boards, 5,000 meetings of 10 agenda items,
//! a resolution for every other item, and 5 progress updates per action. A fifth of the actions
//! come from resolutions, the rest from strategy priorities. Boards, meetings, agenda items and
//! actions are 15 % public, 80 % partnership and 5 % restricted, so need-to-know filtering is
//! exercised as in a real network.
//!
//! Two people are known by name for tokens (`csp-hub token <subject>`): `gen-partner`, with
//! ordinary seats on three boards of the first partnership, and `gen-cleared`, who also holds an
//! approved clearance on that partnership's first restricted board.
//!
//! Rows go in with multi-row inserts sized to each database's bind-parameter limit, one
//! transaction per batch, and a progress line per table.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::enums::*;
use entity::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use uuid::Uuid;

/// The size of the network to make.
#[derive(Debug, Clone, clap::Args)]
pub struct Scale {
    /// Actions to create; the other counts default to their share of this.
    #[arg(long, default_value_t = 100_000)]
    pub actions: usize,
    /// Partnerships (default: 5 per 100,000 actions, at least 1).
    #[arg(long)]
    pub partnerships: Option<usize>,
    /// Boards (default: 100 per 100,000 actions, at least 2 per partnership).
    #[arg(long)]
    pub boards: Option<usize>,
    /// Meetings (default: 5,000 per 100,000 actions).
    #[arg(long)]
    pub meetings: Option<usize>,
    /// People (default: 2,000 per 100,000 actions, at least 50).
    #[arg(long)]
    pub people: Option<usize>,
    /// Progress updates per action.
    #[arg(long, default_value_t = 5)]
    pub updates_per_action: usize,
    /// Agenda items per meeting.
    #[arg(long, default_value_t = 10)]
    pub items_per_meeting: usize,
    /// Seed of the pseudo-random choices.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

impl Scale {
    fn per_100k(&self, n: usize, floor: usize) -> usize {
        (self.actions * n / 100_000).max(floor)
    }
    fn partnerships(&self) -> usize {
        self.partnerships.unwrap_or_else(|| self.per_100k(5, 1))
    }
    fn boards(&self) -> usize {
        self.boards
            .unwrap_or_else(|| self.per_100k(100, 0))
            .max(2 * self.partnerships())
    }
    fn meetings(&self) -> usize {
        self.meetings
            .unwrap_or_else(|| self.per_100k(5_000, 1))
            .max(1)
    }
    fn people(&self) -> usize {
        self.people
            .unwrap_or_else(|| self.per_100k(2_000, 50))
            .max(50)
    }
    fn organisations(&self) -> usize {
        self.per_100k(200, 10)
    }
}

/// What was made, for the summary line.
#[derive(Debug, Default)]
pub struct Generated {
    pub partnerships: usize,
    pub organisations: usize,
    pub people: usize,
    pub boards: usize,
    pub meetings: usize,
    pub agenda_items: usize,
    pub actions: usize,
    pub action_updates: usize,
}

/// Fills an empty (migrated) database; refuses one that already holds partnerships, so it never
/// mixes generated rows into real ones.
pub async fn generate(db: &DatabaseConnection, scale: &Scale) -> anyhow::Result<Generated> {
    if partnership::Entity::find().count(db).await? > 0 {
        anyhow::bail!("the database already holds partnerships; generate fills an empty database");
    }
    let mut g = Generator::new(db, scale);
    g.run().await?;
    Ok(g.made)
}

/// The 15 / 80 / 5 visibility mix.
fn visibility(rng: &mut ChaCha8Rng) -> Visibility {
    match rng.random_range(0..100) {
        0..15 => Visibility::Public,
        15..95 => Visibility::Partnership,
        _ => Visibility::Restricted,
    }
}

struct Generator<'a> {
    db: &'a DatabaseConnection,
    scale: &'a Scale,
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
    /// Most bind parameters one statement may carry on this database.
    max_params: usize,
    made: Generated,
}

impl<'a> Generator<'a> {
    fn new(db: &'a DatabaseConnection, scale: &'a Scale) -> Self {
        let max_params = match db.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => 32_000,
            _ => 65_000,
        };
        Generator {
            db,
            scale,
            rng: ChaCha8Rng::seed_from_u64(scale.seed),
            now: Utc
                .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
                .single()
                .unwrap_or_else(Utc::now),
            max_params,
            made: Generated::default(),
        }
    }

    /// A UUID drawn from the seeded generator, so ids repeat from run to run.
    fn id(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.rng.random_range(0..from.len())]
    }

    fn day(&mut self, from_days_ago: i64, to_days_ahead: i64) -> NaiveDate {
        let offset = self.rng.random_range(-from_days_ago..=to_days_ahead);
        (self.now + Duration::days(offset)).date_naive()
    }

    /// Writes `rows` in statements of as many rows as the parameter limit allows. The columns
    /// per row come from the entity itself, so a migration that adds one cannot push a
    /// statement over the limit.
    async fn flush<A>(&self, table: &str, rows: Vec<A>) -> anyhow::Result<usize>
    where
        A: ActiveModelTrait + Send,
        <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    {
        use sea_orm::Iterable;
        let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
        let per_statement = (self.max_params / columns.max(1)).max(1);
        let total = rows.len();
        let mut rows = rows.into_iter().peekable();
        let mut written = 0;
        while rows.peek().is_some() {
            let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
            written += chunk.len();
            A::Entity::insert_many(chunk)
                .exec_without_returning(self.db)
                .await?;
            if total >= 100_000 && written % (per_statement * 20) < per_statement {
                eprintln!("  {table}: {written} of {total}");
            }
        }
        eprintln!("{table}: {total} rows");
        Ok(total)
    }

    async fn run(&mut self) -> anyhow::Result<()> {
        let now = self.now;
        let scale = self.scale.clone();

        // Partnerships, each with one strategy of five priorities.
        let partnerships: Vec<Uuid> = (0..scale.partnerships()).map(|_| self.id()).collect();
        let mut rows = Vec::new();
        for (i, id) in partnerships.iter().enumerate() {
            rows.push(partnership::ActiveModel {
                id: Set(*id),
                slug: Set(format!("gen-{}", i + 1)),
                name: Set(format!("Generated Community Safety Partnership {}", i + 1)),
                area: Set(Some(format!("Generated area {}", i + 1))),
                require_access_purpose: Set(false),
                clearance_validity_months: Set(12),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        self.made.partnerships = self.flush("partnership", rows).await?;

        // Organisations, each a partner of one partnership (and every tenth of a second one).
        let kinds = [
            OrganisationKind::LocalAuthority,
            OrganisationKind::Police,
            OrganisationKind::Fire,
            OrganisationKind::Health,
            OrganisationKind::Probation,
            OrganisationKind::Housing,
            OrganisationKind::Voluntary,
            OrganisationKind::Education,
        ];
        let mut organisations: Vec<(Uuid, usize)> = Vec::new();
        let (mut orgs, mut links) = (Vec::new(), Vec::new());
        for i in 0..scale.organisations() {
            let id = self.id();
            let home = i % partnerships.len();
            organisations.push((id, home));
            let kind = kinds[i % kinds.len()];
            orgs.push(organisation::ActiveModel {
                id: Set(id),
                name: Set(format!("Generated organisation {}", i + 1)),
                short_name: Set(Some(format!("ORG{}", i + 1))),
                kind: Set(kind),
                responsible_authority: Set(i % kinds.len() < 5),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let mut partners_of = vec![home];
            if i % 10 == 9 && partnerships.len() > 1 {
                partners_of.push((home + 1) % partnerships.len());
            }
            for p in partners_of {
                links.push(organisation_partnership::ActiveModel {
                    id: Set(self.id()),
                    organisation_id: Set(id),
                    partnership_id: Set(partnerships[p]),
                    created_at: Set(now),
                });
            }
        }
        self.made.organisations = self.flush("organisation", orgs).await?;
        self.flush("organisation_partnership", links).await?;

        // People: the first two are the named benchmark callers, in the first partnership.
        let mut people: Vec<(Uuid, Uuid, usize)> = Vec::new();
        let mut rows = Vec::new();
        for i in 0..scale.people() {
            let id = self.id();
            let (org, home) = organisations[i % organisations.len()];
            let subject = match i {
                0 => "gen-partner".to_string(),
                1 => "gen-cleared".to_string(),
                _ => format!("gen-person-{}", i + 1),
            };
            people.push((id, org, home));
            rows.push(person::ActiveModel {
                id: Set(id),
                organisation_id: Set(org),
                name: Set(format!("Generated Person {}", i + 1)),
                post_title: Set(Some("Officer".into())),
                initials: Set(Some(format!("GP{}", i + 1))),
                email: Set(Some(format!("{subject}@example.org"))),
                subject: Set(Some(subject)),
                identity_issuer: Set(None),
                active: Set(true),
                organisation_editor: Set(i % 25 == 0),
                external_id: Set(None),
                removed_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        self.made.people = self.flush("person", rows).await?;

        // Boards: a strategic board per partnership with the rest as its sub-groups; the first
        // sub-group of each partnership is restricted (a MARAC-like panel).
        let mut boards: Vec<(Uuid, usize, Visibility)> = Vec::new();
        let mut rows = Vec::new();
        let mut tops = vec![Uuid::nil(); partnerships.len()];
        for i in 0..scale.boards() {
            let home = i % partnerships.len();
            let id = self.id();
            let first = i < partnerships.len();
            let visibility = if first {
                Visibility::Public
            } else if i < 2 * partnerships.len() {
                Visibility::Restricted
            } else {
                visibility(&mut self.rng)
            };
            if first {
                tops[home] = id;
            }
            boards.push((id, home, visibility));
            rows.push(board::ActiveModel {
                id: Set(id),
                partnership_id: Set(partnerships[home]),
                parent_id: Set((!first).then_some(tops[home])),
                name: Set(format!("Generated board {}", i + 1)),
                kind: Set(if first {
                    BoardKind::StrategicBoard
                } else {
                    BoardKind::SubGroup
                }),
                visibility: Set(visibility),
                meeting_frequency: Set(Some("Quarterly".into())),
                terms_of_reference: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        self.made.boards = self.flush("board", rows).await?;

        // Seats: eight per board from the partnership's people (a chair, a secretary, members);
        // the named callers sit on the first partnership's top board, its restricted board and
        // one more, and the cleared one holds an approved clearance there.
        let mut seats = Vec::new();
        let mut clearances = Vec::new();
        let start = now.date_naive() - Duration::days(400);
        let mut seat = |g: &mut Self, board: Uuid, person: Uuid, role: MembershipRole| {
            let id = g.id();
            seats.push(board_membership::ActiveModel {
                id: Set(id),
                board_id: Set(board),
                person_id: Set(person),
                role: Set(role),
                starts_on: Set(Some(start)),
                ends_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            id
        };
        for &(board, home, _) in &boards {
            let locals: Vec<Uuid> = people
                .iter()
                .skip(2)
                .filter(|p| p.2 == home)
                .map(|p| p.0)
                .collect();
            for k in 0..8.min(locals.len()) {
                let role = match k {
                    0 => MembershipRole::Chair,
                    1 => MembershipRole::Secretary,
                    _ => MembershipRole::Member,
                };
                let person = self.pick(&locals);
                seat(self, board, person, role);
            }
        }
        let first_restricted = boards[partnerships.len()].0;
        let third = boards
            .get(2 * partnerships.len())
            .map_or(boards[0].0, |b| b.0);
        for (who, person) in [(0usize, people[0].0), (1, people[1].0)] {
            for board in [boards[0].0, first_restricted, third] {
                let seat_id = seat(self, board, person, MembershipRole::Member);
                if who == 1 && board == first_restricted {
                    let id = self.id();
                    clearances.push(clearance::ActiveModel {
                        id: Set(id),
                        partnership_id: Set(partnerships[0]),
                        board_id: Set(board),
                        membership_id: Set(seat_id),
                        person_id: Set(person),
                        status: Set(ClearanceStatus::Approved),
                        requested_by_id: Set(None),
                        requested_at: Set(now),
                        request_reason: Set(Some("generated".into())),
                        decided_by_id: Set(None),
                        decided_at: Set(Some(now)),
                        decision_note: Set(None),
                        expires_at: Set(Some(now + Duration::days(3650))),
                        ended_by_id: Set(None),
                        ended_at: Set(None),
                        end_reason: Set(None),
                        renewed_from_id: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
        }
        self.flush("board_membership", seats).await?;
        self.flush("clearance", clearances).await?;

        // Meetings over the last five years, each with its agenda; every other item resolves.
        let mut meetings = Vec::new();
        let mut items = Vec::new();
        let mut resolutions: Vec<(Uuid, usize, Uuid)> = Vec::new();
        let mut resolution_rows = Vec::new();
        for m in 0..scale.meetings() {
            let (board, home, board_visibility) = boards[m % boards.len()];
            let id = self.id();
            let starts_at = now - Duration::days(self.rng.random_range(0..1_825));
            meetings.push(meeting::ActiveModel {
                id: Set(id),
                partnership_id: Set(partnerships[home]),
                board_id: Set(board),
                starts_at: Set(starts_at),
                venue: Set(Some("Civic Centre".into())),
                status: Set(MeetingStatus::Held),
                minutes_status: Set(MinutesStatus::Approved),
                visibility: Set(if board_visibility == Visibility::Restricted {
                    Visibility::Restricted
                } else {
                    visibility(&mut self.rng)
                }),
                cancelled_reason: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for k in 0..scale.items_per_meeting {
                let item = self.id();
                let restricted = self.rng.random_range(0..100) < 5;
                items.push(agenda_item::ActiveModel {
                    id: Set(item),
                    partnership_id: Set(partnerships[home]),
                    board_id: Set(board),
                    meeting_id: Set(id),
                    ordinal: Set(k as i32 + 1),
                    sub_letter: Set(None),
                    title: Set(format!("Item {} of meeting {}", k + 1, m + 1)),
                    stub_title: Set(restricted.then(|| "Restricted item".to_string())),
                    presenter: Set(Some("Chair".into())),
                    item_type: Set(AgendaItemType::Discussion),
                    time_allowed_minutes: Set(Some(10)),
                    visibility: Set(if restricted {
                        Visibility::Restricted
                    } else {
                        visibility(&mut self.rng)
                    }),
                    minute_number: Set(Some((m * scale.items_per_meeting + k) as i32 + 1)),
                    minute_text: Set(Some("The board noted the report.".into())),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                if k % 2 == 1 {
                    let resolution = self.id();
                    resolutions.push((resolution, home, board));
                    resolution_rows.push(resolution::ActiveModel {
                        id: Set(resolution),
                        agenda_item_id: Set(item),
                        ordinal: Set(1),
                        text: Set("Partners to report back to the next meeting.".into()),
                        owners_initials: Set(Some("GP".into())),
                        kind: Set(entity::enums::ResolutionKind::Resolved),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
        }
        self.made.meetings = self.flush("meeting", meetings).await?;
        self.made.agenda_items = self.flush("agenda_item", items).await?;
        self.flush("resolution", resolution_rows).await?;

        // A strategy per partnership with five priorities led by its people.
        let (mut strategies, mut priority_rows) = (Vec::new(), Vec::new());
        let mut priorities: Vec<(Uuid, usize)> = Vec::new();
        for (home, partnership) in partnerships.iter().enumerate() {
            let strategy = self.id();
            strategies.push(strategy::ActiveModel {
                id: Set(strategy),
                partnership_id: Set(*partnership),
                title: Set("Community Safety Strategy 2025-2028".into()),
                period_start: Set(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default()),
                period_end: Set(NaiveDate::from_ymd_opt(2028, 3, 31).unwrap_or_default()),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for n in 1..=5 {
                let id = self.id();
                let lead = people[(home + n * partnerships.len()) % people.len()];
                priorities.push((id, home));
                priority_rows.push(priority::ActiveModel {
                    id: Set(id),
                    strategy_id: Set(strategy),
                    partnership_id: Set(*partnership),
                    number: Set(n as i32),
                    title: Set(format!("Priority {n}")),
                    aim: Set(None),
                    lead_person_id: Set(Some(lead.0)),
                    lead_organisation_id: Set(Some(lead.1)),
                    lead_post_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
        self.flush("strategy", strategies).await?;
        self.flush("priority", priority_rows).await?;

        // Actions, written table by table in slices so memory stays flat at any scale.
        let boards_of: Vec<Vec<Uuid>> = (0..partnerships.len())
            .map(|p| boards.iter().filter(|b| b.1 == p).map(|b| b.0).collect())
            .collect();
        let people_of: Vec<Vec<(Uuid, Uuid)>> = (0..partnerships.len())
            .map(|p| {
                people
                    .iter()
                    .filter(|x| x.2 == p)
                    .map(|x| (x.0, x.1))
                    .collect()
            })
            .collect();
        const SLICE: usize = 20_000;
        let rags = [Rag::Red, Rag::Amber, Rag::Green];
        let mut done = 0;
        while done < scale.actions {
            let (mut actions, mut updates) = (Vec::new(), Vec::new());
            for a in done..(done + SLICE).min(scale.actions) {
                let id = self.id();
                let from_resolution = a % 5 == 0 && !resolutions.is_empty();
                let (home, board, resolution, priority) = if from_resolution {
                    let (r, home, board) = self.pick(&resolutions);
                    (home, board, Some(r), None)
                } else {
                    let (p, home) = self.pick(&priorities);
                    let board = self.pick(&boards_of[home]);
                    (home, board, None, Some(p))
                };
                let (lead, lead_org) = self.pick(&people_of[home]);
                let rag = self.pick(&rags);
                let status = match self.rng.random_range(0..10) {
                    0..6 => ActionStatus::Open,
                    6..9 => ActionStatus::Completed,
                    _ => ActionStatus::Cancelled,
                };
                let start_date = self.day(1_460, 0);
                actions.push(action::ActiveModel {
                    id: Set(id),
                    partnership_id: Set(partnerships[home]),
                    board_id: Set(Some(board)),
                    resolution_id: Set(resolution),
                    priority_id: Set(priority),
                    review_id: Set(None),
                    title: Set(format!("Generated action {}", a + 1)),
                    expected_outcome: Set(Some("Reduced harm in the area.".into())),
                    lead_person_id: Set(Some(lead)),
                    lead_organisation_id: Set(Some(lead_org)),
                    start_date: Set(Some(start_date)),
                    due_date: Set(Some(
                        start_date + Duration::days(self.rng.random_range(30..540)),
                    )),
                    resources_required: Set(None),
                    risks: Set(None),
                    percent_complete: Set(if status == ActionStatus::Completed {
                        100
                    } else {
                        self.rng.random_range(0..100)
                    }),
                    rag: Set(Some(rag)),
                    status: Set(status),
                    visibility: Set(visibility(&mut self.rng)),
                    status_reason: Set((status == ActionStatus::Cancelled)
                        .then(|| "No longer needed.".to_string())),
                    missed_reason: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
                for u in 0..scale.updates_per_action {
                    let uid = self.id();
                    updates.push(action_update::ActiveModel {
                        id: Set(uid),
                        action_id: Set(id),
                        author_id: Set(Some(lead)),
                        reported_on: Set(start_date + Duration::days(30 * (u as i64 + 1))),
                        period: Set(Some(format!("Q{}", u % 4 + 1))),
                        rag: Set(Some(self.pick(&rags))),
                        percent_complete: Set(Some((u as i32 + 1) * 15)),
                        narrative: Set("Work is progressing with partners.".into()),
                        created_at: Set(now),
                        ..Default::default()
                    });
                }
            }
            done = (done + SLICE).min(scale.actions);
            self.made.actions += self.flush("action", actions).await?;
            self.made.action_updates += self.flush("action_update", updates).await?;
            eprintln!("actions: {done} of {}", scale.actions);
        }
        let summarised = crate::core::access_summary::summarise(self.db).await?;
        eprintln!("access summaries: {summarised} actions");
        Ok(())
    }
}
