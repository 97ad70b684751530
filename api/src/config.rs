//! The one typed configuration: every setting is a flag with an environment variable and a default,
//! documented in the README. Nothing else in the code reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The development signing secret. Fine on a laptop; issue #4's production mode refuses it.
pub const DEV_JWT_SECRET: &str = "csp-hub-development-secret-change-me-0123456789abcdef";

/// Server and database settings shared by every subcommand.
#[derive(clap::Args, Debug, Clone)]
pub struct Config {
    /// Database to use. SQLite by default (the file is created if missing);
    /// `postgres://user@host/db` switches to PostgreSQL.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://csp-hub.db?mode=rwc"
    )]
    pub database_url: String,

    /// Address the HTTP server listens on. Port 0 picks a free port (used by the tests).
    #[arg(long, env = "CSP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Load the demo data set (the seed papers) when the database has no partnership yet.
    #[arg(long, env = "CSP_SEED_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub seed_demo: bool,

    /// Production mode: no GraphiQL, no field suggestions, no introspection and only generic
    /// validation messages for anonymous callers, internal error messages masked, JSON logs, and start-up refuses the development
    /// secret or a configuration with no token keys.
    #[arg(long, env = "CSP_PRODUCTION", default_value_t = false, action = clap::ArgAction::Set)]
    pub production: bool,

    /// Log format: `text` or `json`. Defaults to `json` in production and `text` otherwise.
    #[arg(long, env = "CSP_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Origins allowed to call the API from a browser (council intranets), comma-separated,
    /// e.g. `https://intranet.bromley.gov.uk`. Empty: no cross-origin access. Credentials are never
    /// allowed cross-origin; tokens travel in the Authorization header.
    #[arg(long, env = "CSP_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Take the client address for per-IP rate limits from the last `X-Forwarded-For` entry
    /// (only behind a proxy that sets it).
    #[arg(long, env = "CSP_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,

    /// Where `GET /items/<global ID>` (the link in reminder emails) sends people: the
    /// partnership's own front-end, which opens the item after its own sign-in, e.g.
    /// `https://intranet.example.gov.uk/csp/items/{id}`. `{id}` is replaced by the percent-encoded
    /// global ID and the answer is 303 See Other. It must be an http or https URL with `{id}` in
    /// its path, query or fragment (checked at start-up, see [`ItemLinkTemplate`]). Unset: the
    /// link shows a static page with the ID and how to open it.
    #[arg(long, env = "CSP_ITEM_LINK_TEMPLATE")]
    pub item_link_template: Option<String>,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub jwt: JwtConfig,

    #[command(flatten)]
    pub reminders: Reminders,
}

/// Log line format.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Limits that bound the work one request or one caller can cause. All are checked before any
/// database work for the request starts.
#[derive(clap::Args, Debug, Clone)]
pub struct Limits {
    /// Deepest selection accepted.
    #[arg(long, env = "CSP_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,
    /// Highest cost accepted: each field costs 1, and a list costs its page size (`first` or
    /// `last`, default 20) times the cost of what it selects.
    #[arg(long, env = "CSP_MAX_COST", default_value_t = 5_000)]
    pub max_cost: u64,
    /// Most aliased fields in one operation.
    #[arg(long, env = "CSP_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most top-level fields in one operation.
    #[arg(long, env = "CSP_MAX_ROOT_FIELDS", default_value_t = 10)]
    pub max_root_fields: usize,
    /// Longest GraphQL document accepted, in bytes.
    #[arg(long, env = "CSP_MAX_DOCUMENT_BYTES", default_value_t = 16 * 1024)]
    pub max_document_bytes: usize,
    /// Largest HTTP request body accepted, in bytes.
    #[arg(long, env = "CSP_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,
    /// Longest a request may run before it is answered with 503, in seconds.
    #[arg(long, env = "CSP_REQUEST_TIMEOUT_SECS", default_value_t = 15)]
    pub request_timeout_secs: u64,
    /// On SIGTERM, how long in-flight requests may take to finish before the server stops
    /// anyway, in seconds (keep it below the orchestrator's grace period).
    #[arg(long, env = "CSP_SHUTDOWN_GRACE_SECS", default_value_t = 25)]
    pub shutdown_grace_secs: u64,
    /// Longest one SQL statement may run on PostgreSQL, in milliseconds.
    #[arg(long, env = "CSP_STATEMENT_TIMEOUT_MS", default_value_t = 5_000)]
    pub statement_timeout_ms: u64,
    /// Database connections in the pool (default 20 on PostgreSQL, 8 on SQLite).
    #[arg(long, env = "CSP_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// How long a request waits for a free database connection before a 503, in seconds.
    #[arg(long, env = "CSP_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 3)]
    pub db_acquire_timeout_secs: u64,
    /// Query cost a signed-in caller may spend per minute (bursts up to the same amount).
    #[arg(long, env = "CSP_RATE_LIMIT_PER_MINUTE", default_value_t = 60_000)]
    pub rate_per_minute: u32,
    /// Query cost an anonymous client address may spend per minute.
    #[arg(
        long,
        env = "CSP_ANONYMOUS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 15_000
    )]
    pub anonymous_rate_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 15,
            max_cost: 5_000,
            max_aliases: 30,
            max_root_fields: 10,
            max_document_bytes: 16 * 1024,
            max_body_bytes: 64 * 1024,
            request_timeout_secs: 15,
            shutdown_grace_secs: 25,
            statement_timeout_ms: 5_000,
            db_max_connections: None,
            db_acquire_timeout_secs: 3,
            rate_per_minute: 60_000,
            anonymous_rate_per_minute: 15_000,
        }
    }
}

/// Reminder emails to the people who owe a written update, a DHR recommendation or a DHR
/// milestone (`domain::reminders`). Off unless an SMTP server is configured.
#[derive(clap::Args, Clone)]
pub struct Reminders {
    /// SMTP server for reminder emails: `smtp://127.0.0.1:2525` (no TLS: only to this machine),
    /// `smtps://relay.example:465` (TLS) or `smtp://relay.example:587?tls=required` (STARTTLS);
    /// `smtps://user:password@…` when the relay wants a login. Unset: no reminder is sent and the
    /// reminder worker does not start.
    #[arg(long = "smtp-url", env = "CSP_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The From of reminder emails, e.g. `CSP Hub <csp-hub@bromley.gov.uk>`. Required with
    /// `--smtp-url`.
    #[arg(long = "smtp-from", env = "CSP_SMTP_FROM")]
    pub smtp_from: Option<String>,

    /// Where people open records: a reminder links to `<public URL>/items/<global ID>`.
    #[arg(
        long = "public-url",
        env = "CSP_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,

    /// Seconds between two reminder passes (the first runs at start).
    #[arg(
        long = "reminder-interval-seconds",
        env = "CSP_REMINDER_INTERVAL_SECONDS",
        default_value_t = 3600
    )]
    pub interval_seconds: u64,
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            smtp_url: None,
            smtp_from: None,
            public_url: "http://127.0.0.1:8080".into(),
            interval_seconds: 3600,
        }
    }
}

/// The SMTP URL may carry a password: never printed.
impl std::fmt::Debug for Reminders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reminders")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "…"))
            .field("smtp_from", &self.smtp_from)
            .field("public_url", &self.public_url)
            .field("interval_seconds", &self.interval_seconds)
            .finish()
    }
}

/// How bearer tokens are checked.
#[derive(clap::Args, Debug, Clone)]
pub struct JwtConfig {
    /// HS256 shared secret, at least 32 bytes (256 bits). Without it, development mode uses a
    /// built-in development secret; production mode refuses that secret.
    #[arg(long = "jwt-secret", env = "CSP_JWT_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// Expected `iss` claim.
    #[arg(
        long = "jwt-issuer",
        env = "CSP_JWT_ISSUER",
        default_value = "csp-hub-dev"
    )]
    pub issuer: String,

    /// Expected `aud` claim.
    #[arg(
        long = "jwt-audience",
        env = "CSP_JWT_AUDIENCE",
        default_value = "csp-hub"
    )]
    pub audience: String,

    /// PEM public key of an identity provider (production). Its algorithm is `--jwt-public-key-algorithm`.
    #[arg(long = "jwt-public-key-file", env = "CSP_JWT_PUBLIC_KEY_FILE")]
    pub public_key_file: Option<PathBuf>,

    /// Algorithm pinned to the public key: RS256 or ES256.
    #[arg(
        long = "jwt-public-key-algorithm",
        env = "CSP_JWT_PUBLIC_KEY_ALGORITHM",
        default_value = "RS256"
    )]
    pub public_key_algorithm: String,

    /// Further identity providers (police, health...), separated by `;`. Each is `issuer=<iss>`
    /// alone (OpenID Connect discovery: the keys are fetched from the provider's published JWKS,
    /// cached for its cache lifetime and refetched when it rotates them), or
    /// `issuer=<iss>,jwks=<file>` or `issuer=<iss>,pem=<file>,alg=RS256|ES256`. Their tokens must
    /// carry that `iss` and the configured audience.
    #[arg(
        long = "jwt-provider",
        env = "CSP_JWT_PROVIDERS",
        value_delimiter = ';'
    )]
    pub providers: Vec<String>,

    /// Least time between two fetches of a provider's JWKS prompted by tokens with an unknown
    /// `kid` (a provider that rotated its keys), so forged `kid`s cannot make the server hammer
    /// the provider.
    #[arg(
        long = "jwks-min-refresh-seconds",
        env = "CSP_JWKS_MIN_REFRESH_SECONDS",
        default_value_t = 60
    )]
    pub jwks_min_refresh_seconds: u64,
}

impl JwtConfig {
    /// The HS256 secret in force: the configured one, or the development secret outside
    /// production.
    pub fn effective_secret(&self, production: bool) -> Option<&str> {
        // An empty value (an unset variable passed through by compose) means "not set".
        match self.secret.as_deref().filter(|s| !s.is_empty()) {
            Some(secret) => Some(secret),
            None if !production => Some(DEV_JWT_SECRET),
            None => None,
        }
    }
}

/// `CSP_ITEM_LINK_TEMPLATE`, checked: an http or https URL with `{id}` in its path, query or
/// fragment, so the ID can change where a link leads within the partnership's front-end but
/// never which site it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLinkTemplate(String);

impl ItemLinkTemplate {
    /// The placeholder the global ID replaces.
    pub const PLACEHOLDER: &'static str = "{id}";

    /// Checks a template; the error names the setting and says what is wrong.
    pub fn parse(template: &str) -> anyhow::Result<ItemLinkTemplate> {
        let template = template.trim();
        let refuse = |why: &str| {
            anyhow::anyhow!("CSP_ITEM_LINK_TEMPLATE `{template}` {why}, e.g. `https://intranet.example.gov.uk/csp/items/{{id}}`")
        };
        if !template.contains(Self::PLACEHOLDER) {
            return Err(refuse("must contain `{id}`, where the item's ID goes"));
        }
        // The Location header carries it as written: visible ASCII only.
        if !template.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(refuse(
                "must be a URL without spaces or characters beyond ASCII (percent-encode them)",
            ));
        }
        // Two different IDs must lead to the same site.
        let mut origin = None;
        for sample in ["A", "B"] {
            let url = url::Url::parse(&template.replace(Self::PLACEHOLDER, sample))
                .map_err(|_| refuse("is not a URL"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(refuse("must be an http or https URL"));
            }
            if !url.username().is_empty() || url.password().is_some() {
                return Err(refuse("must not carry a user name or password"));
            }
            let here = url.origin();
            if origin.get_or_insert_with(|| here.clone()) != &here {
                return Err(refuse(
                    "must keep `{id}` out of the scheme, host and port (in the path, query or fragment only)",
                ));
            }
        }
        Ok(ItemLinkTemplate(template.to_string()))
    }

    /// The link for `id`: the template with every `{id}` replaced by `id` percent-encoded
    /// (everything but RFC 3986's unreserved characters, so a global ID's `+`, `/` and `=` are
    /// escaped wherever in the URL the placeholder stands).
    pub fn expand(&self, id: &str) -> String {
        const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        let encoded = percent_encoding::utf8_percent_encode(id, UNRESERVED);
        self.0.replace(Self::PLACEHOLDER, &encoded.to_string())
    }
}

impl Config {
    /// `CSP_ITEM_LINK_TEMPLATE` checked, or `None` when it is unset or empty; start-up stops on
    /// an error.
    pub fn item_link_template(&self) -> anyhow::Result<Option<ItemLinkTemplate>> {
        self.item_link_template
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(ItemLinkTemplate::parse)
            .transpose()
    }

    /// The defaults, with another database: what the tests and `Config::default` start from.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed_demo: false,
            production: false,
            log_format: None,
            cors_origins: Vec::new(),
            trust_forwarded_for: false,
            item_link_template: None,
            limits: Limits::default(),
            jwt: JwtConfig {
                secret: None,
                issuer: "csp-hub-dev".into(),
                audience: "csp-hub".into(),
                public_key_file: None,
                public_key_algorithm: "RS256".into(),
                providers: Vec::new(),
                jwks_min_refresh_seconds: 60,
            },
            reminders: Reminders::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_link_templates_are_http_urls_with_the_id_after_the_host() {
        let template = ItemLinkTemplate::parse("https://intranet.example.gov.uk/csp/items/{id}")
            .expect("a good template");
        assert_eq!(
            template.expand("QWN0aW9u_-x"),
            "https://intranet.example.gov.uk/csp/items/QWN0aW9u_-x"
        );
        assert_eq!(
            template.expand("a/b?c=d&e#f"),
            "https://intranet.example.gov.uk/csp/items/a%2Fb%3Fc%3Dd%26e%23f"
        );
        let query = ItemLinkTemplate::parse("http://10.0.0.1:8000/open?item={id}&from=email")
            .expect("a query is fine");
        assert_eq!(
            query.expand("x y"),
            "http://10.0.0.1:8000/open?item=x%20y&from=email"
        );
        for (bad, says) in [
            (
                "https://intranet.example.gov.uk/csp/items/",
                "must contain `{id}`",
            ),
            ("intranet.example.gov.uk/items/{id}", "is not a URL"),
            ("javascript:alert({id})", "http or https"),
            ("ftp://files.example/{id}", "http or https"),
            (
                "https://{id}.example.gov.uk/",
                "out of the scheme, host and port",
            ),
            ("https://intranet.example.gov.uk:{id}/", "is not a URL"),
            (
                "https://user:pw@intranet.example.gov.uk/{id}",
                "user name or password",
            ),
            ("https://intranet.example.gov.uk/a b/{id}", "without spaces"),
            ("https://intranet.example.gov.uk/é/{id}", "without spaces"),
        ] {
            let err = ItemLinkTemplate::parse(bad).expect_err(bad).to_string();
            assert!(err.contains("CSP_ITEM_LINK_TEMPLATE"), "{bad}: {err}");
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
