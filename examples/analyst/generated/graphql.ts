export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * Implement the DateTime<Utc> scalar
   *
   * The input/output is a string in RFC3339 format.
   */
  DateTime: { input: string; output: string; }
  /**
   * ISO 8601 calendar date without timezone.
   * Format: %Y-%m-%d
   *
   * # Examples
   *
   * * `1994-11-13`
   * * `2000-02-24`
   */
  NaiveDate: { input: string; output: string; }
  /**
   * A UUID is a unique 128-bit number, stored as 16 octets. UUIDs are parsed as
   * Strings within GraphQL. UUIDs are used to assign unique identifiers to
   * entities without requiring a central allocating authority.
   *
   * # References
   *
   * * [Wikipedia: Universally Unique Identifier](http://en.wikipedia.org/wiki/Universally_unique_identifier)
   * * [RFC4122: A Universally Unique Identifier (UUID) URN Namespace](http://tools.ietf.org/html/rfc4122)
   */
  UUID: { input: string; output: string; }
};

/** Filters for action lists; all given conditions must hold. */
export type ActionFilter = {
  boardId?: InputMaybe<Scalars['ID']['input']>;
  /** Due on or after this date. */
  dueAfter?: InputMaybe<Scalars['NaiveDate']['input']>;
  /** Due strictly before this date. */
  dueBefore?: InputMaybe<Scalars['NaiveDate']['input']>;
  /** Led by a named person (true), or by nobody named: a post or no lead at all (false). */
  hasLeadPerson?: InputMaybe<Scalars['Boolean']['input']>;
  leadOrganisationId?: InputMaybe<Scalars['ID']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  /** Led by this post (whoever holds it). */
  leadPostId?: InputMaybe<Scalars['ID']['input']>;
  /** Open and past its due date (true), or not (false). */
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  partnershipId?: InputMaybe<Scalars['ID']['input']>;
  priorityId?: InputMaybe<Scalars['ID']['input']>;
  /** Any of these ratings. */
  rag?: InputMaybe<Array<Rag>>;
  reviewId?: InputMaybe<Scalars['ID']['input']>;
  /** Text in the title or expected outcome (case-insensitive). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Any of these statuses. */
  status?: InputMaybe<Array<ActionStatus>>;
};

/** Sort order of an action list. */
export type ActionOrder = {
  direction?: SortDirection;
  field?: ActionOrderField;
};

/** What action lists can be sorted by. */
export type ActionOrderField =
  | 'CREATED_AT'
  /** Due date; actions with no due date come last. */
  | 'DUE_DATE'
  | 'TITLE'
  | 'UPDATED_AT';

/** Lifecycle of an action. */
export type ActionStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'OPEN';

/** A new agenda item, appended after the existing ones. */
export type AddAgendaItemInput = {
  itemType?: AgendaItemType;
  meetingId: Scalars['ID']['input'];
  presenter?: InputMaybe<Scalars['String']['input']>;
  /** What people who are not cleared see of a restricted item. */
  stubTitle?: InputMaybe<Scalars['String']['input']>;
  timeAllowedMinutes?: InputMaybe<Scalars['Int']['input']>;
  title: Scalars['String']['input'];
  visibility?: Visibility;
};

/** A new seat on a board. */
export type AddMembershipInput = {
  boardId: Scalars['ID']['input'];
  personId: Scalars['ID']['input'];
  /**
   * Also ask for the seat to be cleared: a pending request that takes effect only when a
   * second, entitled person approves it (see `approveClearance`).
   */
  restrictedClearance?: Scalars['Boolean']['input'];
  role: MembershipRole;
  startsOn?: InputMaybe<Scalars['NaiveDate']['input']>;
};

/** An existing organisation that starts serving another partnership. */
export type AddOrganisationToPartnershipInput = {
  organisationId: Scalars['ID']['input'];
  partnershipId: Scalars['ID']['input'];
};

/** A resolution under an agenda item, optionally creating the action it asks for. */
export type AddResolutionInput = {
  action?: InputMaybe<NewActionInput>;
  agendaItemId: Scalars['ID']['input'];
  /** Owners' initials as the minutes write them ("SK/LC"). */
  ownersInitials?: InputMaybe<Scalars['String']['input']>;
  text: Scalars['String']['input'];
};

/** Adds an item to a review's action plan (restricted, owned by the review's board). */
export type AddReviewActionInput = {
  dueDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  reviewId: Scalars['ID']['input'];
  title: Scalars['String']['input'];
};

/** Moves a review to the next step of the statutory path. */
export type AdvanceReviewInput = {
  /** When the step happened (not before the previous milestone). */
  on: Scalars['NaiveDate']['input'];
  reviewId: Scalars['ID']['input'];
  /** The pseudonymised summary: required to publish. */
  summary?: InputMaybe<Scalars['String']['input']>;
  /** Must be the next step after the current one. */
  to: ReviewStatus;
};

/** Why an item is on the agenda. */
export type AgendaItemType =
  | 'DECISION'
  | 'DISCUSSION'
  | 'INFORMATION'
  | 'STANDING';

/** A person taking up a post. */
export type AppointToPostInput = {
  personId: Scalars['ID']['input'];
  postId: Scalars['ID']['input'];
  /** From when (today when left out); whoever held it before holds it until the day before. */
  startsOn?: InputMaybe<Scalars['NaiveDate']['input']>;
};

/** A person's attendance at a meeting. */
export type AttendanceStatus =
  | 'ABSENT'
  | 'ALSO_PRESENT'
  | 'APOLOGIES'
  | 'PRESENT'
  | 'SUBSTITUTE';

/** Filters for board lists. */
export type BoardFilter = {
  kind?: InputMaybe<BoardKind>;
  /** Only direct sub-groups of this board. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  partnershipId?: InputMaybe<Scalars['ID']['input']>;
};

/** Where a board sits in the partnership's structure. */
export type BoardKind =
  | 'FORUM'
  | 'OPERATIONAL_PANEL'
  | 'STRATEGIC_BOARD'
  | 'SUB_GROUP'
  | 'TASK_AND_FINISH_GROUP';

/** Cancels a scheduled meeting. */
export type CancelMeetingInput = {
  /** The `version` you last saw; if someone changed it since, CONFLICT and nothing is written. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  meetingId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

/** A new target or tolerance range for an indicator, from a date. */
export type ChangeIndicatorTargetInput = {
  /** From when it applies; readings of earlier periods keep the target they had. */
  effectiveFrom: Scalars['NaiveDate']['input'];
  /** The `version` you last saw; if someone changed it since, CONFLICT and nothing is written. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  indicatorId: Scalars['ID']['input'];
  targetHigh?: InputMaybe<Scalars['Float']['input']>;
  targetLow?: InputMaybe<Scalars['Float']['input']>;
};

/** Which clearances to list. */
export type ClearanceFilter = {
  /** Only approvals in force that lapse within this many days: the ones due for review. */
  expiringWithinDays?: InputMaybe<Scalars['Int']['input']>;
  /** Only these states (default: all). */
  states?: InputMaybe<Array<ClearanceState>>;
};

/** Where a clearance stands, as its reader needs it: an approval past its expiry is `EXPIRED`. */
export type ClearanceState =
  /** Approved and in force until `expiresAt` (while the seat is held). */
  | 'APPROVED'
  /** Approved, but past its expiry: grants nothing until renewed. */
  | 'EXPIRED'
  /** Requested; waits for a second, entitled person to approve or refuse it. */
  | 'PENDING'
  /** Turned down, or withdrawn. */
  | 'REFUSED'
  /** Replaced by a renewal. */
  | 'RENEWED'
  /** Ended before its expiry. */
  | 'REVOKED';

/** Completion or cancellation of an action. */
export type CloseActionInput = {
  actionId: Scalars['ID']['input'];
  expectedVersion: Scalars['Int']['input'];
  /** Required when cancelling; recorded in the history when completing. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** A correction of an approved minute. */
export type CorrectMinuteInput = {
  agendaItemId: Scalars['ID']['input'];
  /** Why it was corrected (for example "corrected at the following meeting, minute 412"). */
  reason: Scalars['String']['input'];
  /** The corrected minute in full. */
  text: Scalars['String']['input'];
};

/** A new board or sub-group. */
export type CreateBoardInput = {
  kind: BoardKind;
  meetingFrequency?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** The board it reports to (same partnership). */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  partnershipId: Scalars['ID']['input'];
  termsOfReference?: InputMaybe<Scalars['String']['input']>;
  visibility: Visibility;
};

/** A new performance indicator. */
export type CreateIndicatorInput = {
  /** The board that reviews it (same partnership); its officers record readings. */
  boardId: Scalars['ID']['input'];
  /** From when the target applies (today when left out). */
  effectiveFrom?: InputMaybe<Scalars['NaiveDate']['input']>;
  name: Scalars['String']['input'];
  partnershipId: Scalars['ID']['input'];
  polarity: Polarity;
  targetHigh?: InputMaybe<Scalars['Float']['input']>;
  /** A single target (one bound) or a tolerance range (both); none for monitor-only. */
  targetLow?: InputMaybe<Scalars['Float']['input']>;
  /** "percent", "count", "rate per 1,000"... */
  unit: Scalars['String']['input'];
  visibility?: Visibility;
};

/** A new organisation serving a partnership. */
export type CreateOrganisationInput = {
  kind: OrganisationKind;
  name: Scalars['String']['input'];
  /** The partnership it serves (more can be added with `addOrganisationToPartnership`). */
  partnershipId: Scalars['ID']['input'];
  /** One of the statutory responsible authorities (Crime and Disorder Act 1998, s.5). */
  responsibleAuthority?: Scalars['Boolean']['input'];
  /** The abbreviation minutes use ("MPS", "LFB"). */
  shortName?: InputMaybe<Scalars['String']['input']>;
};

/** A new member of staff of an organisation. */
export type CreatePersonInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  /**
   * The identity provider whose tokens sign this person in (its issuer URL); left out, the
   * server's own issuer.
   */
  identityIssuer?: InputMaybe<Scalars['String']['input']>;
  /** Initials as minutes write them ("LB"). */
  initials?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** May update progress on every action led by their organisation. */
  organisationEditor?: Scalars['Boolean']['input'];
  organisationId: Scalars['ID']['input'];
  postTitle?: InputMaybe<Scalars['String']['input']>;
  /** The `sub` claim of this person's sign-in tokens; left out, the person cannot sign in yet. */
  subject?: InputMaybe<Scalars['String']['input']>;
};

/** A new post in an organisation serving a partnership. */
export type CreatePostInput = {
  organisationId: Scalars['ID']['input'];
  partnershipId: Scalars['ID']['input'];
  /** As the papers write it ("Head of Safer Communities", "MARAC Chair"). */
  title: Scalars['String']['input'];
};

/** A delivery-plan action under a strategy priority. */
export type CreatePriorityActionInput = {
  /** The board that owns and oversees the action. */
  boardId: Scalars['ID']['input'];
  dueDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  expectedOutcome?: InputMaybe<Scalars['String']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  priorityId: Scalars['ID']['input'];
  /** Money, staff time or data the action needs, as delivery plans list them. */
  resourcesRequired?: InputMaybe<Scalars['String']['input']>;
  /** What could stop it being delivered. */
  risks?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  title: Scalars['String']['input'];
  visibility?: Visibility;
};

/** A new priority of a strategy. */
export type CreatePriorityInput = {
  aim?: InputMaybe<Scalars['String']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  leadPostId?: InputMaybe<Scalars['ID']['input']>;
  /** Its number in the strategy (1, 2, 3…), unique within it. */
  number: Scalars['Int']['input'];
  strategyId: Scalars['ID']['input'];
  title: Scalars['String']['input'];
};

/** Opens a review when the Home Office is notified. */
export type CreateReviewInput = {
  /** The overseeing panel or task-and-finish group; the caller needs a cleared seat on it. */
  boardId: Scalars['ID']['input'];
  notifiedOn: Scalars['NaiveDate']['input'];
  /** The pseudonym the review is known by ('Susan'). */
  pseudonym: Scalars['String']['input'];
};

/** A new strategy ("Safer Bromley Partnership Strategy 2024-27"). */
export type CreateStrategyInput = {
  partnershipId: Scalars['ID']['input'];
  periodEnd: Scalars['NaiveDate']['input'];
  periodStart: Scalars['NaiveDate']['input'];
  title: Scalars['String']['input'];
};

/** The format of a printable document. */
export type DocumentFormat =
  /** A standalone HTML page with print styling. */
  | 'HTML'
  /** A Markdown table, for pasting into papers or email. */
  | 'MARKDOWN';

/** A token for one identity provider to provision one organisation's people. */
export type IssueProvisioningTokenInput = {
  /** The issuer URL of the provider whose sign-in tokens the provisioned people will carry. */
  issuer: Scalars['String']['input'];
  /** What administrators call it ("Met Police Entra ID"). */
  label: Scalars['String']['input'];
  organisationId: Scalars['ID']['input'];
  /** The partnership whose administrators answer for it (the organisation must serve it). */
  partnershipId: Scalars['ID']['input'];
};

/** One decision of `reviewMattersArising`. */
export type MatterDecision = {
  actionId: Scalars['ID']['input'];
  /** The `version` the caller last saw; a stale version is refused with CONFLICT. */
  expectedVersion: Scalars['Int']['input'];
  /** Shown in the action's history and the next report. */
  note?: InputMaybe<Scalars['String']['input']>;
  outcome: MatterOutcome;
};

/** What a board officer decides about one matter arising. */
export type MatterOutcome =
  /** Keep it on the list for the next meeting, noting that it was carried forward. */
  | 'CARRY_FORWARD'
  /** Close it (cancelled) because later work superseded it; a note saying what is required. */
  | 'CLOSE_AS_SUPERSEDED'
  /**
   * Take it off the matters arising list without closing it (followed up elsewhere, such as
   * a delivery plan); a note saying where is required.
   */
  | 'TAKE_OFF_LIST';

/** Filters for meeting lists. */
export type MeetingFilter = {
  boardId?: InputMaybe<Scalars['ID']['input']>;
  /** Meetings on or after this date. */
  from?: InputMaybe<Scalars['NaiveDate']['input']>;
  /** Oldest first instead of newest first. */
  oldestFirst?: InputMaybe<Scalars['Boolean']['input']>;
  partnershipId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<MeetingStatus>;
  /** Meetings on or before this date. */
  to?: InputMaybe<Scalars['NaiveDate']['input']>;
};

/** Whether a meeting has taken place. */
export type MeetingStatus =
  | 'CANCELLED'
  | 'HELD'
  | 'SCHEDULED';

/** A person's role on a board. */
export type MembershipRole =
  | 'ADVISER'
  | 'CHAIR'
  | 'JOINT_CHAIR'
  | 'MEMBER'
  | 'OBSERVER'
  | 'SECRETARY'
  | 'VICE_CHAIR';

/** Whether a meeting's minutes are agreed. */
export type MinutesStatus =
  | 'APPROVED'
  | 'DRAFT';

/** Why an action missed its due date, in the words MARAC minutes use. */
export type MissedReason =
  | 'AGENCY_HAS_NOT_UNDERTAKEN'
  | 'CHANGE_IN_CIRCUMSTANCE';

/** An action to create with a resolution. */
export type NewActionInput = {
  dueDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  title: Scalars['String']['input'];
};

/** What sort of agency an organisation is. */
export type OrganisationKind =
  | 'AMBULANCE'
  | 'EDUCATION'
  | 'FIRE'
  | 'GOVERNMENT'
  | 'HEALTH'
  | 'HOUSING'
  | 'LOCAL_AUTHORITY'
  | 'OTHER'
  | 'POLICE'
  | 'PROBATION'
  | 'VOLUNTARY';

/** Which clock an overdue item runs on. */
export type OverdueKind =
  /**
   * A DHR's next milestone: the decision to hold it (one month after notification) or the
   * overview report (six months after that decision).
   */
  | 'DHR_MILESTONE'
  /** A DHR recommendation, due six months after the review was published. */
  | 'DHR_RECOMMENDATION'
  /** A written update the board asked for before its next meeting. */
  | 'WRITTEN_UPDATE';

/** Which direction of an indicator is good news; MONITOR_ONLY indicators get no RAG. */
export type Polarity =
  | 'HIGHER_IS_BETTER'
  | 'LOWER_IS_BETTER'
  | 'MONITOR_ONLY';

/** Red / Amber / Green rating. */
export type Rag =
  | 'AMBER'
  | 'GREEN'
  | 'RED';

/** How to group a RAG summary. */
export type RagGroupBy =
  | 'BOARD'
  | 'ORGANISATION'
  | 'PRIORITY';

/** A new lead for an action. */
export type ReassignActionInput = {
  actionId: Scalars['ID']['input'];
  expectedVersion: Scalars['Int']['input'];
  leadPersonId: Scalars['ID']['input'];
};

/** Attendance of one person at a meeting (replaces any earlier record for them). */
export type RecordAttendanceInput = {
  meetingId: Scalars['ID']['input'];
  personId: Scalars['ID']['input'];
  status: AttendanceStatus;
  /** Required for SUBSTITUTE: the member whose seat they hold. */
  substituteForId?: InputMaybe<Scalars['ID']['input']>;
};

/** A declaration of interest made at a meeting. */
export type RecordDeclarationInput = {
  /** The interest as the minutes record it. */
  interest: Scalars['String']['input'];
  meetingId: Scalars['ID']['input'];
  personId: Scalars['ID']['input'];
};

/** A new reading of an indicator. */
export type RecordIndicatorReadingInput = {
  commentary?: InputMaybe<Scalars['String']['input']>;
  comparatorName?: InputMaybe<Scalars['String']['input']>;
  comparatorValue?: InputMaybe<Scalars['Float']['input']>;
  indicatorId: Scalars['ID']['input'];
  /** The period as reported ("2017/18 YTD to July"). */
  period: Scalars['String']['input'];
  periodEnd: Scalars['NaiveDate']['input'];
  /** Same period last year; the change is computed from it. */
  previousValue?: InputMaybe<Scalars['Float']['input']>;
  value: Scalars['Float']['input'];
};

/** Records why an overdue action missed its due date. */
export type RecordMissedReasonInput = {
  actionId: Scalars['ID']['input'];
  expectedVersion: Scalars['Int']['input'];
  reason: MissedReason;
};

/** A new order for a meeting's agenda. */
export type ReorderAgendaInput = {
  /** Every agenda item of the meeting the caller can see, in the new order. */
  agendaItemIds: Array<Scalars['ID']['input']>;
  meetingId: Scalars['ID']['input'];
};

/** A request for written updates before the board's next meeting. */
export type RequestWrittenUpdatesInput = {
  boardId: Scalars['ID']['input'];
  /** How many days before the meeting updates are due. */
  daysBefore?: Scalars['Int']['input'];
};

/**
 * How a minute records a matter: a formal resolution, or a matter noted for follow-up
 * without one.
 */
export type ResolutionKind =
  | 'NOTED'
  | 'RESOLVED';

/** Decisions on a meeting's matters arising, taken together. */
export type ReviewMattersArisingInput = {
  decisions: Array<MatterDecision>;
  meetingId: Scalars['ID']['input'];
};

/** The statutory path of a Domestic Homicide Review, in order. */
export type ReviewStatus =
  | 'COMMISSIONED'
  | 'COMMISSIONER_COPY_SENT'
  | 'HOME_OFFICE_QA'
  | 'NOTIFIED'
  | 'PANEL_AND_IMRS'
  | 'PUBLISHED'
  | 'REPORT_SUBMITTED';

/** A new meeting of a board. */
export type ScheduleMeetingInput = {
  boardId: Scalars['ID']['input'];
  startsAt: Scalars['DateTime']['input'];
  venue?: InputMaybe<Scalars['String']['input']>;
  /** Defaults to the board's own visibility (Part One meetings of a public board are public). */
  visibility?: InputMaybe<Visibility>;
};

/** The kinds of record a search finds. */
export type SearchHitKind =
  | 'ACTION_UPDATE'
  /** An agenda item: its title and minute. */
  | 'AGENDA_ITEM'
  | 'RESOLUTION';

/** UK Government Security Classification marking, for front-ends to label what they show. */
export type SecurityMarking =
  /** Public and partnership records. */
  | 'OFFICIAL'
  /** Restricted records (DHR, MARAC, items a board marks restricted). */
  | 'OFFICIAL_SENSITIVE';

/** Sort direction of a list. */
export type SortDirection =
  | 'ASC'
  | 'DESC';

/**
 * Changes to what an action is; fields left out stay as they are, and an empty text clears an
 * optional one.
 */
export type UpdateActionInput = {
  actionId: Scalars['ID']['input'];
  dueDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  expectedOutcome?: InputMaybe<Scalars['String']['input']>;
  /** The `version` the caller last saw; a stale version is refused with CONFLICT. */
  expectedVersion: Scalars['Int']['input'];
  /** A post of the same partnership to lead it (its holder acts as lead). */
  leadPostId?: InputMaybe<Scalars['ID']['input']>;
  resourcesRequired?: InputMaybe<Scalars['String']['input']>;
  risks?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['NaiveDate']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
  /** A new marking. Re-marking decides at once who sees the action and its history. */
  visibility?: InputMaybe<Visibility>;
};

/** A progress report on an action. */
export type UpdateActionProgressInput = {
  actionId: Scalars['ID']['input'];
  /** The `version` the caller last saw; a stale version is refused with CONFLICT. */
  expectedVersion: Scalars['Int']['input'];
  narrative: Scalars['String']['input'];
  /** 0–100. */
  percentComplete: Scalars['Int']['input'];
  /** Reporting period ("2023/24 Q2"). */
  period?: InputMaybe<Scalars['String']['input']>;
  rag?: InputMaybe<Rag>;
  /** Date of the report; today when omitted. */
  reportedOn?: InputMaybe<Scalars['NaiveDate']['input']>;
};

/** Changes to an agenda item; fields left out stay as they are. */
export type UpdateAgendaItemInput = {
  agendaItemId: Scalars['ID']['input'];
  /** The `version` you last saw; if someone changed it since, CONFLICT and nothing is written. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Information, decision, discussion or standing item. */
  itemType?: InputMaybe<AgendaItemType>;
  presenter?: InputMaybe<Scalars['String']['input']>;
  /** What people who are not cleared see of a restricted item. */
  stubTitle?: InputMaybe<Scalars['String']['input']>;
  timeAllowedMinutes?: InputMaybe<Scalars['Int']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
  /**
   * Making an item restricted also hides its resolutions and their actions from people not
   * cleared on the board.
   */
  visibility?: InputMaybe<Visibility>;
};

/** Changes to a board; fields left out stay as they are. */
export type UpdateBoardInput = {
  boardId: Scalars['ID']['input'];
  /** The `version` you last saw; if someone changed it since, CONFLICT and nothing is written. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<BoardKind>;
  meetingFrequency?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** A new board it reports to (same partnership; never itself or one of its own sub-groups). */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  termsOfReference?: InputMaybe<Scalars['String']['input']>;
  visibility?: InputMaybe<Visibility>;
};

/** New time or venue for a scheduled meeting; fields left out stay as they are. */
export type UpdateMeetingInput = {
  /** The `version` you last saw; if someone changed it since, CONFLICT and nothing is written. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  meetingId: Scalars['ID']['input'];
  startsAt?: InputMaybe<Scalars['DateTime']['input']>;
  venue?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to an organisation; fields left out stay as they are. */
export type UpdateOrganisationInput = {
  kind?: InputMaybe<OrganisationKind>;
  name?: InputMaybe<Scalars['String']['input']>;
  organisationId: Scalars['ID']['input'];
  responsibleAuthority?: InputMaybe<Scalars['Boolean']['input']>;
  shortName?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a partnership's settings; fields left out stay as they are. */
export type UpdatePartnershipInput = {
  /** The area it covers ("London Borough of Bromley"). */
  area?: InputMaybe<Scalars['String']['input']>;
  /** How long an approved clearance lasts before it must be renewed (1 to 36 months). */
  clearanceValidityMonths?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  partnershipId: Scalars['ID']['input'];
  /** Whether reading restricted content needs a stated purpose (`X-Access-Purpose`). */
  requireAccessPurpose?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a person; fields left out stay as they are. */
export type UpdatePersonInput = {
  /**
   * `false` signs the person out of everything on their next request and ends their open
   * subscriptions; their history stays attributed to them.
   */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  identityIssuer?: InputMaybe<Scalars['String']['input']>;
  initials?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  organisationEditor?: InputMaybe<Scalars['Boolean']['input']>;
  personId: Scalars['ID']['input'];
  postTitle?: InputMaybe<Scalars['String']['input']>;
  subject?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a priority; fields left out stay as they are (an empty aim clears it). */
export type UpdatePriorityInput = {
  aim?: InputMaybe<Scalars['String']['input']>;
  leadPersonId?: InputMaybe<Scalars['ID']['input']>;
  leadPostId?: InputMaybe<Scalars['ID']['input']>;
  priorityId: Scalars['ID']['input'];
  title?: InputMaybe<Scalars['String']['input']>;
};

/** A post falling vacant. */
export type VacatePostInput = {
  /** The last day of the current holding (today when left out). */
  endsOn?: InputMaybe<Scalars['NaiveDate']['input']>;
  postId: Scalars['ID']['input'];
};

/** Who may see a record: anyone; signed-in people of the partnership; cleared seats of the owning board. */
export type Visibility =
  | 'PARTNERSHIP'
  | 'PUBLIC'
  | 'RESTRICTED';

/** The minute of an agenda item. */
export type WriteMinuteInput = {
  agendaItemId: Scalars['ID']['input'];
  /**
   * The item's `version` you last saw; if someone changed it since, CONFLICT and nothing is
   * written (two secretaries editing one minute).
   */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  text: Scalars['String']['input'];
};

export type MyOrganisationActionsQueryVariables = Exact<{
  filter?: InputMaybe<ActionFilter>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type MyOrganisationActionsQuery = { __typename?: 'QueryRoot', viewer: { __typename?: 'Viewer', signedIn: boolean, person?: { __typename?: 'Person', name: string } | null, organisation?: { __typename?: 'Organisation', name: string } | null, organisationActions: { __typename?: 'ActionConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, nodes: Array<{ __typename?: 'Action', id: string, title: string, rag?: Rag | null, status: ActionStatus, dueDate?: string | null, overdue: boolean, percentComplete: number, classification: SecurityMarking, partnership?: { __typename?: 'Partnership', name: string } | null, board?: { __typename?: 'Board', name: string } | null, leadPerson?: { __typename?: 'Person', name: string } | null, leadPost?: { __typename?: 'Post', title: string } | null, latestUpdate?: { __typename?: 'ActionUpdate', reportedOn: string, period?: string | null, narrative: string } | null }> } } };
