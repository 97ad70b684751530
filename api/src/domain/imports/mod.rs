//! Importing what partnerships already keep in spreadsheets: a delivery plan ([`plan`]) and a
//! list of people and their organisations ([`people`]), from CSV or XLSX ([`table`]).
//!
//! Every import is checked whole before anything is written: each problem is reported with its
//! row and column, and a file with any problem writes nothing. A dry run does the import inside a
//! transaction and rolls it back, so what it reports is exactly what a real run would do. Rows
//! carry a reference (or get one from their title), so importing an updated sheet again updates
//! those records and appends progress to their history instead of duplicating them.

pub mod people;
pub mod plan;
pub mod table;

use crate::core::audit::{self, Entry};
use crate::core::auth::Viewer;
use sea_orm::DatabaseTransaction;
use std::fmt;

/// Reads the file into a report for a run (dry or not), or `None` with the problem noted
/// when the file is not a table or lacks a `required` column.
fn start(
    bytes: &[u8],
    columns: &[table::Column],
    required: &[&str],
    dry_run: bool,
) -> (Report, Option<table::Table>) {
    let mut report = Report {
        dry_run,
        ..Report::default()
    };
    let table = match table::read(bytes, columns) {
        Ok(t) => t,
        Err(e) => {
            report.problem(1, None, e.0);
            return (report, None);
        }
    };
    report.ignored_columns = table.ignored.clone();
    for column in required {
        if !table.found.contains(column) {
            report.problem(1, None, format!("no `{column}` column"));
        }
    }
    let table = report.problems.is_empty().then_some(table);
    (report, table)
}

/// Audits the import as `actor` and commits, or, for a dry run, rolls everything back.
async fn finish(
    txn: DatabaseTransaction,
    actor: &Viewer,
    entry: Entry<'_>,
    dry_run: bool,
) -> anyhow::Result<()> {
    audit::record(&txn, actor, None, entry).await?;
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(())
}

/// What happened, or would happen, to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated(Vec<String>),
    Unchanged,
}

/// One row's outcome, with what it is about.
#[derive(Debug, Clone)]
pub struct RowOutcome {
    pub row: usize,
    pub outcome: Outcome,
    pub what: String,
}

/// A problem that stops the import, where it is.
#[derive(Debug, Clone)]
pub struct Problem {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

/// The result of an import or a dry run.
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    pub rows: Vec<RowOutcome>,
    pub problems: Vec<Problem>,
    /// Things written that a reader should know (a lead that names a post, not a person).
    pub notes: Vec<Problem>,
    /// Headers no column claimed (so a misspelt column does not pass unnoticed).
    pub ignored_columns: Vec<String>,
}

impl Report {
    pub fn problem(&mut self, row: usize, column: Option<&str>, message: impl Into<String>) {
        self.problems.push(Problem {
            row,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }
    pub fn note(&mut self, row: usize, column: Option<&str>, message: impl Into<String>) {
        self.notes.push(Problem {
            row,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }
    /// Whether the import was (or would be) written.
    pub fn written(&self) -> bool {
        self.problems.is_empty() && !self.dry_run
    }
    pub fn count(&self, pick: fn(&Outcome) -> bool) -> usize {
        self.rows.iter().filter(|r| pick(&r.outcome)).count()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "row {}, column {c}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for column in &self.ignored_columns {
            writeln!(f, "ignored column {column:?}")?;
        }
        for p in &self.problems {
            writeln!(f, "problem: {p}")?;
        }
        let verb =
            |done: &'static str, would: &'static str| if self.dry_run { would } else { done };
        for r in &self.rows {
            match &r.outcome {
                Outcome::Created => writeln!(
                    f,
                    "row {}: {} {}",
                    r.row,
                    verb("created", "would create"),
                    r.what
                )?,
                Outcome::Updated(fields) => writeln!(
                    f,
                    "row {}: {} {} ({})",
                    r.row,
                    verb("updated", "would update"),
                    r.what,
                    fields.join(", ")
                )?,
                Outcome::Unchanged => writeln!(f, "row {}: unchanged {}", r.row, r.what)?,
            }
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        let created = self.count(|o| matches!(o, Outcome::Created));
        let updated = self.count(|o| matches!(o, Outcome::Updated(_)));
        let unchanged = self.count(|o| matches!(o, Outcome::Unchanged));
        if !self.problems.is_empty() {
            write!(f, "{} problem(s): nothing was written", self.problems.len())
        } else if self.dry_run {
            write!(f, "dry run: would create {created}, update {updated}, leave {unchanged} unchanged; nothing was written")
        } else {
            write!(
                f,
                "created {created}, updated {updated}, unchanged {unchanged}"
            )
        }
    }
}
