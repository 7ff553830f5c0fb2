//! The `[m3ua]` section: associations to listen on and connect to, the application servers
//! and their traffic modes (RFC 4666 §1.4.2, §3.8.2), routing key registration (§3.6), IPSP
//! peers (§4.3.1), and the ASPSM/ASPTM timers.

use crate::m3ua::pdu::TrafficMode;
use serde::Deserialize;
use std::time::Duration;

/// M3UA traffic mode of an application server (RFC 4666 §1.4.2.x, §3.8.2).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum TrafficModeConfig {
    /// One active ASP at a time; a newly active one takes over.
    Override,
    /// Every active ASP carries traffic, chosen by SLS.
    #[default]
    Loadshare,
    /// Every active ASP receives every message.
    Broadcast,
}

impl From<TrafficModeConfig> for TrafficMode {
    fn from(t: TrafficModeConfig) -> TrafficMode {
        match t {
            TrafficModeConfig::Override => TrafficMode::Override,
            TrafficModeConfig::Loadshare => TrafficMode::Loadshare,
            TrafficModeConfig::Broadcast => TrafficMode::Broadcast,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct M3ua {
    #[serde(default)]
    pub listen: Vec<String>,
    #[serde(default)]
    pub connect: Vec<String>,
    /// Routing contexts of the application server the `listen` peers serve (one AS; a peer
    /// activates with one of these or without any). Empty: peers activate without one.
    #[serde(default)]
    pub routing_contexts: Vec<u32>,
    /// Traffic mode of that AS.
    #[serde(default)]
    pub traffic_mode: TrafficModeConfig,
    /// T(r): how long the AS stays AS-PENDING (answers queued) after its last active ASP
    /// left, before it goes AS-INACTIVE/DOWN and the queued answers are dropped.
    #[serde(default = "default_t_r_ms")]
    pub t_r_ms: u64,
    /// Client side (`connect`): every URL is one ASP of one AS towards the SGs. Routing
    /// contexts to activate with (absent: `routing_contexts`).
    #[serde(default)]
    pub connect_routing_contexts: Option<Vec<u32>>,
    /// Traffic mode scpd asks for in ASPAC and uses to spread DATA over the SGs.
    #[serde(default)]
    pub connect_traffic_mode: TrafficModeConfig,
    /// ASP Identifier sent in ASPUP (absent: none).
    #[serde(default)]
    pub asp_id: Option<u32>,
    /// T(ack): wait for an ASPSM/ASPTM acknowledgement before resending.
    #[serde(default = "default_t_ack_ms")]
    pub t_ack_ms: u64,
    /// Resends of an unacknowledged ASPUP/ASPAC before the association is restarted.
    #[serde(default = "default_max_retransmits")]
    pub max_retransmits: u32,
    /// BEAT towards each SG this often (0: no heartbeat).
    #[serde(default)]
    pub beat_interval_ms: u64,
    /// A BEAT not acknowledged within this restarts the association.
    #[serde(default = "default_beat_timeout_ms")]
    pub beat_timeout_ms: u64,
    /// DAUD for destinations an SG reported unavailable or congested, this often (0: never).
    #[serde(default)]
    pub audit_interval_ms: u64,
    /// Reconnection backoff towards an SG: first delay, doubling up to the maximum.
    #[serde(default = "default_reconnect_min_ms")]
    pub reconnect_min_ms: u64,
    #[serde(default = "default_reconnect_max_ms")]
    pub reconnect_max_ms: u64,
    /// Server side: several application servers, each with its own routing contexts,
    /// traffic mode and member ASPs (`[[m3ua.application_servers]]`). Empty: one AS made of
    /// `routing_contexts` and `traffic_mode`, open to every peer.
    #[serde(default)]
    pub application_servers: Vec<ApplicationServerConfig>,
    /// Server side: routing key registration (RKM, RFC 4666 §3.6).
    #[serde(default)]
    pub registration: RegistrationMode,
    /// Routing contexts of ASes created by registration: the lowest free one from here.
    #[serde(default = "default_registration_first_rc")]
    pub registration_first_rc: u32,
    /// At most this many ASes created by registration at once.
    #[serde(default = "default_registration_max")]
    pub registration_max: usize,
    /// Client side: register a routing key (REG REQ) after ASPUP and activate with the
    /// routing context the SG assigns; needs `connect_routing_contexts = []`.
    #[serde(default)]
    pub register: bool,
    /// Destination point codes of that routing key (default: `node.point_code`).
    #[serde(default)]
    pub register_point_codes: Vec<u32>,
    /// IPSP peers (RFC 4666 §4.3.1, IPSP-to-IPSP): associations scpd opens...
    #[serde(default)]
    pub ipsp_connect: Vec<String>,
    /// ...and where IPSPs connect to scpd.
    #[serde(default)]
    pub ipsp_listen: Vec<String>,
    /// Single exchange (the side that opened the association sends ASPUP/ASPAC, the other
    /// only answers) or double exchange (both send, both answer).
    #[serde(default)]
    pub ipsp_exchange: IpspExchange,
    /// Routing contexts agreed with the IPSP peers (empty: none).
    #[serde(default)]
    pub ipsp_routing_contexts: Vec<u32>,
    /// Traffic mode of the AS the IPSP associations form.
    #[serde(default)]
    pub ipsp_traffic_mode: TrafficModeConfig,
}

/// One server-side application server (`[[m3ua.application_servers]]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApplicationServerConfig {
    pub name: String,
    /// Routing contexts an ASP activates this AS with.
    #[serde(default)]
    pub routing_contexts: Vec<u32>,
    #[serde(default)]
    pub traffic_mode: TrafficModeConfig,
    /// Point codes behind the AS (the MSC's): where traffic no dialogue ties to an
    /// association goes.
    #[serde(default)]
    pub point_codes: Vec<u32>,
    /// ASPs that belong to it by their ASP Identifier...
    #[serde(default)]
    pub asp_ids: Vec<u32>,
    /// ...or by the remote address of their association (neither: open to any ASP).
    #[serde(default)]
    pub peers: Vec<std::net::IpAddr>,
}

/// Routing key registration on the server side.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    /// REG REQ/DEREG REQ get ERR "Unsupported Message Class".
    Off,
    /// REG REQ may join configured ASes only.
    Static,
    /// REG REQ may also create an AS for a new routing key.
    #[default]
    Dynamic,
}

/// IPSP exchange (RFC 4666 §4.3.1).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum IpspExchange {
    #[default]
    Single,
    Double,
}

fn default_t_r_ms() -> u64 {
    2000
}
fn default_t_ack_ms() -> u64 {
    2000
}
fn default_max_retransmits() -> u32 {
    5
}
fn default_beat_timeout_ms() -> u64 {
    10_000
}
fn default_reconnect_min_ms() -> u64 {
    250
}
fn default_reconnect_max_ms() -> u64 {
    30_000
}
fn default_registration_first_rc() -> u32 {
    1000
}
fn default_registration_max() -> usize {
    64
}

impl M3ua {
    /// Routing contexts the client-side ASPs activate with.
    pub fn client_routing_contexts(&self) -> &[u32] {
        self.connect_routing_contexts
            .as_deref()
            .unwrap_or(&self.routing_contexts)
    }

    pub fn t_r(&self) -> Duration {
        Duration::from_millis(self.t_r_ms)
    }
}
