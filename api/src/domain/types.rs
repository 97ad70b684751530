//! GraphQL mirrors of the stored enumerations, and the security marking shown beside every
//! record that has a visibility level.

use async_graphql::Enum;
use entity::enums as db;

macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
        pub enum $name { $($variant),+ }

        impl From<db::$name> for $name {
            fn from(v: db::$name) -> Self {
                match v { $(db::$name::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for db::$name {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => db::$name::$variant),+ }
            }
        }
    };
}

mirror!(
    /// What sort of agency an organisation is.
    OrganisationKind { Police, Fire, Ambulance, LocalAuthority, Health, Probation, Housing, Voluntary, Education, Government, Other }
);
mirror!(
    /// Where a board sits in the partnership's structure.
    BoardKind { StrategicBoard, SubGroup, OperationalPanel, Forum, TaskAndFinishGroup }
);
mirror!(
    /// Who may see a record: anyone; signed-in people of the partnership; cleared seats of the owning board.
    Visibility { Public, Partnership, Restricted }
);
mirror!(
    /// A person's role on a board.
    MembershipRole { Chair, JointChair, ViceChair, Member, Adviser, Observer, Secretary }
);
mirror!(
    /// Whether a meeting has taken place.
    MeetingStatus { Scheduled, Held, Cancelled }
);
mirror!(
    /// Whether a meeting's minutes are agreed.
    MinutesStatus { Draft, Approved }
);
mirror!(
    /// Why an item is on the agenda.
    AgendaItemType { Information, Decision, Discussion, Standing }
);
mirror!(
    /// A person's attendance at a meeting.
    AttendanceStatus { Present, Apologies, Absent, Substitute, AlsoPresent }
);
mirror!(
    /// Red / Amber / Green rating.
    Rag { Red, Amber, Green }
);
mirror!(
    /// Lifecycle of an action.
    ActionStatus { Open, Completed, Cancelled }
);
mirror!(
    /// Which direction of an indicator is good news; MONITOR_ONLY indicators get no RAG.
    Polarity { LowerIsBetter, HigherIsBetter, MonitorOnly }
);
mirror!(
    /// The statutory path of a Domestic Homicide Review, in order.
    ReviewStatus { Notified, Commissioned, PanelAndImrs, ReportSubmitted, HomeOfficeQa, Published, CommissionerCopySent }
);

/// UK Government Security Classification marking, for front-ends to label what they show.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum SecurityMarking {
    /// Public and partnership records.
    Official,
    /// Restricted records (DHR, MARAC, items a board marks restricted).
    OfficialSensitive,
}

impl From<db::Visibility> for SecurityMarking {
    fn from(v: db::Visibility) -> Self {
        match v {
            db::Visibility::Public | db::Visibility::Partnership => SecurityMarking::Official,
            db::Visibility::Restricted => SecurityMarking::OfficialSensitive,
        }
    }
}

/// Sort direction of a list.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// Where a record came from: the published paper (and minute, page or table) it was read from,
/// and whether any of its values were invented where the papers are silent. Records entered
/// through the API have none: their audit trail says who entered them.
#[derive(async_graphql::SimpleObject)]
pub struct Provenance {
    /// The paper and the place in it.
    pub source: String,
    /// True when any value of the record is not in the paper.
    pub invented: bool,
    /// Which values were invented or inferred, and how.
    pub note: Option<String>,
}

impl Provenance {
    /// The provenance of a board seat: its note only for those who may see the seat's clearance
    /// flag (a seat's history can say who is cleared, which is itself sensitive).
    pub async fn of_seat(
        ctx: &async_graphql::Context<'_>,
        seat: &entity::board_membership::Model,
    ) -> crate::core::error::ApiResult<Option<Provenance>> {
        use crate::core::context::CtxExt;
        let shown = crate::core::access::sees_clearance_flag(&ctx.req()?.viewer, seat.board_id);
        Ok(Self::of(ctx, "board_membership", seat.id)
            .await?
            .map(|p| Provenance {
                note: p.note.filter(|_| shown),
                ..p
            }))
    }

    /// The provenance of the row `id` of `table`, which the caller has already been given.
    pub async fn of(
        ctx: &async_graphql::Context<'_>,
        table: &'static str,
        id: uuid::Uuid,
    ) -> crate::core::error::ApiResult<Option<Provenance>> {
        use crate::core::context::CtxExt;
        let rc = ctx.req()?;
        Ok(rc
            .loader
            .load_one(crate::core::loaders::Origin(table, id))
            .await?
            .map(|p| Provenance {
                source: p.source,
                invented: p.invented,
                note: p.note,
            }))
    }
}

mirror!(
    /// How a minute records a matter: a formal resolution, or a matter noted for follow-up
    /// without one.
    ResolutionKind { Resolved, Noted }
);
