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
