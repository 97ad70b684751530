//! Printable documents: the tables secretaries compile by hand today (matters arising, the
//! delivery plan), rendered as Markdown or as a standalone HTML page.
//!
//! A report is built as a [`Document`] of plain strings from rows the caller may see (the
//! builders live with their domain, e.g. `actions::report`), and only rendered here, so both
//! formats always carry exactly the same content. HTML escaping is done by `html-escape`.

use async_graphql::Enum;

/// Most rows in one report: enough for any board's plan, bounded so one request stays cheap.
pub const MAX_REPORT_ROWS: u64 = 500;

/// What a report field counts for against the query-cost limit: a few statements over up to
/// [`MAX_REPORT_ROWS`] rows, so a page of 20 meetings' reports is already a heavy query.
pub const REPORT_COST: usize = 200;

/// Text for Markdown, printed as typed ("Women & Girls", not "Women &amp; Girls"): a `<` is
/// backslash-escaped so no raw HTML survives (a renderer that allows it must not run a title as
/// markup), an `&` only where it would otherwise start a character reference, and no line break
/// can end a line or a table row early.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\r' | '\n' => out.push(' '),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("\\<"),
            '&' if starts_reference(&text[i + 1..]) => out.push_str("\\&"),
            c => out.push(c),
        }
    }
    out
}

/// Whether text after an `&` would make it a character reference (`&amp;`, `&#38;`, `&#x26;`).
fn starts_reference(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    !name.is_empty() && body[name.len()..].starts_with(';')
}

/// The Government Security Classifications marking a printed document carries at the top and
/// bottom of every page: OFFICIAL-SENSITIVE when any row in it is restricted, else OFFICIAL.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Marking {
    Official,
    OfficialSensitive,
}

impl Marking {
    /// As printed on the page.
    pub fn label(self) -> &'static str {
        match self {
            Marking::Official => "OFFICIAL",
            Marking::OfficialSensitive => "OFFICIAL-SENSITIVE",
        }
    }

    /// OFFICIAL-SENSITIVE when `restricted`.
    pub fn of(restricted: bool) -> Marking {
        if restricted {
            Marking::OfficialSensitive
        } else {
            Marking::Official
        }
    }
}

/// The format of a printable document.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum DocumentFormat {
    /// A Markdown table, for pasting into papers or email.
    #[default]
    Markdown,
    /// A standalone HTML page with print styling.
    Html,
}

/// A titled table of rows.
pub struct Section {
    /// Printed above the table, if any.
    pub heading: Option<String>,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
    /// The single row printed when there are none.
    pub empty: &'static str,
}

/// A document: a title, lines under it, and one or more tables, under a security marking.
pub struct Document {
    pub marking: Marking,
    pub title: String,
    pub lines: Vec<String>,
    pub sections: Vec<Section>,
}

impl Document {
    /// Renders the document in `format`.
    pub fn render(&self, format: DocumentFormat) -> String {
        match format {
            DocumentFormat::Markdown => self.markdown(),
            DocumentFormat::Html => self.html(),
        }
    }

    fn markdown(&self) -> String {
        /// One table row; cells carry no pipes or line breaks.
        fn row<S: AsRef<str>>(cells: &[S]) -> String {
            let mut line = String::from("|");
            for c in cells {
                let c = markdown_text(c.as_ref());
                if c.is_empty() {
                    line.push_str(" |");
                } else {
                    line.push_str(&format!(" {c} |"));
                }
            }
            line.push('\n');
            line
        }
        let marking = format!("**{}**\n", self.marking.label());
        let mut out = format!("{marking}\n# {}\n\n", markdown_text(&self.title));
        for line in &self.lines {
            out.push_str(&markdown_text(line));
            out.push_str("\n\n");
        }
        for (i, section) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if let Some(heading) = &section.heading {
                out.push_str(&format!("## {}\n\n", markdown_text(heading)));
            }
            out.push_str(&row(section.columns));
            out.push_str(&row(&vec!["---"; section.columns.len()]));
            for cells in &section.rows {
                out.push_str(&row(cells));
            }
            if section.rows.is_empty() {
                // The message sits in the second column, as the papers print it.
                let mut blank = vec![""; section.columns.len()];
                let at = 1.min(blank.len().saturating_sub(1));
                if let Some(cell) = blank.get_mut(at) {
                    *cell = section.empty;
                }
                out.push_str(&row(&blank));
            }
        }
        out.push('\n');
        out.push_str(&marking);
        out
    }

    fn html(&self) -> String {
        use html_escape::encode_text as esc;
        let mut out = String::from(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n",
        );
        out.push_str(&format!("<title>{}</title>\n", esc(&self.title)));
        out.push_str(
            // The marking is printed at the top and bottom of every page: fixed elements repeat
            // on each printed page, and the page margins keep the text clear of them.
            "<style>body{font-family:Arial,sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #444;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}.marking{text-align:center;font-weight:bold;letter-spacing:.05em}@page{margin:2cm 1.5cm}@media print{body{margin:0}.marking{position:fixed;left:0;right:0}.marking-top{top:-1.2cm}.marking-bottom{bottom:-1.2cm}}</style>\n</head>\n<body>\n",
        );
        let marking = esc(self.marking.label());
        out.push_str(&format!(
            "<div class=\"marking marking-top\" role=\"note\" aria-label=\"Security classification\">{marking}</div>\n"
        ));
        out.push_str(&format!("<h1>{}</h1>\n", esc(&self.title)));
        for line in &self.lines {
            out.push_str(&format!("<p>{}</p>\n", esc(line)));
        }
        for section in &self.sections {
            if let Some(heading) = &section.heading {
                out.push_str(&format!("<h2>{}</h2>\n", esc(heading)));
            }
            out.push_str("<table>\n<thead><tr>");
            for c in section.columns {
                out.push_str(&format!("<th scope=\"col\">{}</th>", esc(c)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in &section.rows {
                out.push_str("<tr>");
                for c in row {
                    out.push_str(&format!("<td>{}</td>", esc(c)));
                }
                out.push_str("</tr>\n");
            }
            if section.rows.is_empty() {
                out.push_str(&format!(
                    "<tr><td colspan=\"{}\">{}</td></tr>\n",
                    section.columns.len(),
                    esc(section.empty)
                ));
            }
            out.push_str("</tbody>\n</table>\n");
        }
        out.push_str(&format!(
            "<div class=\"marking marking-bottom\" aria-hidden=\"true\">{marking}</div>\n"
        ));
        out.push_str("</body>\n</html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document {
            marking: Marking::Official,
            title: "Matters arising".into(),
            lines: vec!["Board, meeting of 1 May 2026".into()],
            sections: vec![Section {
                heading: None,
                columns: &["Minute", "Matter", "Update"],
                rows: vec![vec![
                    "81".into(),
                    "Fix <script>alert(1)</script> | pipes".into(),
                    "line\nbreak".into(),
                ]],
                empty: "No outstanding actions.",
            }],
        }
    }

    #[test]
    fn markdown_cells_keep_the_table_intact() {
        let md = doc().render(DocumentFormat::Markdown);
        assert!(
            md.contains("| 81 | Fix \\<script>alert(1)\\</script> \\| pipes | line break |"),
            "{md}"
        );
    }

    #[test]
    fn markdown_prints_ampersands_as_typed_and_only_escapes_references() {
        assert_eq!(markdown_text("Women & Girls"), "Women & Girls");
        assert_eq!(markdown_text("A&E"), "A&E");
        assert_eq!(
            markdown_text("&amp; &#38; &#x26;"),
            "\\&amp; \\&#38; \\&#x26;"
        );
        assert_eq!(markdown_text("R&D; & more"), "R\\&D; & more");
    }

    #[test]
    fn the_marking_is_printed_at_the_top_and_bottom() {
        let mut d = doc();
        d.marking = Marking::OfficialSensitive;
        let md = d.render(DocumentFormat::Markdown);
        assert!(md.starts_with("**OFFICIAL-SENSITIVE**\n"), "{md}");
        assert!(md.ends_with("\n**OFFICIAL-SENSITIVE**\n"), "{md}");
        let html = d.render(DocumentFormat::Html);
        assert_eq!(
            html.matches(">OFFICIAL-SENSITIVE</div>").count(),
            2,
            "{html}"
        );
        assert!(html.contains("position:fixed"));
    }

    #[test]
    fn html_escapes_every_cell() {
        let html = doc().render(DocumentFormat::Html);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("<th scope=\"col\">Minute</th>"));
    }

    #[test]
    fn an_empty_table_says_so() {
        let mut d = doc();
        d.sections[0].rows.clear();
        assert!(d
            .render(DocumentFormat::Markdown)
            .contains("| | No outstanding actions. | |"));
        assert!(d
            .render(DocumentFormat::Html)
            .contains("<td colspan=\"3\">No outstanding actions.</td>"));
    }
}
