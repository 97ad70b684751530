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

    #[command(flatten)]
    pub jwt: JwtConfig,
}

/// How bearer tokens are checked.
#[derive(clap::Args, Debug, Clone)]
pub struct JwtConfig {
    /// HS256 shared secret (development). At least 32 bytes.
    #[arg(long = "jwt-secret", env = "CSP_JWT_SECRET", default_value = DEV_JWT_SECRET, hide_default_value = true)]
    pub secret: String,

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
}

impl Config {
    /// The defaults, with another database: what the tests and `Config::default` start from.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed_demo: false,
            jwt: JwtConfig {
                secret: DEV_JWT_SECRET.to_string(),
                issuer: "csp-hub-dev".into(),
                audience: "csp-hub".into(),
                public_key_file: None,
                public_key_algorithm: "RS256".into(),
            },
        }
    }
}
