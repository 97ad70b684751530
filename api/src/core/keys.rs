//! The signing keys we trust ([`TrustedKey`]), and those of identity providers configured by
//! their issuer URL alone: found through OpenID
//! Connect discovery, cached for as long as the provider says, and fetched again when a token
//! names a key we do not hold (a provider that rotated its keys), so a routine rotation at a
//! police force or an NHS trust never locks its staff out until a restart.
//!
//! Three rules keep this safe:
//! - A fetch prompted by an unknown `kid` happens at most once per provider per
//!   `CSP_JWKS_MIN_REFRESH_SECONDS`, and one at a time: tokens with forged `kid`s cannot make the
//!   server hammer the provider.
//! - A failed fetch keeps the keys already held: a provider that is briefly unreachable does not
//!   sign its users out.
//! - The discovery document must name the configured issuer, and keys are only ever taken from
//!   the `jwks_uri` it gives (never from a token's `jku`, `jwk` or `x5u`).

use jsonwebtoken::{Algorithm, DecodingKey};
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// One key we trust: whose it is (`iss`), the one algorithm it accepts, and its `kid` if the
/// provider publishes one.
#[derive(Clone)]
pub(crate) struct TrustedKey {
    pub(crate) issuer: String,
    /// The server's own issuer (`CSP_JWT_ISSUER`) rather than a partner's identity provider.
    pub(crate) primary: bool,
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
    pub(crate) key: DecodingKey,
}

/// The signing keys of a JWKS document from `source`, each pinned to its declared algorithm (or
/// the one its key type implies: RSA → RS256, P-256 → ES256). Any other key is an error.
pub(crate) fn keys_of_set(
    set: &jsonwebtoken::jwk::JwkSet,
    issuer: &str,
    source: &str,
) -> anyhow::Result<Vec<TrustedKey>> {
    use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, KeyAlgorithm};
    let mut keys = Vec::new();
    for jwk in &set.keys {
        // An encryption key is never a signing key, whatever else it says.
        if matches!(
            jwk.common.public_key_use,
            Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
        ) {
            continue;
        }
        let alg = match (&jwk.common.key_algorithm, &jwk.algorithm) {
            (Some(KeyAlgorithm::RS256), AlgorithmParameters::RSA(_)) => Algorithm::RS256,
            (Some(KeyAlgorithm::ES256), AlgorithmParameters::EllipticCurve(p))
                if p.curve == EllipticCurve::P256 =>
            {
                Algorithm::ES256
            }
            (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
            (None, AlgorithmParameters::EllipticCurve(p)) if p.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            _ => anyhow::bail!(
                "{source}: key {:?} is not an RS256 or ES256 public key",
                jwk.common.key_id
            ),
        };
        keys.push(TrustedKey {
            issuer: issuer.to_string(),
            primary: false,
            alg,
            kid: jwk.common.key_id.clone(),
            key: DecodingKey::from_jwk(jwk)?,
        });
    }
    anyhow::ensure!(!keys.is_empty(), "{source} holds no keys");
    Ok(keys)
}

/// How long keys are trusted when the provider's JWKS response gives no `max-age`.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);
/// Bounds on a provider's `max-age`: at least a minute (no fetch per request), at most a day.
const MIN_MAX_AGE: Duration = Duration::from_secs(60);
const MAX_MAX_AGE: Duration = Duration::from_secs(86_400);
/// How long one fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// One provider known by its issuer URL.
pub struct RemoteProvider {
    pub issuer: String,
    min_refresh: Duration,
    client: reqwest::Client,
    keys: RwLock<Vec<TrustedKey>>,
    /// When the keys were last fetched successfully, with their lifetime; when a fetch was last
    /// tried. Behind an async mutex so that only one fetch runs at a time.
    state: tokio::sync::Mutex<FetchState>,
}

#[derive(Default)]
struct FetchState {
    fresh_until: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// Why a fetch is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// At start-up: always tried.
    Start,
    /// The cached keys are past their lifetime.
    Stale,
    /// A token named a key we do not hold.
    UnknownKey,
}

impl RemoteProvider {
    pub fn new(issuer: String, min_refresh: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(RemoteProvider {
            issuer: issuer.trim_end_matches('/').to_string(),
            min_refresh,
            client,
            keys: RwLock::new(Vec::new()),
            state: tokio::sync::Mutex::new(FetchState::default()),
        })
    }

    /// Runs `f` over the keys held now.
    pub(crate) fn with_keys<T>(&self, f: impl FnOnce(&[TrustedKey]) -> T) -> T {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        f(&keys)
    }

    /// Whether the held keys are past their lifetime (or were never fetched).
    pub fn is_stale(&self) -> bool {
        match self.state.try_lock() {
            Ok(state) => state.fresh_until.is_none_or(|t| Instant::now() >= t),
            // A fetch is running.
            Err(_) => false,
        }
    }

    /// Fetches the keys if `prompt` allows it now; returns whether new keys were stored. Errors
    /// are logged and leave the held keys in place.
    pub async fn refresh(&self, prompt: Prompt) -> bool {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let waited = state
            .last_attempt
            .is_none_or(|t| now.duration_since(t) >= self.min_refresh);
        let allowed = match prompt {
            Prompt::Start => true,
            Prompt::Stale => waited && state.fresh_until.is_none_or(|t| now >= t),
            Prompt::UnknownKey => waited,
        };
        if !allowed {
            return false;
        }
        state.last_attempt = Some(now);
        match self.fetch().await {
            Ok((keys, max_age)) => {
                let count = keys.len();
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
                state.fresh_until = Some(now + max_age);
                tracing::info!(issuer = %self.issuer, keys = count, ?prompt, "fetched the identity provider's keys");
                true
            }
            Err(err) => {
                tracing::warn!(issuer = %self.issuer, ?prompt, "cannot fetch the identity provider's keys; keeping those held: {err:#}");
                false
            }
        }
    }

    /// Discovery, then the JWKS it names.
    async fn fetch(&self) -> anyhow::Result<(Vec<TrustedKey>, Duration)> {
        #[derive(serde::Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let discovery: Discovery = self
            .client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(
            discovery.issuer.trim_end_matches('/') == self.issuer,
            "the discovery document names the issuer {:?}, not {:?}",
            discovery.issuer,
            self.issuer
        );
        anyhow::ensure!(
            safe_url(&discovery.jwks_uri),
            "jwks_uri {:?} is neither https nor on this machine",
            discovery.jwks_uri
        );
        let response = self
            .client
            .get(&discovery.jwks_uri)
            .send()
            .await?
            .error_for_status()?;
        let max_age = response
            .headers()
            .get(reqwest::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(max_age)
            .unwrap_or(DEFAULT_MAX_AGE)
            .clamp(MIN_MAX_AGE, MAX_MAX_AGE);
        let set: jsonwebtoken::jwk::JwkSet = response.json().await?;
        let keys = keys_of_set(&set, &self.issuer, &discovery.jwks_uri)?;
        Ok((keys, max_age))
    }
}

/// `https://…`, or plain HTTP only to this machine (a provider run locally for tests).
fn safe_url(url: &str) -> bool {
    url.starts_with("https://")
        || ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|p| url.starts_with(p))
}

/// The `max-age` of a `Cache-Control` header.
fn max_age(header: &str) -> Option<Duration> {
    header.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name.trim().eq_ignore_ascii_case("max-age"))
            .then(|| value.trim().parse::<u64>().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lifetimes_and_key_locations() {
        assert_eq!(
            max_age("public, max-age=600"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(max_age("no-store"), None);
        assert!(safe_url("https://login.example.org/keys"));
        assert!(safe_url("http://127.0.0.1:4000/jwks"));
        assert!(!safe_url("http://idp.example.org/jwks"));
        assert!(!safe_url("http://127.0.0.1.evil.example/jwks"));
    }
}
