//! What scpd asks a subscriber's HLR and what comes back, protocol-neutral: the MAP client
//! ([`crate::tcuser::hlr`]) fills these in from SendRoutingInformation and
//! AnyTimeInterrogation (TS 29.002 §8.2.2, §8.11.1); `api` turns them into gRPC answers.

use super::Location;
use std::time::Instant;

/// A question for the HLR of `msisdn` (international digits, no `+`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HlrQuery {
    /// A roaming number (MSRN) for a call to the subscriber: SRI with the T-CSI
    /// suppressed, so that the number routes to the visited MSC and triggers nothing.
    Msrn { msisdn: String },
    /// Where the subscriber is and whether it is reachable: ATI; `current`: have the VLR
    /// page the mobile for its location now (currentLocation), not the last one known.
    Locate { msisdn: String, current: bool },
}

impl HlrQuery {
    pub fn msisdn(&self) -> &str {
        match self {
            HlrQuery::Msrn { msisdn } | HlrQuery::Locate { msisdn, .. } => msisdn,
        }
    }

    /// The MAP operation it takes, as TS 29.002 names it (logs, metrics).
    pub fn operation(&self) -> &'static str {
        match self {
            HlrQuery::Msrn { .. } => "sendRoutingInfo",
            HlrQuery::Locate { .. } => "anyTimeInterrogation",
        }
    }
}

/// A roaming number the visited MSC allocated for one call to the subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roaming {
    pub msrn: String,
    pub imsi: String,
    /// The MSC serving the subscriber, when the HLR says (v3 vmsc-Address).
    pub vmsc: String,
    /// The MAP version the HLR answered in (3, or 2 after falling back).
    pub map_version: u8,
}

/// Whether the network can reach the subscriber (SubscriberState, TS 29.002 §17.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reachability {
    /// The HLR said nothing.
    #[default]
    Unknown,
    AssumedIdle,
    /// In a call.
    Busy,
    /// NotReachableReason: msPurged, imsiDetached, restrictedArea, notRegistered.
    NotReachable(&'static str),
    NotProvidedFromVlr,
}

/// A point on the WGS 84 ellipsoid with its uncertainty (TS 23.032 §5.2, as the HLR gives
/// it in geographicalInformation).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
    pub uncertainty_m: f64,
}

/// Where the subscriber is, as the HLR knows it from the VLR (ATI result).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Whereabouts {
    pub state: Reachability,
    /// Cell (or LAI) and VLR number.
    pub location: Option<Location>,
    /// Minutes since the VLR last heard from the mobile.
    pub age_minutes: Option<u32>,
    pub geo: Option<GeoPoint>,
    pub msc: String,
    /// The VLR paged the mobile for this answer (currentLocation was asked and done).
    pub current: bool,
}

/// What the HLR answered.
#[derive(Debug, Clone, PartialEq)]
pub enum HlrAnswer {
    Roaming(Roaming),
    Whereabouts(Whereabouts),
}

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HlrError {
    /// The HLR answered with a MAP error, named as TS 29.002 §17.6.6 spells it
    /// (`name`), with its parameter's value where it has one (`detail`).
    #[error("HLR answered {detail}")]
    Map { name: &'static str, detail: String },
    /// A result that is not what was asked (forwarding data instead of a roaming number).
    #[error("HLR: {0}")]
    NoRoutingNumber(String),
    #[error("no answer from the HLR in time")]
    Timeout,
    /// The dialogue was aborted, rejected or returned by SCCP.
    #[error("HLR dialogue failed: {0}")]
    Failed(String),
    /// scpd cannot ask now (no `[hlr]`, dialogue table full).
    #[error("{0}")]
    Unavailable(String),
}

pub type HlrResult = Result<HlrAnswer, HlrError>;

/// A question on its way to a signalling stack, with the time its answer is due.
#[derive(Debug)]
pub struct HlrRequest {
    pub query: HlrQuery,
    pub deadline: Instant,
    pub reply: tokio::sync::oneshot::Sender<HlrResult>,
}
