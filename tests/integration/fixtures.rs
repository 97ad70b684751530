//! Builders for test data, written straight to the test's database.
//!
//! [`World::build`] creates a small partnership with one record at each visibility level and the
//! four callers the access rules distinguish, so each test reads as "who asks, what do they see".

use chrono::{NaiveDate, TimeZone, Utc};
use entity::enums::*;
use entity::*;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

/// Subjects of the test callers.
pub const PARTNER: &str = "partner-no-seat";
pub const MEMBER: &str = "marac-member-uncleared";
pub const CLEARED: &str = "marac-member-cleared";
pub const OUTSIDER: &str = "outsider";
pub const LEAD: &str = "strategic-lead";
pub const CHAIR: &str = "strategic-chair";

/// The callers the read rules distinguish, as [`World`] makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// No token.
    Anonymous,
    /// A person of the partnership without a seat.
    Partner,
    /// A MARAC member without clearance.
    Uncleared,
    /// A cleared MARAC member.
    Cleared,
    /// A person of another partnership.
    Outsider,
}

impl Caller {
    pub const ALL: [Caller; 5] = [
        Caller::Anonymous,
        Caller::Partner,
        Caller::Uncleared,
        Caller::Cleared,
        Caller::Outsider,
    ];

    /// The token subject (`None`: anonymous).
    pub fn subject(self) -> Option<&'static str> {
        match self {
            Caller::Anonymous => None,
            Caller::Partner => Some(PARTNER),
            Caller::Uncleared => Some(MEMBER),
            Caller::Cleared => Some(CLEARED),
            Caller::Outsider => Some(OUTSIDER),
        }
    }

    /// A name for assertion messages.
    pub fn label(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Partner => "partner",
            Caller::Uncleared => "uncleared",
            Caller::Cleared => "cleared",
            Caller::Outsider => "outsider",
        }
    }
}

/// One expected value per [`Caller`], by name.
#[derive(Debug, Clone, Copy)]
pub struct ByCaller<T> {
    pub anonymous: T,
    pub partner: T,
    pub uncleared: T,
    pub cleared: T,
    pub outsider: T,
}

impl<T: Copy> ByCaller<T> {
    /// What `caller` should get.
    pub fn of(&self, caller: Caller) -> T {
        match caller {
            Caller::Anonymous => self.anonymous,
            Caller::Partner => self.partner,
            Caller::Uncleared => self.uncleared,
            Caller::Cleared => self.cleared,
            Caller::Outsider => self.outsider,
        }
    }
}

/// Fresh builders on one database.
pub struct Builder<'a> {
    pub db: &'a DatabaseConnection,
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

impl<'a> Builder<'a> {
    pub async fn partnership(&self, slug: &str) -> Uuid {
        let id = Uuid::now_v7();
        partnership::ActiveModel {
            id: Set(id),
            slug: Set(slug.into()),
            name: Set(format!("{slug} CSP")),
            area: Set(None),
            require_access_purpose: Set(false),
            clearance_validity_months: Set(12),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    pub async fn organisation(&self, name: &str, serves: &[Uuid]) -> Uuid {
        let id = Uuid::now_v7();
        organisation::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
            short_name: Set(None),
            kind: Set(OrganisationKind::Police),
            responsible_authority: Set(true),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        for p in serves {
            organisation_partnership::ActiveModel {
                id: Set(Uuid::now_v7()),
                organisation_id: Set(id),
                partnership_id: Set(*p),
                created_at: Set(now()),
            }
            .insert(self.db)
            .await
            .unwrap();
        }
        id
    }

    pub async fn person(&self, organisation: Uuid, subject: &str) -> Uuid {
        let id = Uuid::now_v7();
        person::ActiveModel {
            id: Set(id),
            organisation_id: Set(organisation),
            name: Set(format!("Person {subject}")),
            post_title: Set(Some("Officer".into())),
            initials: Set(Some("PX".into())),
            email: Set(Some(format!("{subject}@example.org"))),
            subject: Set(Some(subject.into())),
            identity_issuer: Set(None),
            active: Set(true),
            organisation_editor: Set(false),
            external_id: Set(None),
            removed_at: Set(None),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    /// A new person of `organisation` (see [`Self::person`]) who administers `partnership`.
    pub async fn administrator(
        &self,
        partnership: Uuid,
        organisation: Uuid,
        subject: &str,
    ) -> Uuid {
        let id = self.person(organisation, subject).await;
        self.administrator_of(partnership, id).await;
        id
    }

    /// Makes an existing person an administrator of `partnership`.
    pub async fn administrator_of(&self, partnership: Uuid, person: Uuid) {
        entity::partnership_administrator::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(partnership),
            person_id: Set(person),
            created_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
    }

    pub async fn board(&self, partnership: Uuid, name: &str, visibility: Visibility) -> Uuid {
        let id = Uuid::now_v7();
        board::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership),
            parent_id: Set(None),
            name: Set(name.into()),
            kind: Set(BoardKind::OperationalPanel),
            visibility: Set(visibility),
            meeting_frequency: Set(None),
            terms_of_reference: Set(None),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    pub async fn seat(
        &self,
        board: Uuid,
        person: Uuid,
        cleared: bool,
        ends_on: Option<NaiveDate>,
    ) -> Uuid {
        self.seat_as(board, person, MembershipRole::Member, cleared, ends_on)
            .await
    }

    pub async fn seat_as(
        &self,
        board: Uuid,
        person: Uuid,
        role: MembershipRole,
        cleared: bool,
        ends_on: Option<NaiveDate>,
    ) -> Uuid {
        let id = Uuid::now_v7();
        board_membership::ActiveModel {
            id: Set(id),
            board_id: Set(board),
            person_id: Set(person),
            role: Set(role),
            starts_on: Set(None),
            ends_on: Set(ends_on),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        if cleared {
            self.clearance(
                id,
                ClearanceStatus::Approved,
                Some(now() + chrono::Duration::days(365)),
            )
            .await;
        }
        id
    }

    /// A clearance on a seat, as if requested and decided by people outside the test.
    pub async fn clearance(
        &self,
        seat: Uuid,
        status: ClearanceStatus,
        expires_at: Option<chrono::DateTime<Utc>>,
    ) -> Uuid {
        use sea_orm::EntityTrait;
        let s = board_membership::Entity::find_by_id(seat)
            .one(self.db)
            .await
            .unwrap()
            .expect("seat");
        let b = board::Entity::find_by_id(s.board_id)
            .one(self.db)
            .await
            .unwrap()
            .expect("board");
        let id = Uuid::now_v7();
        clearance::ActiveModel {
            id: Set(id),
            partnership_id: Set(b.partnership_id),
            board_id: Set(b.id),
            membership_id: Set(seat),
            person_id: Set(s.person_id),
            status: Set(status),
            requested_by_id: Set(None),
            requested_at: Set(now()),
            request_reason: Set(None),
            decided_by_id: Set(None),
            decided_at: Set((status != ClearanceStatus::Pending).then(now)),
            decision_note: Set(None),
            expires_at: Set(expires_at),
            ended_by_id: Set(None),
            ended_at: Set(None),
            end_reason: Set(None),
            renewed_from_id: Set(None),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    pub async fn meeting(
        &self,
        partnership: Uuid,
        board: Uuid,
        day: u32,
        visibility: Visibility,
    ) -> Uuid {
        let id = Uuid::now_v7();
        meeting::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership),
            board_id: Set(board),
            starts_at: Set(Utc.with_ymd_and_hms(2026, 1, day, 10, 0, 0).unwrap()),
            venue: Set(Some("Civic Centre".into())),
            status: Set(MeetingStatus::Held),
            minutes_status: Set(MinutesStatus::Approved),
            visibility: Set(visibility),
            cancelled_reason: Set(None),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn agenda_item(
        &self,
        partnership: Uuid,
        board: Uuid,
        meeting: Uuid,
        ordinal: i32,
        title: &str,
        visibility: Visibility,
        stub: Option<&str>,
    ) -> Uuid {
        let id = Uuid::now_v7();
        agenda_item::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership),
            board_id: Set(board),
            meeting_id: Set(meeting),
            ordinal: Set(ordinal),
            sub_letter: Set(None),
            title: Set(title.into()),
            stub_title: Set(stub.map(Into::into)),
            presenter: Set(Some("Chair".into())),
            item_type: Set(AgendaItemType::Discussion),
            time_allowed_minutes: Set(Some(10)),
            visibility: Set(visibility),
            minute_number: Set(Some(80 + ordinal)),
            minute_text: Set(Some(format!("Minute text of {title}"))),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    pub async fn resolution(&self, item: Uuid, text: &str) -> Uuid {
        let id = Uuid::now_v7();
        resolution::ActiveModel {
            id: Set(id),
            agenda_item_id: Set(item),
            ordinal: Set(1),
            text: Set(text.into()),
            owners_initials: Set(Some("PX".into())),
            kind: Set(entity::enums::ResolutionKind::Resolved),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    /// A strategy with one priority (number 1, led by `lead` of `organisation`).
    pub async fn strategy_with_priority(
        &self,
        partnership: Uuid,
        priority_title: &str,
        lead: Uuid,
        organisation: Uuid,
    ) -> (Uuid, Uuid) {
        let strategy = entity::strategy::ActiveModel {
            id: Set(Uuid::now_v7()),
            partnership_id: Set(partnership),
            title: Set("Community Safety Strategy 2024-27".into()),
            period_start: Set(NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()),
            period_end: Set(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        let priority = entity::priority::ActiveModel {
            id: Set(Uuid::now_v7()),
            strategy_id: Set(strategy.id),
            partnership_id: Set(partnership),
            number: Set(1),
            title: Set(priority_title.into()),
            aim: Set(None),
            lead_person_id: Set(Some(lead)),
            lead_organisation_id: Set(Some(organisation)),
            lead_post_id: Set(None),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        (strategy.id, priority.id)
    }

    pub fn action(&self, partnership: Uuid, title: &str) -> ActionBuilder<'a> {
        ActionBuilder {
            db: self.db,
            model: action::ActiveModel {
                id: Set(Uuid::now_v7()),
                partnership_id: Set(partnership),
                board_id: Set(None),
                resolution_id: Set(None),
                priority_id: Set(None),
                review_id: Set(None),
                title: Set(title.into()),
                expected_outcome: Set(None),
                lead_person_id: Set(None),
                lead_organisation_id: Set(None),
                start_date: Set(None),
                due_date: Set(None),
                resources_required: Set(None),
                risks: Set(None),
                percent_complete: Set(0),
                rag: Set(None),
                status: Set(ActionStatus::Open),
                visibility: Set(Visibility::Public),
                version: Set(1),
                status_reason: Set(None),
                missed_reason: Set(None),
                created_at: Set(now()),
                updated_at: Set(now()),
                ..Default::default()
            },
        }
    }

    pub async fn update(
        &self,
        action: Uuid,
        author: Option<Uuid>,
        reported_on: NaiveDate,
        narrative: &str,
    ) -> Uuid {
        let id = Uuid::now_v7();
        action_update::ActiveModel {
            id: Set(id),
            action_id: Set(action),
            author_id: Set(author),
            reported_on: Set(reported_on),
            period: Set(Some("2025/26 Q3".into())),
            rag: Set(Some(Rag::Amber)),
            percent_complete: Set(Some(50)),
            narrative: Set(narrative.into()),
            status: Set(None),
            on_matters_arising: Set(None),
            inferred: Set(false),
            source: Set(None),
            created_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }

    pub async fn review(
        &self,
        partnership: Uuid,
        board: Uuid,
        pseudonym: &str,
        status: ReviewStatus,
    ) -> Uuid {
        let id = Uuid::now_v7();
        domestic_homicide_review::ActiveModel {
            id: Set(id),
            partnership_id: Set(partnership),
            board_id: Set(board),
            pseudonym: Set(pseudonym.into()),
            status: Set(status),
            notified_on: Set(NaiveDate::from_ymd_opt(2025, 3, 1)),
            commissioned_on: Set(None),
            submitted_on: Set(None),
            qa_panel_on: Set(None),
            published_on: Set(None),
            commissioner_copy_sent_on: Set(None),
            summary: Set(Some(format!("Summary of {pseudonym}"))),
            visibility: Set(Visibility::Restricted),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(self.db)
        .await
        .unwrap();
        id
    }
}

/// Builds one action.
pub struct ActionBuilder<'a> {
    db: &'a DatabaseConnection,
    model: action::ActiveModel,
}

impl ActionBuilder<'_> {
    pub fn board(mut self, board: Uuid) -> Self {
        self.model.board_id = Set(Some(board));
        self
    }
    pub fn visibility(mut self, v: Visibility) -> Self {
        self.model.visibility = Set(v);
        self
    }
    pub fn priority(mut self, p: Uuid) -> Self {
        self.model.priority_id = Set(Some(p));
        self
    }
    pub fn resolution(mut self, r: Uuid) -> Self {
        self.model.resolution_id = Set(Some(r));
        self
    }
    pub fn review(mut self, r: Uuid) -> Self {
        self.model.review_id = Set(Some(r));
        self
    }
    pub fn lead(mut self, person: Uuid, organisation: Uuid) -> Self {
        self.model.lead_person_id = Set(Some(person));
        self.model.lead_organisation_id = Set(Some(organisation));
        self
    }
    pub fn rag(mut self, rag: Rag) -> Self {
        self.model.rag = Set(Some(rag));
        self
    }
    pub fn due(mut self, d: NaiveDate) -> Self {
        self.model.due_date = Set(Some(d));
        self
    }
    /// Inserts the action and summarises its access, as the server's writes do (an action left
    /// stale is read with the full rule: `access_summary` tests compare the two).
    pub async fn insert(self) -> Uuid {
        let id = self.model.insert(self.db).await.unwrap().id;
        api::core::access_summary::summarise(self.db).await.unwrap();
        id
    }
}

/// A partnership with one record at each visibility level and the callers that matter.
pub struct World {
    pub partnership: Uuid,
    pub police: Uuid,
    pub strategic_board: Uuid,
    pub marac: Uuid,
    pub meeting: Uuid,
    pub stub_item: Uuid,
    pub hidden_item: Uuid,
    pub restricted_resolution: Uuid,
    pub public_action: Uuid,
    pub restricted_action: Uuid,
    pub stub_item_action: Uuid,
    pub review: Uuid,
    pub review_action: Uuid,
    pub lead: Uuid,
}

/// Title words that appear only in restricted records, for search and leak checks.
pub const SECRET: &str = "Zebracase";

impl World {
    pub async fn build(db: &DatabaseConnection) -> World {
        let b = Builder { db };
        let partnership = b.partnership("testshire").await;
        let other_partnership = b.partnership("elsewhere").await;
        let police = b.organisation("Test Police", &[partnership]).await;
        let other_org = b
            .organisation("Elsewhere Council", &[other_partnership])
            .await;
        b.person(police, PARTNER).await;
        let member = b.person(police, MEMBER).await;
        let cleared = b.person(police, CLEARED).await;
        b.person(other_org, OUTSIDER).await;
        let lead = b.person(police, LEAD).await;

        let strategic_board = b
            .board(partnership, "Strategic Board", Visibility::Public)
            .await;
        let marac = b.board(partnership, "MARAC", Visibility::Partnership).await;
        b.seat(marac, member, false, None).await;
        b.seat(marac, cleared, true, None).await;
        b.seat(strategic_board, lead, false, None).await;
        let chair = b.person(police, CHAIR).await;
        b.seat_as(strategic_board, chair, MembershipRole::Chair, false, None)
            .await;

        let meeting = b
            .meeting(partnership, strategic_board, 10, Visibility::Public)
            .await;
        b.meeting(partnership, marac, 12, Visibility::Partnership)
            .await;
        let public_item = b
            .agenda_item(
                partnership,
                strategic_board,
                meeting,
                1,
                "Community safety update",
                Visibility::Public,
                None,
            )
            .await;
        let public_resolution = b
            .resolution(public_item, "RESOLVED that the update be noted")
            .await;
        let stub_item = b
            .agenda_item(
                partnership,
                marac,
                meeting,
                2,
                &format!("DHR {SECRET} briefing"),
                Visibility::Restricted,
                Some("Domestic Homicide Review – RESTRICTED"),
            )
            .await;
        let restricted_resolution = b
            .resolution(stub_item, &format!("RESOLVED that {SECRET} be escalated"))
            .await;
        let hidden_item = b
            .agenda_item(
                partnership,
                marac,
                meeting,
                3,
                &format!("MARAC case {SECRET}"),
                Visibility::Restricted,
                None,
            )
            .await;

        let public_action = b
            .action(partnership, "Publish the strategy")
            .board(strategic_board)
            .resolution(public_resolution)
            .lead(lead, police)
            .rag(Rag::Green)
            .due(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
            .insert()
            .await;
        b.action(partnership, "Share the problem profile")
            .board(strategic_board)
            .visibility(Visibility::Partnership)
            .rag(Rag::Amber)
            .insert()
            .await;
        let restricted_action = b
            .action(partnership, &format!("Safety plan for {SECRET}"))
            .board(marac)
            .visibility(Visibility::Restricted)
            .rag(Rag::Red)
            .lead(cleared, police)
            .insert()
            .await;
        // Marked public by mistake, but created by a restricted minute: it must stay hidden.
        let stub_item_action = b
            .action(partnership, &format!("Escalate {SECRET}"))
            .board(strategic_board)
            .resolution(restricted_resolution)
            .rag(Rag::Red)
            .insert()
            .await;
        let review = b
            .review(partnership, marac, SECRET, ReviewStatus::Commissioned)
            .await;
        let review_action = b
            .action(partnership, "Review training")
            .board(marac)
            .visibility(Visibility::Public)
            .review(review)
            .rag(Rag::Red)
            .insert()
            .await;
        b.update(
            public_action,
            Some(lead),
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
            "On track",
        )
        .await;
        b.update(
            restricted_action,
            Some(cleared),
            NaiveDate::from_ymd_opt(2025, 12, 2).unwrap(),
            &format!("{SECRET} moved"),
        )
        .await;

        World {
            partnership,
            police,
            strategic_board,
            marac,
            meeting,
            stub_item,
            hidden_item,
            restricted_resolution,
            public_action,
            restricted_action,
            stub_item_action,
            review,
            review_action,
            lead,
        }
    }
}

/// The global ID of a record, as the API writes it.
pub fn gid(kind: api::core::ids::Kind, id: Uuid) -> String {
    api::core::ids::encode(kind, id).to_string()
}
