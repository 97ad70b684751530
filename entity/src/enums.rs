//! Enumerations stored as short lower-case strings, so both SQLite and PostgreSQL hold them in a
//! portable `varchar` column and the values stay readable in a `psql` session or a backup.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] #[serde(rename = $value)] $variant),+
        }
    };
}

string_enum!(
    /// What sort of agency an organisation is.
    OrganisationKind {
        Police = "police", Fire = "fire", Ambulance = "ambulance", LocalAuthority = "local_authority",
        Health = "health", Probation = "probation", Housing = "housing", Voluntary = "voluntary",
        Education = "education", Government = "government", Other = "other",
    }
);

string_enum!(
    /// Where a board sits in the partnership's structure.
    BoardKind {
        StrategicBoard = "strategic_board", SubGroup = "sub_group", OperationalPanel = "operational_panel",
        Forum = "forum", TaskAndFinishGroup = "task_and_finish_group",
    }
);

string_enum!(
    /// Who may see a record. The rules live in `api::access`; this is only the stored marking.
    Visibility {
        /// Anyone, signed in or not.
        Public = "public",
        /// Signed-in people of the partnership's organisations.
        Partnership = "partnership",
        /// Only people holding a cleared seat on the owning board.
        Restricted = "restricted",
    }
);

string_enum!(
    /// A person's role on a board.
    MembershipRole {
        Chair = "chair", JointChair = "joint_chair", ViceChair = "vice_chair", Member = "member",
        Adviser = "adviser", Observer = "observer", Secretary = "secretary",
    }
);

string_enum!(
    /// Whether a meeting has taken place.
    MeetingStatus { Scheduled = "scheduled", Held = "held", Cancelled = "cancelled" }
);

string_enum!(
    /// Whether a meeting's minutes are agreed.
    MinutesStatus { Draft = "draft", Approved = "approved" }
);

string_enum!(
    /// Why an item is on the agenda.
    AgendaItemType { Information = "information", Decision = "decision", Discussion = "discussion", Standing = "standing" }
);

string_enum!(
    /// A person's attendance at a meeting.
    AttendanceStatus {
        Present = "present", Apologies = "apologies", Absent = "absent", Substitute = "substitute",
        AlsoPresent = "also_present",
    }
);

string_enum!(
    /// Red / Amber / Green rating.
    Rag { Red = "red", Amber = "amber", Green = "green" }
);

string_enum!(
    /// Lifecycle of an action.
    ActionStatus { Open = "open", Completed = "completed", Cancelled = "cancelled" }
);

string_enum!(
    /// How a minute records a matter: a formal resolution, or something the board noted for
    /// follow-up without one (the papers carry both into matters arising).
    ResolutionKind { Resolved = "resolved", Noted = "noted" }
);

string_enum!(
    /// Which direction of an indicator is good news.
    Polarity { LowerIsBetter = "lower_is_better", HigherIsBetter = "higher_is_better", MonitorOnly = "monitor_only" }
);

string_enum!(
    /// The statutory path of a Domestic Homicide Review, in order.
    ReviewStatus {
        Notified = "notified", Commissioned = "commissioned", PanelAndImrs = "panel_and_imrs",
        ReportSubmitted = "report_submitted", HomeOfficeQa = "home_office_qa", Published = "published",
        CommissionerCopySent = "commissioner_copy_sent",
    }
);

impl ReviewStatus {
    /// Published, or further along: from here on the review's own marking decides who sees it.
    pub fn is_published(self) -> bool {
        matches!(
            self,
            ReviewStatus::Published | ReviewStatus::CommissionerCopySent
        )
    }
}

string_enum!(
    /// Why an action missed its due date, in the words MARAC minutes use.
    MissedReason { ChangeInCircumstance = "change_in_circumstance", AgencyHasNotUndertaken = "agency_has_not_undertaken" }
);

string_enum!(
    /// Where a clearance stands. Only `Approved`, before its expiry and on a current seat, grants
    /// sight of restricted content.
    ClearanceStatus {
        /// Requested; waits for a second, entitled person.
        Pending = "pending",
        /// Approved by a second person; in force until `expires_at`.
        Approved = "approved",
        /// Turned down, or withdrawn by whoever asked.
        Refused = "refused",
        /// Ended before its expiry.
        Revoked = "revoked",
        /// Replaced by a renewal (a new approval) before it expired.
        Renewed = "renewed",
    }
);
