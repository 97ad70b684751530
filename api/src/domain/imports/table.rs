//! A spreadsheet as rows of cells, from CSV (the `csv` crate) or XLSX (calamine), with the
//! header row matched to the columns an import knows by any of their usual names.

use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as trimmed text; `None` when empty.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
            Cell::Number(n) if n.fract() == 0.0 => Some(format!("{n:.0}")),
            Cell::Number(n) => Some(n.to_string()),
            Cell::Date(d) => Some(d.to_string()),
        }
    }
}

/// A data row: its number as the spreadsheet shows it (the header is row 1) and its cells by
/// column key.
#[derive(Debug)]
pub struct Row {
    pub number: usize,
    cells: HashMap<&'static str, Cell>,
}

impl Row {
    pub fn get(&self, key: &str) -> &Cell {
        self.cells.get(key).unwrap_or(&Cell::Empty)
    }
    pub fn text(&self, key: &str) -> Option<String> {
        self.get(key).text()
    }
}

/// A column an import reads: its key and the header names it is recognised by (compared
/// ignoring case, spaces and punctuation).
pub struct Column {
    pub key: &'static str,
    pub names: &'static [&'static str],
}

/// The sheet, its rows keyed by the columns found, and the headers no column claimed.
pub struct Table {
    pub rows: Vec<Row>,
    pub found: Vec<&'static str>,
    pub ignored: Vec<String>,
}

/// A file that cannot be read as a table at all.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads `bytes` (XLSX when it is a zip archive, else CSV in UTF-8 with or without a byte-order
/// mark), first sheet only, matching headers to `columns`.
pub fn read(bytes: &[u8], columns: &[Column]) -> Result<Table, Unreadable> {
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else {
        csv(bytes)?
    };
    let mut lines = grid.into_iter();
    let header = lines
        .next()
        .ok_or_else(|| Unreadable("the file is empty".into()))?;
    let mut keys: Vec<Option<&'static str>> = Vec::new();
    let (mut found, mut ignored) = (Vec::new(), Vec::new());
    for cell in &header {
        let name = cell.text().unwrap_or_default();
        let wanted = normalise(&name);
        let column = columns
            .iter()
            .find(|c| c.names.iter().any(|n| normalise(n) == wanted))
            .map(|c| c.key)
            .filter(|key| !found.contains(key));
        match column {
            Some(key) => found.push(key),
            None if !name.is_empty() => ignored.push(name),
            None => {}
        }
        keys.push(column);
    }
    let rows = lines
        .enumerate()
        .map(|(i, cells)| Row {
            number: i + 2,
            cells: keys
                .iter()
                .zip(cells)
                .filter_map(|(k, c)| k.map(|k| (k, c)))
                .collect(),
        })
        .filter(|row| row.cells.values().any(|c| c.text().is_some()))
        .collect();
    Ok(Table {
        rows,
        found,
        ignored,
    })
}

fn csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, Unreadable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record =
                record.map_err(|e| Unreadable(format!("row {}: not valid CSV: {e}", i + 1)))?;
            Ok(record
                .iter()
                .map(|v| match v.trim() {
                    "" => Cell::Empty,
                    t => Cell::Text(t.to_string()),
                })
                .collect())
        })
        .collect()
}

fn xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, Unreadable> {
    use calamine::{Data, DataType, Reader};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Unreadable(format!("not a readable spreadsheet: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Unreadable("the workbook has no sheets".into()))?
        .map_err(|e| Unreadable(format!("the first sheet cannot be read: {e}")))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => Cell::Empty,
                    Data::String(s) if s.trim().is_empty() => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(_) | Data::DateTimeIso(_) => {
                        cell.as_date().map(Cell::Date).unwrap_or(Cell::Empty)
                    }
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(e) => Cell::Text(format!("#{e:?}")),
                })
                .collect()
        })
        .collect())
}

/// A date as delivery plans write them: a spreadsheet date, `2024-06-30`, `30/06/2024`, or a
/// month (`Jun-24`, `June 2024`), which means by the end of that month.
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => return Ok(Some(*d)),
        other => other.text().unwrap_or_default(),
    };
    if text.is_empty() {
        return Ok(None);
    }
    for format in ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&text, format) {
            return Ok(Some(d));
        }
    }
    for format in [
        "%b-%y", "%B-%y", "%b %Y", "%B %Y", "%b-%Y", "%B-%Y", "%b %y",
    ] {
        if let Ok(first) = NaiveDate::parse_from_str(&format!("01 {text}"), &format!("%d {format}"))
        {
            return Ok(Some(end_of_month(first)));
        }
    }
    Err(format!(
        "{text:?} is not a date (write 2024-06-30, 30/06/2024 or Jun-24)"
    ))
}

fn end_of_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn plan_dates_are_read_as_councils_write_them() {
        let text = |t: &str| date(&Cell::Text(t.into()));
        assert_eq!(text("2024-06-30"), Ok(d(2024, 6, 30)));
        assert_eq!(text("30/06/2024"), Ok(d(2024, 6, 30)));
        assert_eq!(text("Feb-24"), Ok(d(2024, 2, 29)));
        assert_eq!(text("Dec-24"), Ok(d(2024, 12, 31)));
        assert_eq!(text("September 2024"), Ok(d(2024, 9, 30)));
        assert_eq!(date(&Cell::Empty), Ok(None));
        assert!(text("next spring").unwrap_err().contains("not a date"));
    }

    #[test]
    fn headers_match_by_any_usual_name_and_blank_rows_are_skipped() {
        const COLUMNS: &[Column] = &[
            Column {
                key: "action",
                names: &["Action", "Action Required"],
            },
            Column {
                key: "due",
                names: &["Due", "Timescale"],
            },
        ];
        let csv = "\u{feff}Action required,TIMESCALE,Notes\nRefresh the scheme,Jun-24,x\n,,\n";
        let table = read(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(table.found, ["action", "due"]);
        assert_eq!(table.ignored, ["Notes"]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].number, 2);
        assert_eq!(
            table.rows[0].text("action").as_deref(),
            Some("Refresh the scheme")
        );
    }
}
