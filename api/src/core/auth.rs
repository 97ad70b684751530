//! Who is calling: bearer-token validation and the per-request [`Viewer`].
//!
//! Identity enters here once. A token only says *who* the caller is (`sub`); what they may see is
//! looked up in the database on every request (organisation, seats, clearances), never taken from
//! claims, so a revoked seat takes effect on the next request. No token gives the anonymous public
//! view; a token that fails any check is UNAUTHENTICATED, never the public view.

use crate::config::JwtConfig;
use crate::core::error::ApiError;
use crate::core::keys::TrustedKey;
use chrono::Utc;
use entity::enums::{ClearanceStatus, MembershipRole};
use entity::{
    board, board_membership, clearance, organisation_partnership, partnership_administrator,
    person, post, post_holder,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::sea_query::{Expr, ExprTrait, UnionType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 30;

/// The claims we issue and accept.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
}

/// Who a valid token identifies: a subject *at an issuer*. People are matched on both, so one
/// provider can never sign in someone another provider (or the server itself) vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `None`: the server's own issuer (`CSP_JWT_ISSUER`); otherwise a partner's provider.
    pub issuer: Option<String>,
    pub subject: String,
    /// When the token expires (seconds since the epoch): a WebSocket connection ends then.
    pub expires_at: i64,
}

/// The one claim read from a validated token.
#[derive(Deserialize)]
struct SubjectClaim {
    sub: String,
    exp: i64,
}

/// Checks tokens against the configured keys, one pinned algorithm per key: keys read from
/// configuration at start, and the keys of providers known by their issuer URL alone, fetched
/// and kept current by [`keys`](crate::core::keys).
#[derive(Clone)]
pub struct Authenticator {
    keys: Vec<TrustedKey>,
    remote: Vec<std::sync::Arc<crate::core::keys::RemoteProvider>>,
    audience: String,
}

/// A public key's algorithm: RS256 or ES256 only.
fn public_algorithm(name: &str) -> anyhow::Result<Algorithm> {
    match name {
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => anyhow::bail!("unsupported JWT public key algorithm {other}: use RS256 or ES256"),
    }
}

/// A PEM public key pinned to `alg`.
fn pem_key(path: &std::path::Path, alg: Algorithm) -> anyhow::Result<DecodingKey> {
    let pem = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read JWT public key {}: {e}", path.display()))?;
    Ok(match alg {
        Algorithm::ES256 => DecodingKey::from_ec_pem(&pem)?,
        _ => DecodingKey::from_rsa_pem(&pem)?,
    })
}

/// The keys of a JWKS file, each pinned to its declared algorithm (see [`keys_of_set`]).
fn jwks_keys(path: &std::path::Path, issuer: &str) -> anyhow::Result<Vec<TrustedKey>> {
    let text = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read JWKS file {}: {e}", path.display()))?;
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_slice(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a JWKS document: {e}", path.display()))?;
    crate::core::keys::keys_of_set(&set, issuer, &path.display().to_string())
}

/// Where a provider's keys come from.
enum ProviderKeys {
    /// Read from a file at start.
    Fixed(Vec<TrustedKey>),
    /// Discovered from the issuer URL and kept current.
    Discovered(String),
}

/// One `--jwt-provider` entry: `issuer=<iss>` (discovery), `issuer=<iss>,jwks=<file>` or
/// `issuer=<iss>,pem=<file>,alg=…`.
fn provider_keys(spec: &str) -> anyhow::Result<ProviderKeys> {
    let mut issuer = None;
    let mut jwks = None;
    let mut pem = None;
    let mut alg = None;
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("JWT provider setting `{part}` is not name=value"))?;
        match name.trim() {
            "issuer" => issuer = Some(value.trim().to_string()),
            "jwks" => jwks = Some(std::path::PathBuf::from(value.trim())),
            "pem" => pem = Some(std::path::PathBuf::from(value.trim())),
            "alg" => alg = Some(public_algorithm(value.trim())?),
            other => anyhow::bail!("unknown JWT provider setting `{other}`"),
        }
    }
    let issuer = issuer.ok_or_else(|| anyhow::anyhow!("JWT provider `{spec}` has no issuer"))?;
    match (jwks, pem) {
        (Some(path), None) => Ok(ProviderKeys::Fixed(jwks_keys(&path, &issuer)?)),
        (None, Some(path)) => {
            let alg = alg.unwrap_or(Algorithm::RS256);
            Ok(ProviderKeys::Fixed(vec![TrustedKey {
                key: pem_key(&path, alg)?,
                issuer,
                primary: false,
                alg,
                kid: None,
            }]))
        }
        (None, None) => {
            anyhow::ensure!(
                issuer.starts_with("https://") || issuer.starts_with("http://127.0.0.1:") || issuer.starts_with("http://localhost:"),
                "JWT provider `{spec}`: an issuer discovered by its URL must be https (or on this machine)"
            );
            Ok(ProviderKeys::Discovered(issuer))
        }
        _ => anyhow::bail!("JWT provider `{spec}` takes one of jwks= or pem=, not both"),
    }
}

impl Authenticator {
    /// Builds the key set from configuration. Fails on an unreadable key, a short secret, and in
    /// production on the development secret or on no keys at all.
    pub fn from_config(config: &JwtConfig, production: bool) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        if let Some(secret) = config.effective_secret(production) {
            anyhow::ensure!(
                !(production && secret == crate::config::DEV_JWT_SECRET),
                "refusing to start in production with the development JWT secret: set CSP_JWT_SECRET to your own secret, or configure identity providers and leave it unset"
            );
            anyhow::ensure!(
                secret.len() >= 32,
                "CSP_JWT_SECRET must be at least 32 bytes (256 bits)"
            );
            keys.push(TrustedKey {
                issuer: config.issuer.clone(),
                primary: true,
                alg: Algorithm::HS256,
                kid: None,
                key: DecodingKey::from_secret(secret.as_bytes()),
            });
        }
        if let Some(path) = &config.public_key_file {
            let alg = public_algorithm(&config.public_key_algorithm)?;
            keys.push(TrustedKey {
                issuer: config.issuer.clone(),
                primary: true,
                alg,
                kid: None,
                key: pem_key(path, alg)?,
            });
        }
        let mut remote = Vec::new();
        for spec in config.providers.iter().filter(|s| !s.trim().is_empty()) {
            match provider_keys(spec)? {
                ProviderKeys::Fixed(fixed) => keys.extend(fixed),
                ProviderKeys::Discovered(issuer) => {
                    remote.push(std::sync::Arc::new(crate::core::keys::RemoteProvider::new(
                        issuer,
                        std::time::Duration::from_secs(config.jwks_min_refresh_seconds),
                    )?))
                }
            }
        }
        anyhow::ensure!(
            !keys.is_empty() || !remote.is_empty(),
            "no token keys configured: set CSP_JWT_SECRET, CSP_JWT_PUBLIC_KEY_FILE or CSP_JWT_PROVIDERS"
        );
        Ok(Authenticator {
            keys,
            remote,
            audience: config.audience.clone(),
        })
    }

    /// Fetches the keys of every provider known by its issuer URL, once, at start. One that
    /// cannot be reached is logged and tried again when its users' tokens arrive.
    pub async fn discover(&self) {
        for provider in &self.remote {
            provider.refresh(crate::core::keys::Prompt::Start).await;
        }
    }

    /// Validates a bearer token and returns who it identifies.
    ///
    /// The header's `alg` and `kid` only *select* among trusted keys: a key accepts its own
    /// algorithm alone (so `alg: none` and key confusion fail), and a `kid` can narrow the choice
    /// but never introduce a key. `jku`, `jwk` and `x5u` are never read. The token's `iss` must
    /// be the issuer the key belongs to. A `kid` no key has makes the providers known by their
    /// issuer URL fetch their keys again (rate-limited), in case one of them rotated.
    pub async fn identify(&self, token: &str) -> Result<Identity, ApiError> {
        use crate::core::keys::Prompt;
        let bad = || ApiError::Unauthenticated("invalid or expired token".into());
        let header = jsonwebtoken::decode_header(token).map_err(|_| bad())?;
        for provider in self.remote.iter().filter(|p| p.is_stale()) {
            let provider = provider.clone();
            tokio::spawn(async move { provider.refresh(Prompt::Stale).await });
        }
        if let Some(identity) = self.verify(token, &header) {
            return Ok(identity);
        }
        let unknown = header.kid.as_ref().is_some_and(|kid| !self.holds(kid));
        if unknown {
            let mut refreshed = false;
            for provider in &self.remote {
                refreshed |= provider.refresh(Prompt::UnknownKey).await;
            }
            if refreshed {
                if let Some(identity) = self.verify(token, &header) {
                    return Ok(identity);
                }
            }
        }
        Err(bad())
    }

    /// Whether any trusted key has this `kid`.
    fn holds(&self, kid: &str) -> bool {
        let named = |keys: &[TrustedKey]| keys.iter().any(|k| k.kid.as_deref() == Some(kid));
        named(&self.keys) || self.remote.iter().any(|p| p.with_keys(named))
    }

    /// The identity of a token valid under one of the keys held now.
    fn verify(&self, token: &str, header: &jsonwebtoken::Header) -> Option<Identity> {
        self.verify_with(token, header, &self.keys).or_else(|| {
            self.remote
                .iter()
                .find_map(|p| p.with_keys(|keys| self.verify_with(token, header, keys)))
        })
    }

    fn verify_with(
        &self,
        token: &str,
        header: &jsonwebtoken::Header,
        keys: &[TrustedKey],
    ) -> Option<Identity> {
        let candidates = keys.iter().filter(|k| {
            k.alg == header.alg
                && match (&header.kid, &k.kid) {
                    (Some(wanted), Some(kid)) => wanted == kid,
                    _ => true,
                }
        });
        for key in candidates {
            let mut validation = Validation::new(key.alg);
            validation.algorithms = vec![key.alg];
            validation.leeway = LEEWAY_SECONDS;
            validation.validate_nbf = true;
            validation.set_issuer(&[&key.issuer]);
            validation.set_audience(&[&self.audience]);
            validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            // jsonwebtoken checks exp, nbf, iss and aud on the raw claims; only `sub` is read.
            if let Ok(data) = jsonwebtoken::decode::<SubjectClaim>(token, &key.key, &validation) {
                if data.claims.sub.is_empty() {
                    return None;
                }
                return Some(Identity {
                    issuer: (!key.primary).then(|| key.issuer.clone()),
                    subject: data.claims.sub,
                    expires_at: data.claims.exp,
                });
            }
        }
        None
    }
}

/// Mints an HS256 token for `subject`, valid for `ttl`, with the configured secret (the
/// development secret outside production).
pub fn mint(
    config: &JwtConfig,
    production: bool,
    subject: &str,
    ttl: chrono::Duration,
) -> anyhow::Result<String> {
    let secret = config
        .effective_secret(production)
        .ok_or_else(|| anyhow::anyhow!("no HS256 secret configured to sign with"))?;
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: subject.to_string(),
        iss: config.issuer.clone(),
        aud: config.audience.clone(),
        iat: now,
        nbf: now,
        exp: now + ttl.num_seconds(),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

/// The one rule for a seat held on `today`: started (or no start date) and not yet ended. Used by
/// the viewer, the board's `currentOnly` list and `BoardMembership.current`.
pub fn current_seat(today: chrono::NaiveDate) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(board_membership::Column::StartsOn.is_null())
                .add(board_membership::Column::StartsOn.lte(today)),
        )
        .add(
            Condition::any()
                .add(board_membership::Column::EndsOn.is_null())
                .add(board_membership::Column::EndsOn.gte(today)),
        )
}

/// Whether `seat` is held on `today` (the same rule as [`current_seat`], for a loaded row).
pub fn is_current_seat(seat: &board_membership::Model, today: chrono::NaiveDate) -> bool {
    seat.starts_on.is_none_or(|d| d <= today) && seat.ends_on.is_none_or(|d| d >= today)
}

/// The caller of one request, with what the database says they may see.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// `None` for an anonymous caller.
    pub person: Option<person::Model>,
    /// Partnerships whose partnership-level records the caller may see: those their organisation
    /// serves, and those where they hold a current seat.
    pub partnerships: BTreeSet<Uuid>,
    /// Boards where the caller holds a current seat with a clearance in force (approved by a
    /// second person, unexpired).
    pub cleared_boards: BTreeSet<Uuid>,
    /// Boards where the caller holds a current seat (cleared or not).
    pub seats: BTreeSet<Uuid>,
    /// Boards where the caller is chair, joint chair, vice-chair or secretary.
    pub officer_boards: BTreeSet<Uuid>,
    /// Boards where the caller is chair, joint chair or vice-chair (who may approve clearance).
    pub chair_boards: BTreeSet<Uuid>,
    /// Partnerships the caller administers. Grants management and the audit log, never sight
    /// of restricted content.
    pub admin_partnerships: BTreeSet<Uuid>,
    /// Posts the caller holds today: they act as lead of what those posts lead. Grants no sight
    /// of anything.
    pub posts: BTreeSet<Uuid>,
}

impl Viewer {
    /// The anonymous caller: public records only.
    pub fn anonymous() -> Self {
        Viewer::default()
    }

    /// The signed-in person's id.
    pub fn person_id(&self) -> Option<Uuid> {
        self.person.as_ref().map(|p| p.id)
    }

    /// Whether the caller holds a cleared seat on `board`.
    pub fn is_cleared_on(&self, board: Uuid) -> bool {
        self.cleared_boards.contains(&board)
    }

    /// Loads the viewer for a token subject. An unknown or inactive subject is UNAUTHENTICATED.
    pub async fn load(db: &DatabaseConnection, identity: &Identity) -> Result<Viewer, ApiError> {
        let issuer = match &identity.issuer {
            None => person::Column::IdentityIssuer.is_null(),
            Some(iss) => person::Column::IdentityIssuer.eq(iss.as_str()),
        };
        let person = person::Entity::find()
            .filter(person::Column::Subject.eq(identity.subject.as_str()))
            .filter(issuer)
            .filter(person::Column::Active.eq(true))
            .filter(person::Column::RemovedAt.is_null())
            .one(db)
            .await?
            .ok_or_else(|| ApiError::Unauthenticated("unknown or inactive account".into()))?;
        Self::for_person(db, person).await
    }

    /// Reloads a signed-in viewer's seats and clearances (live updates do this per event).
    pub async fn reload(&self, db: &DatabaseConnection) -> Result<Viewer, ApiError> {
        let Some(id) = self.person_id() else {
            return Ok(Viewer::anonymous());
        };
        Self::of_person(db, id).await
    }

    /// The viewer for person `id`, as their own sign-in would make it (a calendar feed reads as
    /// its owner); UNAUTHENTICATED when they are inactive or removed.
    pub async fn of_person(db: &DatabaseConnection, id: uuid::Uuid) -> Result<Viewer, ApiError> {
        let person = person::Entity::find_by_id(id)
            .filter(person::Column::Active.eq(true))
            .filter(person::Column::RemovedAt.is_null())
            .one(db)
            .await?
            .ok_or_else(|| ApiError::Unauthenticated("unknown or inactive account".into()))?;
        Self::for_person(db, person).await
    }

    /// The viewer for a known, active person.
    async fn for_person(
        db: &DatabaseConnection,
        person: person::Model,
    ) -> Result<Viewer, ApiError> {
        let now = Utc::now();
        // A seat clears its holder only while an approved clearance on it is unexpired: expiry
        // and revocation take effect on the next request, with no restart and no cache.
        let in_force = clearance::Entity::find()
            .select_only()
            .column(clearance::Column::MembershipId)
            .filter(clearance::Column::PersonId.eq(person.id))
            .filter(clearance::Column::Status.eq(ClearanceStatus::Approved))
            .filter(clearance::Column::ExpiresAt.gt(now))
            .into_query();
        // Everything else the caller's rights rest on, in one statement (every request pays
        // for it): their current seats with the boards' partnerships, role and clearance; the
        // partnerships their organisation serves; those they administer. Rows are tagged with
        // the set they belong to.
        let seats = board_membership::Entity::find()
            .select_only()
            .expr_as(Expr::val(Grant::Seat as i32), "grant")
            .column_as(board_membership::Column::BoardId, "board")
            .column_as(board::Column::PartnershipId, "partnership")
            .column_as(board_membership::Column::Role, "role")
            .column_as(
                board_membership::Column::Id.in_subquery(in_force),
                "cleared",
            )
            .filter(board_membership::Column::PersonId.eq(person.id))
            .filter(current_seat(now.date_naive()))
            .into_query()
            .inner_join(
                board::Entity,
                Expr::col((board::Entity, board::Column::Id))
                    .equals((board_membership::Entity, board_membership::Column::BoardId)),
            )
            .to_owned();
        let served = organisation_partnership::Entity::find()
            .select_only()
            .expr(Expr::val(Grant::Served as i32))
            .expr(Expr::val(Option::<Uuid>::None))
            .column(organisation_partnership::Column::PartnershipId)
            .expr(Expr::val(Option::<String>::None))
            .expr(Expr::val(Option::<bool>::None))
            .filter(organisation_partnership::Column::OrganisationId.eq(person.organisation_id))
            .into_query();
        let administered = partnership_administrator::Entity::find()
            .select_only()
            .expr(Expr::val(Grant::Administered as i32))
            .expr(Expr::val(Option::<Uuid>::None))
            .column(partnership_administrator::Column::PartnershipId)
            .expr(Expr::val(Option::<String>::None))
            .expr(Expr::val(Option::<bool>::None))
            .filter(partnership_administrator::Column::PersonId.eq(person.id))
            .into_query();
        let today = now.date_naive();
        let held = post_holder::Entity::find()
            .select_only()
            .expr(Expr::val(Grant::Post as i32))
            .column(post_holder::Column::PostId)
            .column(post::Column::PartnershipId)
            .expr(Expr::val(Option::<String>::None))
            .expr(Expr::val(Option::<bool>::None))
            .filter(post_holder::Column::PersonId.eq(person.id))
            .filter(holding_covers(today))
            .into_query()
            .inner_join(
                post::Entity,
                Expr::col((post::Entity, post::Column::Id))
                    .equals((post_holder::Entity, post_holder::Column::PostId)),
            )
            .to_owned();
        let mut rights = seats;
        rights
            .union(UnionType::All, served)
            .union(UnionType::All, administered)
            .union(UnionType::All, held);
        let backend = db.get_database_backend();
        let rows = db.query_all_raw(backend.build(&rights)).await?;

        let mut viewer = Viewer {
            person: Some(person),
            ..Viewer::default()
        };
        for row in rows {
            let grant: i32 = row.try_get("", "grant")?;
            let partnership: Uuid = row.try_get("", "partnership")?;
            match grant {
                g if g == Grant::Served as i32 => {
                    viewer.partnerships.insert(partnership);
                }
                g if g == Grant::Administered as i32 => {
                    viewer.admin_partnerships.insert(partnership);
                }
                g if g == Grant::Post as i32 => {
                    viewer.posts.insert(row.try_get("", "board")?);
                }
                _ => {
                    let board_id: Uuid = row.try_get("", "board")?;
                    let role: MembershipRole = row.try_get("", "role")?;
                    let cleared: bool = row.try_get("", "cleared")?;
                    viewer.partnerships.insert(partnership);
                    viewer.seats.insert(board_id);
                    match role {
                        MembershipRole::Chair
                        | MembershipRole::JointChair
                        | MembershipRole::ViceChair => {
                            viewer.officer_boards.insert(board_id);
                            viewer.chair_boards.insert(board_id);
                        }
                        MembershipRole::Secretary => {
                            viewer.officer_boards.insert(board_id);
                        }
                        MembershipRole::Member
                        | MembershipRole::Adviser
                        | MembershipRole::Observer => {}
                    }
                    if cleared {
                        viewer.cleared_boards.insert(board_id);
                    }
                }
            }
        }
        Ok(viewer)
    }
}

/// Which of the caller's sets a row of the rights statement belongs to.
#[derive(Clone, Copy)]
enum Grant {
    Seat = 0,
    Served = 1,
    Administered = 2,
    /// A post held today (its id in the `board` column).
    Post = 3,
}

/// A post holding that covers `day` (open-ended at either end when its date is unset): who holds
/// a post on that day, for the viewer's own posts and for the people an action's post reminds.
pub fn holding_covers(day: chrono::NaiveDate) -> Condition {
    use post_holder::Column as H;
    Condition::all()
        .add(
            Condition::any()
                .add(H::StartsOn.is_null())
                .add(H::StartsOn.lte(day)),
        )
        .add(
            Condition::any()
                .add(H::EndsOn.is_null())
                .add(H::EndsOn.gte(day)),
        )
}
