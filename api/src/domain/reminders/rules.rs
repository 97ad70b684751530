//! The clocks, as dates: when each kind of item falls due. Pure functions over models, no database
//! and no visibility decisions, so each rule can be read (and tested) on its own.
//!
//! - **Written update**: due on its request's `due_on` (the board's next meeting less the days it
//!   asked for, "two weeks before the meeting" in the papers).
//! - **DHR recommendation** (an action of a review's action plan): implemented, and reported to
//!   the Home Office quality-assurance panel, within [`ACTION_PLAN_MONTHS`] of publication.
//! - **DHR milestones**, in statutory order: the decision to hold the review (`COMMISSIONED`)
//!   within [`DECISION_MONTHS`] of notification, and the overview report (`REPORT_SUBMITTED`)
//!   within [`OVERVIEW_REPORT_MONTHS`] of that decision. The later steps (the Home Office panel,
//!   publication, the copy to the Domestic Abuse Commissioner) follow the Home Office's timetable,
//!   which the data does not hold: they have no clock here.
//!
//! An item is overdue from the day after it was due, on the clocks of England.

use chrono::{DateTime, Months, NaiveDate, Utc};
use entity::domestic_homicide_review;
use entity::enums::ReviewStatus;

/// Months from a review's publication to its recommendations being implemented and reported.
pub const ACTION_PLAN_MONTHS: u32 = 6;
/// Months from notification to the decision whether to hold a review.
pub const DECISION_MONTHS: u32 = 1;
/// Months from the decision to hold a review to its overview report.
pub const OVERVIEW_REPORT_MONTHS: u32 = 6;

/// A DHR milestone that runs on a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Milestone {
    /// The decision to hold the review, due after notification.
    Commissioned,
    /// The overview report, due after the decision.
    ReportSubmitted,
}

impl Milestone {
    /// The review status the milestone moves the review to.
    pub fn status(self) -> ReviewStatus {
        match self {
            Milestone::Commissioned => ReviewStatus::Commissioned,
            Milestone::ReportSubmitted => ReviewStatus::ReportSubmitted,
        }
    }

    /// Its name in the `reminder.kind` column.
    pub fn key(self) -> &'static str {
        match self {
            Milestone::Commissioned => "commissioned",
            Milestone::ReportSubmitted => "report_submitted",
        }
    }
}

/// Today on the clocks of England.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    crate::core::dates::local(now).date_naive()
}

/// Whether something due on `due_on` is late on `today`.
pub fn is_overdue(due_on: NaiveDate, today: NaiveDate) -> bool {
    due_on < today
}

/// `day` plus `months` calendar months; the end of a shorter month when the day does not exist
/// there (31 August + 6 months is the last day of February).
fn months_after(day: NaiveDate, months: u32) -> Option<NaiveDate> {
    day.checked_add_months(Months::new(months))
}

/// When a published review's recommendations are due; `None` before publication.
pub fn action_plan_due(review: &domestic_homicide_review::Model) -> Option<NaiveDate> {
    if !review.status.is_published() {
        return None;
    }
    months_after(review.published_on?, ACTION_PLAN_MONTHS)
}

/// The review's next milestone that runs on a clock, and when it is due; `None` when the next
/// step has no clock or the date it runs from was not recorded.
pub fn next_milestone(review: &domestic_homicide_review::Model) -> Option<(Milestone, NaiveDate)> {
    match review.status {
        ReviewStatus::Notified => Some((
            Milestone::Commissioned,
            months_after(review.notified_on?, DECISION_MONTHS)?,
        )),
        ReviewStatus::Commissioned | ReviewStatus::PanelAndImrs => Some((
            Milestone::ReportSubmitted,
            months_after(review.commissioned_on?, OVERVIEW_REPORT_MONTHS)?,
        )),
        ReviewStatus::ReportSubmitted
        | ReviewStatus::HomeOfficeQa
        | ReviewStatus::Published
        | ReviewStatus::CommissionerCopySent => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::Visibility;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn review(status: ReviewStatus) -> domestic_homicide_review::Model {
        domestic_homicide_review::Model {
            id: uuid::Uuid::now_v7(),
            partnership_id: uuid::Uuid::now_v7(),
            board_id: uuid::Uuid::now_v7(),
            pseudonym: "Susan".into(),
            status,
            notified_on: Some(day(2026, 1, 31)),
            commissioned_on: Some(day(2026, 2, 20)),
            submitted_on: None,
            qa_panel_on: None,
            published_on: Some(day(2026, 8, 31)),
            commissioner_copy_sent_on: None,
            summary: None,
            visibility: Visibility::Restricted,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn milestones_follow_the_statutory_order() {
        assert_eq!(
            next_milestone(&review(ReviewStatus::Notified)),
            Some((Milestone::Commissioned, day(2026, 2, 28))),
            "one month after 31 January is the end of February"
        );
        for status in [ReviewStatus::Commissioned, ReviewStatus::PanelAndImrs] {
            assert_eq!(
                next_milestone(&review(status)),
                Some((Milestone::ReportSubmitted, day(2026, 8, 20)))
            );
        }
        for status in [
            ReviewStatus::ReportSubmitted,
            ReviewStatus::HomeOfficeQa,
            ReviewStatus::Published,
            ReviewStatus::CommissionerCopySent,
        ] {
            assert_eq!(next_milestone(&review(status)), None, "{status:?}");
        }
        let undated = domestic_homicide_review::Model {
            commissioned_on: None,
            ..review(ReviewStatus::Commissioned)
        };
        assert_eq!(next_milestone(&undated), None, "no date, no clock");
    }

    #[test]
    fn recommendations_are_due_six_months_after_publication() {
        assert_eq!(action_plan_due(&review(ReviewStatus::HomeOfficeQa)), None);
        assert_eq!(
            action_plan_due(&review(ReviewStatus::Published)),
            Some(day(2027, 2, 28))
        );
        assert_eq!(
            action_plan_due(&review(ReviewStatus::CommissionerCopySent)),
            Some(day(2027, 2, 28))
        );
    }

    #[test]
    fn overdue_from_the_day_after() {
        assert!(!is_overdue(day(2026, 3, 1), day(2026, 3, 1)));
        assert!(is_overdue(day(2026, 3, 1), day(2026, 3, 2)));
        // 23:30 UTC on 31 July is already 1 August in England (BST).
        let late = DateTime::parse_from_rfc3339("2026-07-31T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(today(late), day(2026, 8, 1));
    }
}
