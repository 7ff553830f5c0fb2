//! The protocol-neutral call model (DESIGN.md flows 1–3): a switch's query becomes a
//! [`Trigger`], the enrolled subscriber's policy decides the [`Instruction`], and every
//! trigger and call-state change becomes an [`Event`]. Nothing here knows CAP, AIN or gRPC
//! types, sockets or clocks: the TC-users map their protocols into these types and pass the
//! time in; `api` and `store` translate events, subscribers and answers for their side.

mod engine;
pub mod hlr;
mod model;
pub mod routing;

pub use engine::{Decision, Engine, EngineConfig};
pub use model::*;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Subscribers by number, shared between the engines (read per trigger) and the API (which
/// writes through the store first, then here). Values are shared, so a trigger takes a
/// reference count, not a copy.
pub type SubscriberTable = Arc<RwLock<HashMap<String, Arc<Subscriber>>>>;

/// ISUP nature of address indicator (Q.763 §3.9; AINDigits use the same values, T1.113)
/// → protocol-neutral.
pub fn isup_nature(v: u8) -> NatureOfAddress {
    match v {
        1 => NatureOfAddress::Subscriber,
        2 => NatureOfAddress::Unknown,
        3 => NatureOfAddress::National,
        4 => NatureOfAddress::International,
        5 => NatureOfAddress::NetworkSpecific,
        _ => NatureOfAddress::Other,
    }
}

/// TS 29.002 AddressString nature of address / TS 24.008 §10.5.4.7 type of number →
/// protocol-neutral.
pub fn address_nature(v: u8) -> NatureOfAddress {
    match v {
        0 => NatureOfAddress::Unknown,
        1 => NatureOfAddress::International,
        2 => NatureOfAddress::National,
        3 => NatureOfAddress::NetworkSpecific,
        4 => NatureOfAddress::Subscriber,
        6 => NatureOfAddress::Abbreviated,
        _ => NatureOfAddress::Other,
    }
}
