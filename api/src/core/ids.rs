//! Opaque Relay global IDs: `base64url("Type:uuid")`.
//!
//! Decoding checks the type, so an action's ID passed where a board is expected is BAD_USER_INPUT,
//! and a well-formed ID of a record the caller cannot see is simply "not found".

use crate::core::error::ApiError;
use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use uuid::Uuid;

/// The node types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Partnership,
    Organisation,
    Person,
    Board,
    BoardMembership,
    Meeting,
    AgendaItem,
    Resolution,
    Strategy,
    Priority,
    Action,
    ActionUpdate,
    Indicator,
    IndicatorReading,
    DomesticHomicideReview,
    WrittenUpdateRequest,
    Clearance,
}

impl Kind {
    const ALL: [Kind; 17] = [
        Kind::Partnership,
        Kind::Organisation,
        Kind::Person,
        Kind::Board,
        Kind::BoardMembership,
        Kind::Meeting,
        Kind::AgendaItem,
        Kind::Resolution,
        Kind::Strategy,
        Kind::Priority,
        Kind::Action,
        Kind::ActionUpdate,
        Kind::Indicator,
        Kind::IndicatorReading,
        Kind::DomesticHomicideReview,
        Kind::WrittenUpdateRequest,
        Kind::Clearance,
    ];

    /// The GraphQL type name, used as the prefix inside the ID.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Partnership => "Partnership",
            Kind::Organisation => "Organisation",
            Kind::Person => "Person",
            Kind::Board => "Board",
            Kind::BoardMembership => "BoardMembership",
            Kind::Meeting => "Meeting",
            Kind::AgendaItem => "AgendaItem",
            Kind::Resolution => "Resolution",
            Kind::Strategy => "Strategy",
            Kind::Priority => "Priority",
            Kind::Action => "Action",
            Kind::ActionUpdate => "ActionUpdate",
            Kind::Indicator => "Indicator",
            Kind::IndicatorReading => "IndicatorReading",
            Kind::DomesticHomicideReview => "DomesticHomicideReview",
            Kind::WrittenUpdateRequest => "WrittenUpdateRequest",
            Kind::Clearance => "Clearance",
        }
    }
}

/// Encodes a global ID.
pub fn encode(kind: Kind, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", kind.name(), id)))
}

/// Decodes any global ID into its kind and UUID.
pub fn decode_any(id: &ID, field: &str) -> Result<(Kind, Uuid), ApiError> {
    let malformed = || ApiError::bad_input(field, format!("`{}` is not a valid ID", id.as_str()));
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_str().as_bytes())
        .map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (prefix, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == prefix)
        .ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((kind, uuid))
}

/// Decodes a global ID that must be of `kind`.
pub fn decode(id: &ID, kind: Kind, field: &str) -> Result<Uuid, ApiError> {
    match decode_any(id, field)? {
        (k, uuid) if k == kind => Ok(uuid),
        _ => Err(ApiError::bad_input(
            field,
            format!("`{}` is not a {} ID", id.as_str(), kind.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_type_check() {
        let uuid = Uuid::now_v7();
        let id = encode(Kind::Action, uuid);
        assert_eq!(decode(&id, Kind::Action, "id").unwrap(), uuid);
        assert!(decode(&id, Kind::Board, "id").is_err());
        assert!(decode_any(&ID("nonsense!".into()), "id").is_err());
    }
}
