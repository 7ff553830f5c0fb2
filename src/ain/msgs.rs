//! AIN message arguments (GR-1299 §5 messages, their ASN.1 in Wireshark's
//! `AIN-Operations.asn`; the modelled subset is in `asn1/AIN-subset.asn`).
//!
//! GR-1299 tags every parameter once, globally, and each argument is a SEQUENCE of those
//! parameters. So one borrowed type, [`Arg`], holds any argument: a field per modelled
//! parameter. What differs between operations is which members they carry, in which order
//! and which are mandatory: the per-operation [`schema`]. Decoding reads members in any
//! order (switches differ), skips members scpd does not model (DESIGN.md: tolerate
//! extensions), refuses duplicates and malformed contents with the offset, then checks the
//! mandatory members. Encoding writes the schema's members in ASN.1 order (Wireshark's
//! decoder, like strict switches, insists on it) and refuses members the operation does not
//! have, so a builder mistake is an error rather than a message the SSP rejects.
//!
//! Submodules, re-exported here: `members` ([`P`], the modelled parameters), `schema` (the
//! per-operation table), `arg` ([`Arg`] and its decoding), `encode` (checking and writing an
//! [`Arg`]) and `errors` (applicationError and failureReport).

mod arg;
mod encode;
mod errors;
mod members;
mod schema;

pub use arg::Arg;
pub use errors::{AinErrorReport, ApplicationError, FailedMessage, FailureReport};
pub use members::P;
pub use schema::{schema, Schema};

use super::AinError;
use crate::ber::{BerError, BerErrorKind};

impl From<BerError> for AinError {
    fn from(e: BerError) -> Self {
        AinError::Decode(e)
    }
}

/// A mandatory-member error with the offset where the member was looked for.
pub(super) fn missing(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Missing(what), offset)
}
