//! Who is calling: bearer-token validation and the per-request [`Viewer`].
//!
//! Identity enters here once. A token only says *who* the caller is (`sub`); what they may see is
//! looked up in the database on every request (organisation, seats, clearances), never taken from
//! claims, so a revoked seat takes effect on the next request. No token gives the anonymous public
//! view; a token that fails any check is UNAUTHENTICATED, never the public view.

use crate::config::JwtConfig;
use crate::error::ApiError;
use chrono::Utc;
use entity::enums::MembershipRole;
use entity::{
    board, board_membership, organisation_partnership, partnership_administrator, person,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
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

/// Checks tokens against the configured keys, one pinned algorithm per key.
#[derive(Clone)]
pub struct Authenticator {
    keys: Vec<(Algorithm, DecodingKey)>,
    issuer: String,
    audience: String,
}

impl Authenticator {
    /// Builds the key set from configuration; fails on an unreadable key or a short secret.
    pub fn from_config(config: &JwtConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(
            config.secret.len() >= 32,
            "CSP_JWT_SECRET must be at least 32 bytes (256 bits)"
        );
        let mut keys = vec![(
            Algorithm::HS256,
            DecodingKey::from_secret(config.secret.as_bytes()),
        )];
        if let Some(path) = &config.public_key_file {
            let pem = std::fs::read(path).map_err(|e| {
                anyhow::anyhow!("cannot read JWT public key {}: {e}", path.display())
            })?;
            let key = match config.public_key_algorithm.as_str() {
                "RS256" => (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem)?),
                "ES256" => (Algorithm::ES256, DecodingKey::from_ec_pem(&pem)?),
                other => anyhow::bail!(
                    "unsupported JWT public key algorithm {other}: use RS256 or ES256"
                ),
            };
            keys.push(key);
        }
        Ok(Authenticator {
            keys,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
        })
    }

    /// Validates a bearer token and returns its subject.
    ///
    /// The algorithm named in the header only selects among configured keys; each key accepts its
    /// own algorithm alone, so `alg: none` and key confusion fail. Key hints (`jku`, `jwk`, `x5u`,
    /// `kid`) are never followed.
    pub fn subject(&self, token: &str) -> Result<String, ApiError> {
        let bad = || ApiError::Unauthenticated("invalid or expired token".into());
        let header = jsonwebtoken::decode_header(token).map_err(|_| bad())?;
        let (alg, key) = self
            .keys
            .iter()
            .find(|(alg, _)| *alg == header.alg)
            .ok_or_else(bad)?;
        let mut validation = Validation::new(*alg);
        validation.algorithms = vec![*alg];
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(|_| bad())?;
        if data.claims.sub.is_empty() {
            return Err(bad());
        }
        Ok(data.claims.sub)
    }
}

/// Mints an HS256 development token for `subject`, valid for `ttl`.
pub fn mint(config: &JwtConfig, subject: &str, ttl: chrono::Duration) -> anyhow::Result<String> {
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
        &EncodingKey::from_secret(config.secret.as_bytes()),
    )?)
}

/// The caller of one request, with what the database says they may see.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// `None` for an anonymous caller.
    pub person: Option<person::Model>,
    /// Partnerships whose partnership-level records the caller may see: those their organisation
    /// serves, and those where they hold a current seat.
    pub partnerships: BTreeSet<Uuid>,
    /// Boards where the caller holds a current seat with restricted clearance.
    pub cleared_boards: BTreeSet<Uuid>,
    /// Boards where the caller holds a current seat (cleared or not).
    pub seats: BTreeSet<Uuid>,
    /// Boards where the caller is chair, joint chair, vice-chair or secretary.
    pub officer_boards: BTreeSet<Uuid>,
    /// Partnerships the caller administers. Grants management and the audit log, never sight
    /// of restricted content.
    pub admin_partnerships: BTreeSet<Uuid>,
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
    pub async fn load(db: &DatabaseConnection, subject: &str) -> Result<Viewer, ApiError> {
        let person = person::Entity::find()
            .filter(person::Column::Subject.eq(subject))
            .filter(person::Column::Active.eq(true))
            .one(db)
            .await?
            .ok_or_else(|| ApiError::Unauthenticated("unknown or inactive account".into()))?;

        let today = Utc::now().date_naive();
        let current = Condition::all()
            .add(board_membership::Column::PersonId.eq(person.id))
            .add(
                Condition::any()
                    .add(board_membership::Column::StartsOn.is_null())
                    .add(board_membership::Column::StartsOn.lte(today)),
            )
            .add(
                Condition::any()
                    .add(board_membership::Column::EndsOn.is_null())
                    .add(board_membership::Column::EndsOn.gte(today)),
            );
        let seats: Vec<(Uuid, bool, MembershipRole)> = board_membership::Entity::find()
            .select_only()
            .column(board_membership::Column::BoardId)
            .column(board_membership::Column::RestrictedClearance)
            .column(board_membership::Column::Role)
            .filter(current)
            .into_tuple()
            .all(db)
            .await?;
        let seat_partnerships: Vec<Uuid> = if seats.is_empty() {
            Vec::new()
        } else {
            board::Entity::find()
                .select_only()
                .column(board::Column::PartnershipId)
                .filter(board::Column::Id.is_in(seats.iter().map(|s| s.0)))
                .into_tuple()
                .all(db)
                .await?
        };
        let served: Vec<Uuid> = organisation_partnership::Entity::find()
            .select_only()
            .column(organisation_partnership::Column::PartnershipId)
            .filter(organisation_partnership::Column::OrganisationId.eq(person.organisation_id))
            .into_tuple()
            .all(db)
            .await?;

        let administered: Vec<Uuid> = partnership_administrator::Entity::find()
            .select_only()
            .column(partnership_administrator::Column::PartnershipId)
            .filter(partnership_administrator::Column::PersonId.eq(person.id))
            .into_tuple()
            .all(db)
            .await?;

        let mut viewer = Viewer {
            person: Some(person),
            ..Viewer::default()
        };
        viewer.partnerships.extend(served);
        viewer.partnerships.extend(seat_partnerships);
        viewer.admin_partnerships.extend(administered);
        for (board_id, cleared, role) in seats {
            viewer.seats.insert(board_id);
            match role {
                MembershipRole::Chair
                | MembershipRole::JointChair
                | MembershipRole::ViceChair
                | MembershipRole::Secretary => {
                    viewer.officer_boards.insert(board_id);
                }
                MembershipRole::Member | MembershipRole::Adviser | MembershipRole::Observer => {}
            }
            if cleared {
                viewer.cleared_boards.insert(board_id);
            }
        }
        Ok(viewer)
    }
}
