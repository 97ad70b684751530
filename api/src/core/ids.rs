//! Opaque Relay global IDs: `base64url("Type:uuid")`.
//!
//! Decoding checks the type, so an action's ID passed where a board is expected is BAD_USER_INPUT,
//! and a well-formed ID of a record the caller cannot see is simply "not found".

use crate::core::error::ApiError;
use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use uuid::Uuid;

/// The one table of node types, handed to `$callback`: each entry is the kind (also the
/// GraphQL type name and the prefix inside its IDs), the entity module it is stored in, and the
/// GraphQL type it is shown as, with the access function that presents a visible row when the
/// caller may see only part of it. This module makes [`Kind`] of it and `schema` makes the
/// `Node` interface and `load_node`, so a new node type is one line here.
#[macro_export]
macro_rules! node_types {
    ($callback:ident) => {
        $callback! {
            Partnership: partnership => Partnership,
            Organisation: organisation => Organisation,
            Person: person => Person,
            Board: board => Board,
            BoardMembership: board_membership => BoardMembership,
            Meeting: meeting => Meeting,
            AgendaItem: agenda_item => AgendaItem via $crate::core::access::redact_agenda_item,
            Resolution: resolution => Resolution,
            Strategy: strategy => Strategy,
            Priority: priority => Priority,
            Action: action => Action,
            ActionUpdate: action_update => ActionUpdate,
            Indicator: indicator => Indicator,
            IndicatorReading: indicator_reading => IndicatorReading,
            DomesticHomicideReview: domestic_homicide_review => Review,
            WrittenUpdateRequest: written_update_request => WrittenUpdateRequest,
            Clearance: clearance => Clearance,
            Post: post => Post,
            ProvisioningToken: provisioning_token => ProvisioningToken,
            CalendarFeed: calendar_feed => CalendarFeed,
        }
    };
}

/// Makes [`Kind`] of the node table.
macro_rules! kinds {
    ($($kind:ident: $entity:ident => $ty:ident $(via $present:path)?,)*) => {
        /// The node types that have global IDs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)*
        }

        impl Kind {
            /// Every kind, in the table's order.
            pub const ALL: &'static [Kind] = &[$(Kind::$kind,)*];

            /// The GraphQL type name, used as the prefix inside the ID.
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => stringify!($kind),)*
                }
            }
        }
    };
}

crate::node_types!(kinds);

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
        .iter()
        .copied()
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

    #[test]
    fn every_kind_round_trips_under_its_own_prefix() {
        let uuid = Uuid::now_v7();
        for &kind in Kind::ALL {
            assert_eq!(decode_any(&encode(kind, uuid), "id").unwrap(), (kind, uuid));
        }
    }
}
