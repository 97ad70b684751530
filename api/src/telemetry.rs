//! Logging: `RUST_LOG` filters (default `info`), on stderr; human-readable lines in development,
//! one JSON object per line in production (`CSP_LOG_FORMAT` overrides). Each request's lines carry
//! its request id, and GraphQL requests their operation name and the caller's person id. Tokens,
//! request bodies and record content are never logged.

use crate::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls do nothing.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let format = config.log_format.unwrap_or(if config.production {
        LogFormat::Json
    } else {
        LogFormat::Text
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
