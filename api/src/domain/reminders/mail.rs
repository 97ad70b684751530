//! The reminder email, and the SMTP transport that carries it.
//!
//! What an email may say is decided before it gets here ([`Email::title`] is `None` for anything
//! restricted); this module only words it. Subjects never carry a title. Plain SMTP without TLS
//! is accepted only to this machine (a local relay or a test's sink): anything else must be
//! `smtps://` or `smtp://…?tls=required`, so a login and the email never cross a network in clear.

use super::rules::Milestone;
use super::service::DueKind;
use chrono::NaiveDate;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP exchange may take. On SQLite the reminder's transaction holds the write
/// lock while the email is handed over, so this stays well below the database's busy timeout.
const SMTP_TIMEOUT: Duration = Duration::from_secs(5);

/// Builds the transport for `url`, refusing plain SMTP beyond this machine.
pub fn transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let parsed = url::Url::parse(url).map_err(|_| anyhow::anyhow!("CSP_SMTP_URL is not a URL"))?;
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.to_string());
    // `smtp:` is not a scheme the URL standard knows, so its host stays text: read an address
    // out of it here.
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match (parsed.scheme(), tls.as_deref()) {
        ("smtps", None) | ("smtp", Some("required")) => {}
        ("smtp", None | Some("opportunistic")) if loopback => {}
        ("smtp", None | Some("opportunistic")) => anyhow::bail!(
            "CSP_SMTP_URL: plain SMTP is only allowed to this machine; use smtps://… or smtp://…?tls=required"
        ),
        _ => anyhow::bail!(
            "CSP_SMTP_URL: use smtp://127.0.0.1:<port>, smtps://<host> or smtp://<host>?tls=required"
        ),
    }
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| anyhow::anyhow!("CSP_SMTP_URL: {e}"))?
        .timeout(Some(SMTP_TIMEOUT))
        .build())
}

/// What one reminder says.
pub struct Email<'a> {
    pub kind: DueKind,
    pub recipient: &'a str,
    pub due_on: NaiveDate,
    /// The record's global ID, as `node(id:)` takes it.
    pub reference: &'a str,
    /// The partnership's own reference for the action, when it may be sent.
    pub plan_reference: Option<&'a str>,
    /// The title, only for a record that is not restricted.
    pub title: Option<&'a str>,
    pub link: &'a str,
}

impl Email<'_> {
    /// The subject line: what kind of item, never which.
    pub fn subject(&self) -> &'static str {
        match self.kind {
            DueKind::WrittenUpdate => "Reminder: a written update is overdue",
            DueKind::DhrActionPlan => "Reminder: a review recommendation is overdue",
            DueKind::DhrMilestone(_) => "Reminder: a review milestone is overdue",
        }
    }

    /// The plain-text body.
    pub fn body(&self) -> String {
        let due = self.due_on.format("%-d %B %Y");
        let what = match self.kind {
            DueKind::WrittenUpdate => format!(
                "The board asked for a written update on an action you lead, due on {due} \
                 before its next meeting. No update has been recorded since it asked."
            ),
            DueKind::DhrActionPlan => format!(
                "A Domestic Homicide Review recommendation you lead was due to be implemented, \
                 and reported to the Home Office quality-assurance panel, by {due} (six months \
                 after the review was published). It is still open."
            ),
            DueKind::DhrMilestone(Milestone::Commissioned) => format!(
                "A Domestic Homicide Review overseen by a board you chair is waiting for the \
                 decision whether to hold it, due by {due} (one month after notification)."
            ),
            DueKind::DhrMilestone(Milestone::ReportSubmitted) => format!(
                "A Domestic Homicide Review overseen by a board you chair is waiting for its \
                 overview report, due by {due} (six months after it was commissioned)."
            ),
        };
        let mut lines = vec![
            format!("Dear {},", self.recipient),
            String::new(),
            wrap(&what),
            String::new(),
            format!("Due on: {due}"),
            format!("Reference: {}", self.reference),
        ];
        if let Some(r) = self.plan_reference {
            lines.push(format!("Plan reference: {r}"));
        }
        match self.title {
            Some(t) => lines.push(format!("Title: {t}")),
            None => lines
                .push("Title: not sent by email (OFFICIAL-SENSITIVE); sign in to read it.".into()),
        }
        lines.push(format!("Open it: {}", self.link));
        lines.push(String::new());
        lines.push("You are sent this reminder once for this item.".into());
        lines.push(String::new());
        lines.push("CSP Hub".into());
        lines.join("\r\n") + "\r\n"
    }

    /// The message from `from` to `to`.
    pub fn message(&self, from: &Mailbox, to: Mailbox) -> Result<Message, lettre::error::Error> {
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject())
            .header(ContentType::TEXT_PLAIN)
            .body(self.body())
    }
}

/// Words wrapped at 72 columns, lines joined for an email.
fn wrap(text: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 72 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(title: Option<&'static str>) -> Email<'static> {
        Email {
            kind: DueKind::WrittenUpdate,
            recipient: "Sam Lead",
            due_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            reference: "QWN0aW9uOjE",
            plan_reference: None,
            title,
            link: "https://hub.example/items/QWN0aW9uOjE",
        }
    }

    #[test]
    fn a_restricted_item_is_named_by_reference_and_link_only() {
        let body = email(None).body();
        assert!(body.contains("Reference: QWN0aW9uOjE"));
        assert!(body.contains("Open it: https://hub.example/items/QWN0aW9uOjE"));
        assert!(body.contains("not sent by email"));
        assert!(body.contains("Due on: 1 December 2026"));
        let shown = email(Some("Publish the strategy")).body();
        assert!(shown.contains("Title: Publish the strategy"));
        assert!(!email(Some("x")).subject().contains('x'));
    }

    #[test]
    fn plain_smtp_only_to_this_machine() {
        assert!(transport("smtp://127.0.0.1:2525").is_ok());
        assert!(transport("smtp://localhost:2525").is_ok());
        assert!(transport("smtp://[::1]:2525").is_ok());
        assert!(transport("smtps://relay.example.org").is_ok());
        assert!(transport("smtp://relay.example.org:587?tls=required").is_ok());
        assert!(transport("smtp://relay.example.org:25").is_err());
        assert!(transport("smtp://relay.example.org:25?tls=opportunistic").is_err());
        assert!(transport("http://relay.example.org").is_err());
        assert!(transport("not a url").is_err());
    }
}
