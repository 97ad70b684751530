//! Who is calling and why, read once for both transports: the `Authorization` and
//! `X-Access-Purpose` headers of an HTTP request, or the same two fields of a WebSocket's
//! `connection_init` (browsers cannot set headers on a WebSocket). One set of rules: a bearer
//! token (the scheme in any case), at most [`MAX_AUTHORIZATION_BYTES`], never decoded when over;
//! a purpose of 1 to [`MAX_PURPOSE_LEN`] characters, trimmed. No token is the public view; a bad
//! one is refused, never the public view.

use crate::core::auth::Viewer;
use crate::core::error::{ApiError, ApiResult, PURPOSE_HEADER};
use crate::http::AppState;

/// Largest `Authorization` value accepted, in bytes (the header, or the token in a WebSocket's
/// `connection_init`). Real bearer tokens are one or two KiB; every byte of a token is
/// base64-decoded, parsed and hashed for its signature before a bad one can be refused, so
/// without a bound anyone could make the server do that work on hundreds of KiB per request.
/// 8 KiB is the usual per-header limit of proxies (nginx's default header buffer), so no token
/// that works behind one is refused here. Over it: 431 before anything is decoded.
pub const MAX_AUTHORIZATION_BYTES: usize = 8 * 1024;

/// Longest purpose a caller may state.
pub const MAX_PURPOSE_LEN: usize = 200;

/// The caller and the purpose they state for the audit log.
pub struct Caller {
    pub viewer: Viewer,
    pub purpose: Option<String>,
    /// When the token expires (seconds since the epoch); `None` for an anonymous caller.
    pub expires_at: Option<i64>,
}

impl Caller {
    /// Reads the raw `Authorization` and purpose values, the purpose first (no database work
    /// for a request refused on it), then the token and the caller's seats.
    pub async fn identify(
        state: &AppState,
        authorization: Option<&str>,
        purpose: Option<&str>,
    ) -> ApiResult<Caller> {
        let purpose = purpose.map(parse_purpose).transpose()?;
        let Some(authorization) = authorization else {
            return Ok(Caller {
                viewer: Viewer::anonymous(),
                purpose,
                expires_at: None,
            });
        };
        let identity = state.auth.identify(bearer_token(authorization)?).await?;
        let viewer = Viewer::load(&state.db, &identity).await?;
        Ok(Caller {
            viewer,
            purpose,
            expires_at: Some(identity.expires_at),
        })
    }
}

/// A stated purpose, trimmed; BAD_USER_INPUT naming the header when empty or too long.
fn parse_purpose(raw: &str) -> ApiResult<String> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > MAX_PURPOSE_LEN {
        return Err(ApiError::bad_input(
            PURPOSE_HEADER,
            format!("X-Access-Purpose must be 1 to {MAX_PURPOSE_LEN} printable characters"),
        ));
    }
    Ok(text.to_string())
}

/// The token of `Bearer <token>`; UNAUTHENTICATED for anything else, and for a value too long to
/// be worth decoding.
fn bearer_token(raw: &str) -> ApiResult<&str> {
    if raw.len() > MAX_AUTHORIZATION_BYTES {
        return Err(ApiError::Unauthenticated(format!(
            "Authorization is over {MAX_AUTHORIZATION_BYTES} bytes"
        )));
    }
    let (scheme, token) = raw.split_once(' ').unwrap_or((raw, ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::Unauthenticated(
            "expected `Authorization: Bearer <token>`".into(),
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_read_in_any_case_and_nothing_else_is_a_token() {
        assert_eq!(bearer_token("Bearer abc").unwrap(), "abc");
        assert_eq!(bearer_token("bearer  abc ").unwrap(), "abc");
        assert_eq!(bearer_token("BEARER abc").unwrap(), "abc");
        for bad in ["abc", "Basic abc", "Bearer ", "Bearer", ""] {
            assert!(bearer_token(bad).is_err(), "{bad:?}");
        }
        let huge = format!("Bearer {}", "a".repeat(MAX_AUTHORIZATION_BYTES));
        assert!(bearer_token(&huge).is_err());
    }

    #[test]
    fn a_purpose_is_trimmed_and_bounded() {
        assert_eq!(parse_purpose("  case review ").unwrap(), "case review");
        assert!(parse_purpose("   ").is_err());
        assert!(parse_purpose(&"x".repeat(MAX_PURPOSE_LEN + 1)).is_err());
        assert!(parse_purpose(&"é".repeat(MAX_PURPOSE_LEN)).is_ok());
    }
}
