//! Date arithmetic on caller-supplied dates, checked: chrono accepts years ±262 143, and adding a
//! day to the last one would panic. Out-of-range input is BAD_USER_INPUT instead.

use crate::core::error::{ApiError, ApiResult};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// Midnight UTC at the start of `day`.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Midnight UTC at the end of `day` (the start of the next day): an exclusive upper bound.
pub fn end_of(day: NaiveDate, field: &str) -> ApiResult<DateTime<Utc>> {
    day.checked_add_days(Days::new(1))
        .map(start_of)
        .ok_or_else(|| ApiError::bad_input(field, format!("`{field}` is out of range")))
}

/// `day` minus `days`.
pub fn days_before(day: NaiveDate, days: u64, field: &str) -> ApiResult<NaiveDate> {
    day.checked_sub_days(Days::new(days))
        .ok_or_else(|| ApiError::bad_input(field, format!("`{field}` is out of range")))
}

/// The time zone every partnership in England keeps: GMT in winter, BST (UTC+1) from the last
/// Sunday of March to the last Sunday of October.
pub const LOCAL: chrono_tz::Tz = chrono_tz::Europe::London;

/// `at` (stored in UTC) on the clocks of England.
pub fn local(at: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    at.with_timezone(&LOCAL)
}

/// "5 March 2025, 14:00": a meeting time as papers print it, in local time.
pub fn local_meeting_time(at: DateTime<Utc>) -> String {
    local(at).format("%-d %B %Y, %H:%M").to_string()
}
