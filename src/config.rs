//! Configuration: `config/scpd.toml` is compiled in as the default; a file given with
//! `--config` replaces it, and command-line flags override single keys. Unknown keys are
//! errors, so a typo is reported with its name instead of silently ignored.

use crate::m3ua::pdu::TrafficMode;
use crate::sccp::route::{GtAction, GtRule};
use crate::sccp::segment::ReassemblyConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

/// Point-code format and SCCP standard of the network (14-bit ITU, 24-bit ANSI and China).
pub use crate::sccp::Variant;

/// The embedded default (INTERFACES.md, "The embedded default configuration").
pub const DEFAULT_TOML: &str = include_str!("../config/scpd.toml");

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub node: Node,
    pub m3ua: M3ua,
    pub sccp: Sccp,
    pub tcap: Tcap,
    pub grpc: Grpc,
    pub store: Store,
    #[serde(default)]
    pub routing_numbers: RoutingNumbers,
    #[serde(default)]
    pub decisions: Decisions,
    #[serde(default)]
    pub runtime: Runtime,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub point_code: u32,
    pub network_indicator: u8,
    /// Point-code format; `sccp.variant` must agree when both are given.
    #[serde(default)]
    pub variant: Option<Variant>,
    #[serde(default)]
    pub instance: u8,
}

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
fn default_hop_counter() -> u8 {
    15
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

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sccp {
    pub camel_ssn: u8,
    pub ain_ssn: u8,
    /// SCCP standard: "itu" (Q.713), "ansi" (T1.112) or "chinese"; absent: `node.variant`,
    /// else itu.
    #[serde(default)]
    pub variant: Option<Variant>,
    /// Hop counter of the XUDT/LUDT we originate (Q.713 §3.18: 1 to 15).
    #[serde(default = "default_hop_counter")]
    pub hop_counter: u8,
    /// Reassembly of segmented XUDT: T(reass) and limits.
    #[serde(default)]
    pub reassembly: ReassemblyConfig,
    #[serde(default)]
    pub scmg: Scmg,
    /// Local global-title translation table (longest prefix wins).
    #[serde(default)]
    pub gt_rules: Vec<GtRule>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scmg {
    /// Point codes told SSA/SSP when a local subsystem changes state (Q.714 §5.3.2).
    #[serde(default)]
    pub concerned: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tcap {
    pub max_dialogues: usize,
    pub dialogue_idle_seconds: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grpc {
    pub listen: String,
    /// PEM certificate chain and private key: with both, gRPC is served over TLS only.
    #[serde(default)]
    pub tls_cert: Option<String>,
    #[serde(default)]
    pub tls_key: Option<String>,
    /// PEM CA bundle: with it, clients must present a certificate it signed.
    #[serde(default)]
    pub tls_client_ca: Option<String>,
}

/// The `[grpc]` TLS files, read and checked: PEM text as tonic takes it.
#[derive(Debug, Clone)]
pub struct GrpcTls {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub client_ca: Option<Vec<u8>>,
}

impl Grpc {
    /// Read the TLS files (`None`: plaintext). Each must be readable PEM with what its key
    /// promises: at least one certificate (`tls_cert`, `tls_client_ca`) or a private key
    /// (`tls_key`, PKCS#8, PKCS#1 or SEC1); the error names the key. Whether the key belongs
    /// to the certificate is checked when the TLS acceptor is built (`api::grpc_server`).
    pub fn load_tls(&self) -> Result<Option<GrpcTls>, ConfigError> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        fn read(key: &str, path: &str) -> Result<Vec<u8>, ConfigError> {
            std::fs::read(path).map_err(|e| invalid(key, format!("{path}: {e}")))
        }
        fn certs(key: &str, path: &str) -> Result<Vec<u8>, ConfigError> {
            let pem = read(key, path)?;
            let mut n = 0;
            for c in CertificateDer::pem_slice_iter(&pem) {
                c.map_err(|e| invalid(key, format!("{path}: bad PEM: {e}")))?;
                n += 1;
            }
            if n == 0 {
                return Err(invalid(
                    key,
                    format!("{path}: no PEM certificate (-----BEGIN CERTIFICATE-----)"),
                ));
            }
            Ok(pem)
        }
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let cert = certs("grpc.tls_cert", cert)?;
        let key_pem = read("grpc.tls_key", key)?;
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
            invalid(
                "grpc.tls_key",
                format!("{key}: no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
            )
        })?;
        let client_ca = match &self.tls_client_ca {
            Some(p) => Some(certs("grpc.tls_client_ca", p)?),
            None => None,
        };
        Ok(Some(GrpcTls {
            cert,
            key: key_pem,
            client_ca,
        }))
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Store {
    pub path: String,
    /// Journal retention (0 keeps everything): age in seconds, newest events kept, bytes of
    /// encoded events kept; pruned by the writer every `prune_interval_seconds`.
    #[serde(default)]
    pub retention_max_age_seconds: u64,
    #[serde(default)]
    pub retention_max_events: u64,
    #[serde(default)]
    pub retention_max_bytes: u64,
    #[serde(default)]
    pub prune_interval_seconds: u64,
}

impl Store {
    pub fn retention(&self) -> crate::store::Retention {
        crate::store::Retention {
            max_age_seconds: self.retention_max_age_seconds,
            max_events: self.retention_max_events,
            max_bytes: self.retention_max_bytes,
            interval_seconds: self.prune_interval_seconds,
        }
    }
}

/// `[routing_numbers]`: pools of temporary routing numbers and anchor numbers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingNumbers {
    /// How often expired numbers are freed (ms).
    pub sweep_interval_ms: u64,
    /// How long an anchor number drawn for the anchor policy stays live.
    pub anchor_ttl_seconds: u32,
    pub pool: Vec<crate::service::routing::PoolConfig>,
}

impl Default for RoutingNumbers {
    fn default() -> RoutingNumbers {
        RoutingNumbers {
            sweep_interval_ms: 1000,
            anchor_ttl_seconds: 60,
            pool: Vec::new(),
        }
    }
}

/// What a `decide` call gets when the data-session server does not answer in time.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    #[default]
    Continue,
    Monitor,
    Release,
}

/// `[runtime]`: how the daemon uses the machine.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Runtime {
    /// Signalling stacks, each on its own worker thread, that dialogues are spread over by
    /// transaction id; 0: one per CPU core.
    pub shards: usize,
}

/// Most shards: the shard takes the low bits of the 24-bit dialogue id space.
pub const MAX_SHARDS: usize = 64;

impl Runtime {
    /// The number of shards to run (resolving 0 to the number of cores).
    pub fn shards(&self) -> usize {
        match self.shards {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(MAX_SHARDS),
            n => n,
        }
    }
}

/// `[decisions]`: the Decisions.Session stream.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Decisions {
    /// How long to wait for an answer (ms): well inside the switch's Tssf (TS 23.078
    /// §4.6.1.2: 1 to 20 s, often 3 to 10 s) so the fallback still reaches it in time.
    pub deadline_ms: u64,
    pub fallback: Fallback,
    /// Q.850 cause of the `release` fallback.
    pub fallback_release_cause: u8,
    /// While a CAMEL trigger (CAP v2+) waits for its decision, send ResetTimer after this
    /// many ms so the gsmSSF's Tssf does not expire first; 0: never.
    pub reset_timer_after_ms: u64,
    /// The Tssf value (seconds) ResetTimer sets.
    pub reset_timer_seconds: u32,
}

impl Default for Decisions {
    fn default() -> Decisions {
        Decisions {
            deadline_ms: 1000,
            fallback: Fallback::Continue,
            fallback_release_cause: 31,
            reset_timer_after_ms: 0,
            reset_timer_seconds: 10,
        }
    }
}

impl Decisions {
    /// When to send ResetTimer and the Tssf it sets, if configured.
    pub fn reset_timer(&self) -> Option<(std::time::Duration, u32)> {
        (self.reset_timer_after_ms > 0).then(|| {
            (
                std::time::Duration::from_millis(self.reset_timer_after_ms),
                self.reset_timer_seconds,
            )
        })
    }

    pub fn fallback_instruction(&self) -> crate::service::Instruction {
        use crate::service::Instruction;
        match self.fallback {
            Fallback::Continue => Instruction::Continue,
            Fallback::Monitor => Instruction::Monitor,
            Fallback::Release => Instruction::Release(self.fallback_release_cause),
        }
    }
}

/// A transport endpoint from a `tcp://` or `sctp://` URL (INTERFACES.md, "URLs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    /// Several local or remote addresses for multi-homing, one port.
    Sctp(Vec<SocketAddr>),
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Toml(#[from] toml::de::Error),
    #[error("{key}: {reason}")]
    Invalid { key: String, reason: String },
}

fn invalid(key: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

/// Keys each `route` of a `[[sccp.gt_rules]]` row may carry (the rule type flattens the
/// action into the row, which serde cannot check for unknown keys itself).
fn gt_rule_keys(route: &str) -> Option<&'static [&'static str]> {
    const LOCAL: &[&str] = &["route", "tt", "np", "nai", "prefix", "ssn"];
    const REMOTE: &[&str] = &["route", "tt", "np", "nai", "prefix", "pc", "ssn"];
    const RETRANSLATE: &[&str] = &["route", "tt", "np", "nai", "prefix", "pc", "new_tt"];
    match route {
        "local" => Some(LOCAL),
        "remote" => Some(REMOTE),
        "retranslate" => Some(RETRANSLATE),
        _ => None,
    }
}

fn check_gt_rule_keys(text: &str) -> Result<(), ConfigError> {
    let v: toml::Value = toml::from_str(text)?;
    let Some(rules) = v
        .get("sccp")
        .and_then(|s| s.get("gt_rules"))
        .and_then(toml::Value::as_array)
    else {
        return Ok(());
    };
    for (i, r) in rules.iter().enumerate() {
        let key = format!("sccp.gt_rules[{i}]");
        let Some(t) = r.as_table() else {
            return Err(invalid(key, "expected a table"));
        };
        let Some(route) = t.get("route").and_then(toml::Value::as_str) else {
            return Err(invalid(
                format!("{key}.route"),
                "missing: one of \"local\", \"remote\", \"retranslate\"",
            ));
        };
        let Some(allowed) = gt_rule_keys(route) else {
            return Err(invalid(
                format!("{key}.route"),
                format!("{route:?}: expected \"local\", \"remote\" or \"retranslate\""),
            ));
        };
        for k in t.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(invalid(
                    format!("{key}.{k}"),
                    format!(
                        "unknown key for route = {route:?} (allowed: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Config {
    pub fn embedded() -> Config {
        Config::parse(DEFAULT_TOML).expect("the embedded default configuration is valid")
    }

    /// Parse and validate.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        check_gt_rule_keys(text)?;
        let c: Config = toml::from_str(text)?;
        c.validate()?;
        Ok(c)
    }

    /// The SCCP standard and point-code format in force.
    pub fn variant(&self) -> Variant {
        self.sccp.variant.or(self.node.variant).unwrap_or_default()
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let variant = self.variant();
        if let (Some(n), Some(s)) = (self.node.variant, self.sccp.variant) {
            if n != s {
                return Err(invalid(
                    "sccp.variant",
                    format!("{s:?} differs from node.variant {n:?}"),
                ));
            }
        }
        let (pc_bits, pc_max) = match variant {
            Variant::Itu => (14, 0x3fff),
            Variant::Ansi | Variant::Chinese => (24, 0xff_ffff),
        };
        let check_pc = |key: String, pc: u32| -> Result<(), ConfigError> {
            if pc > pc_max {
                return Err(invalid(
                    key,
                    format!("{pc} does not fit in {pc_bits} bits ({variant:?})"),
                ));
            }
            Ok(())
        };
        check_pc("node.point_code".into(), self.node.point_code)?;
        if self.runtime.shards > MAX_SHARDS {
            return Err(invalid(
                "runtime.shards",
                format!("at most {MAX_SHARDS} (0: one per core)"),
            ));
        }
        if self.node.network_indicator > 3 {
            return Err(invalid("node.network_indicator", "must be 0 to 3"));
        }
        for u in &self.m3ua.listen {
            parse_endpoint(u).map_err(|r| invalid("m3ua.listen", r))?;
        }
        for u in &self.m3ua.connect {
            parse_endpoint(u).map_err(|r| invalid("m3ua.connect", r))?;
        }
        for u in &self.m3ua.ipsp_connect {
            parse_endpoint(u).map_err(|r| invalid("m3ua.ipsp_connect", r))?;
        }
        for u in &self.m3ua.ipsp_listen {
            parse_endpoint(u).map_err(|r| invalid("m3ua.ipsp_listen", r))?;
        }
        let m = &self.m3ua;
        if m.listen.is_empty()
            && m.connect.is_empty()
            && m.ipsp_connect.is_empty()
            && m.ipsp_listen.is_empty()
        {
            return Err(invalid(
                "m3ua.listen",
                "no association to listen on or connect to",
            ));
        }
        self.validate_m3ua()?;
        self.validate_application_servers(&check_pc)?;
        for (key, ssn) in [
            ("sccp.camel_ssn", self.sccp.camel_ssn),
            ("sccp.ain_ssn", self.sccp.ain_ssn),
        ] {
            if ssn == 0 || ssn == 1 {
                return Err(invalid(key, "SSN 0 and 1 are reserved (Q.713 §3.4.2.2)"));
            }
        }
        if !(1..=15).contains(&self.sccp.hop_counter) {
            return Err(invalid("sccp.hop_counter", "must be 1 to 15 (Q.713 §3.18)"));
        }
        let r = &self.sccp.reassembly;
        if !(1_000..=60_000).contains(&r.timeout_ms) {
            return Err(invalid(
                "sccp.reassembly.timeout_ms",
                "must be 1000 to 60000 (Q.714 suggests 10 to 20 s)",
            ));
        }
        if r.max_concurrent == 0 {
            return Err(invalid(
                "sccp.reassembly.max_concurrent",
                "must be at least 1",
            ));
        }
        if r.max_bytes < 2048 {
            return Err(invalid(
                "sccp.reassembly.max_bytes",
                "must be at least 2048 (one reassembled message)",
            ));
        }
        for (i, pc) in self.sccp.scmg.concerned.iter().enumerate() {
            let key = format!("sccp.scmg.concerned[{i}]");
            check_pc(key.clone(), *pc)?;
            if *pc == self.node.point_code {
                return Err(invalid(key, "is our own point code"));
            }
        }
        for (i, rule) in self.sccp.gt_rules.iter().enumerate() {
            let key = |k: &str| format!("sccp.gt_rules[{i}].{k}");
            match &rule.action {
                GtAction::Local { ssn } => {
                    if let Some(s) = ssn {
                        if *s != self.sccp.camel_ssn && *s != self.sccp.ain_ssn {
                            return Err(invalid(
                                key("ssn"),
                                format!(
                                    "{s} is not a local subsystem (camel_ssn {}, ain_ssn {})",
                                    self.sccp.camel_ssn, self.sccp.ain_ssn
                                ),
                            ));
                        }
                    }
                }
                GtAction::Remote { pc, ssn } => {
                    check_pc(key("pc"), *pc)?;
                    if *pc == self.node.point_code {
                        return Err(invalid(
                            key("pc"),
                            "is our own point code (use route = \"local\")",
                        ));
                    }
                    if matches!(ssn, Some(0 | 1)) {
                        return Err(invalid(key("ssn"), "SSN 0 and 1 are reserved"));
                    }
                }
                GtAction::Retranslate { pc, .. } => {
                    check_pc(key("pc"), *pc)?;
                    if *pc == self.node.point_code {
                        return Err(invalid(key("pc"), "is our own point code (a loop)"));
                    }
                }
            }
            if let Some(np) = rule.np {
                if np > 15 {
                    return Err(invalid(key("np"), "numbering plan is 4 bits (0 to 15)"));
                }
            }
            if let Some(nai) = rule.nai {
                if nai > 127 {
                    return Err(invalid(
                        key("nai"),
                        "nature of address is 7 bits (0 to 127)",
                    ));
                }
            }
            if let Some(j) = self.sccp.gt_rules[..i].iter().position(|o| {
                (o.tt, o.np, o.nai, o.prefix.as_str())
                    == (rule.tt, rule.np, rule.nai, rule.prefix.as_str())
            }) {
                return Err(invalid(
                    key("prefix"),
                    format!("same tt/np/nai/prefix as sccp.gt_rules[{j}]: it would never match"),
                ));
            }
        }
        if self.tcap.max_dialogues == 0 {
            return Err(invalid("tcap.max_dialogues", "must be at least 1"));
        }
        if self.tcap.dialogue_idle_seconds == 0 {
            return Err(invalid("tcap.dialogue_idle_seconds", "must be at least 1"));
        }
        self.grpc_addr()?;
        if self.store.path.is_empty() {
            return Err(invalid("store.path", "empty"));
        }
        for (key, v) in [
            ("grpc.tls_cert", &self.grpc.tls_cert),
            ("grpc.tls_key", &self.grpc.tls_key),
            ("grpc.tls_client_ca", &self.grpc.tls_client_ca),
        ] {
            if v.as_deref() == Some("") {
                return Err(invalid(key, "empty (omit the key for plaintext)"));
            }
        }
        if self.grpc.tls_cert.is_some() != self.grpc.tls_key.is_some() {
            return Err(invalid("grpc.tls_cert", "tls_cert and tls_key go together"));
        }
        if self.grpc.tls_client_ca.is_some() && self.grpc.tls_cert.is_none() {
            return Err(invalid(
                "grpc.tls_client_ca",
                "client certificates need TLS: set grpc.tls_cert and grpc.tls_key",
            ));
        }
        let r = &self.routing_numbers;
        if r.sweep_interval_ms < 10 {
            return Err(invalid(
                "routing_numbers.sweep_interval_ms",
                "must be at least 10",
            ));
        }
        if r.anchor_ttl_seconds == 0 {
            return Err(invalid(
                "routing_numbers.anchor_ttl_seconds",
                "must be at least 1",
            ));
        }
        if let Err(e) = crate::service::routing::Allocator::new(&r.pool) {
            return Err(invalid("routing_numbers.pool", e.to_string()));
        }
        let d = &self.decisions;
        if !(10..=20_000).contains(&d.deadline_ms) {
            return Err(invalid(
                "decisions.deadline_ms",
                "must be 10 to 20000 (inside the switch's Tssf)",
            ));
        }
        if !(1..=127).contains(&d.fallback_release_cause) {
            return Err(invalid(
                "decisions.fallback_release_cause",
                "Q.850 cause 1 to 127",
            ));
        }
        if d.reset_timer_after_ms > 0 && d.reset_timer_after_ms >= d.deadline_ms {
            return Err(invalid(
                "decisions.reset_timer_after_ms",
                "must be shorter than decisions.deadline_ms (or 0: never)",
            ));
        }
        if !(1..=300).contains(&d.reset_timer_seconds) {
            return Err(invalid(
                "decisions.reset_timer_seconds",
                "Tssf of 1 to 300 s",
            ));
        }
        Ok(())
    }

    fn validate_m3ua(&self) -> Result<(), ConfigError> {
        let m = &self.m3ua;
        let dup = |key: &'static str, rcs: &[u32]| -> Result<(), ConfigError> {
            for (i, rc) in rcs.iter().enumerate() {
                if rcs[..i].contains(rc) {
                    return Err(invalid(key, format!("routing context {rc} given twice")));
                }
            }
            Ok(())
        };
        dup("m3ua.routing_contexts", &m.routing_contexts)?;
        dup("m3ua.ipsp_routing_contexts", &m.ipsp_routing_contexts)?;
        if m.register && !m.client_routing_contexts().is_empty() {
            return Err(invalid(
                "m3ua.register",
                "needs connect_routing_contexts = [] (the SG assigns the routing context)",
            ));
        }
        if !m.register && !m.register_point_codes.is_empty() {
            return Err(invalid(
                "m3ua.register_point_codes",
                "only used with register = true",
            ));
        }
        if m.registration_max == 0 {
            return Err(invalid(
                "m3ua.registration_max",
                "must be at least 1 (registration = \"off\" turns it off)",
            ));
        }
        if let Some(rcs) = &m.connect_routing_contexts {
            dup("m3ua.connect_routing_contexts", rcs)?;
        }
        if !(100..=600_000).contains(&m.t_r_ms) {
            return Err(invalid("m3ua.t_r_ms", "must be 100 to 600000"));
        }
        if !(100..=60_000).contains(&m.t_ack_ms) {
            return Err(invalid("m3ua.t_ack_ms", "must be 100 to 60000"));
        }
        if m.beat_interval_ms != 0 && m.beat_interval_ms < 100 {
            return Err(invalid("m3ua.beat_interval_ms", "0 (off) or at least 100"));
        }
        if m.beat_timeout_ms < 100 {
            return Err(invalid("m3ua.beat_timeout_ms", "must be at least 100"));
        }
        if m.audit_interval_ms != 0 && m.audit_interval_ms < 1000 {
            return Err(invalid(
                "m3ua.audit_interval_ms",
                "0 (off) or at least 1000",
            ));
        }
        if m.reconnect_min_ms < 10 {
            return Err(invalid("m3ua.reconnect_min_ms", "must be at least 10"));
        }
        if m.reconnect_max_ms < m.reconnect_min_ms {
            return Err(invalid(
                "m3ua.reconnect_max_ms",
                "must not be below m3ua.reconnect_min_ms",
            ));
        }
        Ok(())
    }

    fn validate_application_servers(
        &self,
        check_pc: &dyn Fn(String, u32) -> Result<(), ConfigError>,
    ) -> Result<(), ConfigError> {
        for (k, pc) in self.m3ua.register_point_codes.iter().enumerate() {
            check_pc(format!("m3ua.register_point_codes[{k}]"), *pc)?;
        }
        let ases = &self.m3ua.application_servers;
        for (i, a) in ases.iter().enumerate() {
            let key = |k: &str| format!("m3ua.application_servers[{i}].{k}");
            if a.name.is_empty() {
                return Err(invalid(key("name"), "empty"));
            }
            let earlier = &ases[..i];
            if let Some(j) = earlier.iter().position(|o| o.name == a.name) {
                return Err(invalid(
                    key("name"),
                    format!("{:?} is also application_servers[{j}]", a.name),
                ));
            }
            for (what, dup) in [
                (
                    "routing_contexts",
                    a.routing_contexts
                        .iter()
                        .enumerate()
                        .find(|(k, rc)| {
                            a.routing_contexts[..*k].contains(rc)
                                || earlier.iter().any(|o| o.routing_contexts.contains(rc))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
                (
                    "asp_ids",
                    a.asp_ids
                        .iter()
                        .enumerate()
                        .find(|(k, id)| {
                            a.asp_ids[..*k].contains(id)
                                || earlier.iter().any(|o| o.asp_ids.contains(id))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
                (
                    "peers",
                    a.peers
                        .iter()
                        .enumerate()
                        .find(|(k, p)| {
                            a.peers[..*k].contains(p) || earlier.iter().any(|o| o.peers.contains(p))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
            ] {
                if let Some(v) = dup {
                    return Err(invalid(
                        key(what),
                        format!("{v} names two application servers (or twice the same)"),
                    ));
                }
            }
            for (k, pc) in a.point_codes.iter().enumerate() {
                check_pc(key(&format!("point_codes[{k}]")), *pc)?;
                if *pc == self.node.point_code {
                    return Err(invalid(
                        key(&format!("point_codes[{k}]")),
                        "is our own point code",
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn grpc_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.grpc.listen.parse().map_err(|e| {
            invalid(
                "grpc.listen",
                format!("{:?}: {e} (want HOST:PORT)", self.grpc.listen),
            )
        })
    }
}

/// Parse `tcp://HOST:PORT` or `sctp://HOST[,HOST...]:PORT`.
pub fn parse_endpoint(url: &str) -> Result<Endpoint, String> {
    let resolve = |hostport: &str| -> Result<SocketAddr, String> {
        use std::net::ToSocketAddrs;
        hostport
            .to_socket_addrs()
            .map_err(|e| format!("{url:?}: {e}"))?
            .next()
            .ok_or_else(|| format!("{url:?}: no address"))
    };
    if let Some(rest) = url.strip_prefix("tcp://") {
        return resolve(rest).map(Endpoint::Tcp);
    }
    if let Some(rest) = url.strip_prefix("sctp://") {
        let (hosts, port) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("{url:?}: missing :PORT"))?;
        let addrs = hosts
            .split(',')
            .map(|h| resolve(&format!("{h}:{port}")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Endpoint::Sctp(addrs));
    }
    Err(format!(
        "{url:?}: expected tcp://HOST:PORT or sctp://HOST[,HOST...]:PORT"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_matches_interfaces_md() {
        let c = Config::embedded();
        assert_eq!(
            c.m3ua.listen,
            ["tcp://127.0.0.1:2905", "sctp://127.0.0.1:2905"]
        );
        assert_eq!(c.grpc.listen, "127.0.0.1:50051");
        assert_eq!((c.node.point_code, c.node.network_indicator), (200, 2));
        assert_eq!(c.sccp.camel_ssn, 146);
        assert_eq!(c.store.path, "scpd.db");
    }

    #[test]
    fn errors_name_the_key() {
        let typo = DEFAULT_TOML.replace("camel_ssn", "camel_sn");
        let e = Config::parse(&typo).unwrap_err().to_string();
        assert!(e.contains("camel_sn"), "{e}");
        let bad = DEFAULT_TOML.replace("point_code = 200", "point_code = 20000");
        let e = Config::parse(&bad).unwrap_err().to_string();
        assert!(e.starts_with("node.point_code"), "{e}");
        let bad = DEFAULT_TOML.replace("tcp://127.0.0.1:2905", "udp://x");
        assert!(Config::parse(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("m3ua.listen"));
    }

    #[test]
    fn embedded_default_m3ua_and_sccp() {
        let c = Config::embedded();
        assert_eq!(c.m3ua.routing_contexts, [1]);
        assert_eq!(c.m3ua.client_routing_contexts(), [1]);
        assert_eq!(c.m3ua.traffic_mode, TrafficModeConfig::Loadshare);
        assert_eq!(c.m3ua.connect_traffic_mode, TrafficModeConfig::Loadshare);
        assert_eq!(
            (c.m3ua.t_r_ms, c.m3ua.t_ack_ms, c.m3ua.beat_interval_ms),
            (2000, 2000, 0)
        );
        assert_eq!(c.m3ua.asp_id, None);
        assert_eq!(c.variant(), Variant::Itu);
        assert_eq!(c.sccp.hop_counter, 15);
        assert_eq!(c.sccp.reassembly, ReassemblyConfig::default());
        assert!(c.sccp.scmg.concerned.is_empty() && c.sccp.gt_rules.is_empty());
        // The keys are optional: a file without them means the same.
        let minimal = "[node]\npoint_code = 200\nnetwork_indicator = 2\n\
            [m3ua]\nlisten = [\"tcp://127.0.0.1:2905\"]\n\
            [sccp]\ncamel_ssn = 146\nain_ssn = 247\n\
            [tcap]\nmax_dialogues = 10\ndialogue_idle_seconds = 5\n\
            [grpc]\nlisten = \"127.0.0.1:50051\"\n[store]\npath = \"x.db\"\n";
        let m = Config::parse(minimal).unwrap();
        assert_eq!((m.m3ua.t_r_ms, m.sccp.hop_counter), (2000, 15));
        assert_eq!(m.variant(), Variant::Itu);
    }

    #[test]
    fn sccp_section_in_the_proposed_shape() {
        let text = DEFAULT_TOML.replace(
            "concerned = []",
            r#"concerned = [300, 301]

[[sccp.gt_rules]]
prefix = "4917"
route = "local"
ssn = 146

[[sccp.gt_rules]]
tt = 0
np = 1
nai = 4
prefix = "49"
route = "remote"
pc = 300
ssn = 6

[[sccp.gt_rules]]
prefix = ""
route = "retranslate"
pc = 301
new_tt = 10
"#,
        );
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.sccp.scmg.concerned, [300, 301]);
        assert_eq!(c.sccp.gt_rules.len(), 3);
        assert_eq!(
            c.sccp.gt_rules[0].action,
            GtAction::Local { ssn: Some(146) }
        );
        assert_eq!(c.sccp.gt_rules[0].tt, None);
        assert_eq!(
            c.sccp.gt_rules[1].action,
            GtAction::Remote {
                pc: 300,
                ssn: Some(6)
            }
        );
        assert_eq!(
            (c.sccp.gt_rules[1].np, c.sccp.gt_rules[1].nai),
            (Some(1), Some(4))
        );
        assert_eq!(
            c.sccp.gt_rules[2].action,
            GtAction::Retranslate {
                pc: 301,
                new_tt: 10
            }
        );
        // The table the SCCP engineer's router takes.
        let table = crate::sccp::route::GtTable::new(
            c.variant(),
            Some(c.node.point_code),
            c.sccp.gt_rules.clone(),
        );
        assert_eq!(table.gt_rules.len(), 3);
    }

    fn err(text: &str) -> String {
        Config::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn m3ua_and_sccp_errors_name_the_key() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "traffic_mode = \"loadshare\"",
                "traffic_mode = \"roundrobin\"",
                "roundrobin",
            ),
            ("t_r_ms = 2000", "t_r_ms = 5", "m3ua.t_r_ms"),
            ("t_ack_ms = 2000", "t_ack_ms = 0", "m3ua.t_ack_ms"),
            (
                "beat_interval_ms = 0",
                "beat_interval_ms = 7",
                "m3ua.beat_interval_ms",
            ),
            (
                "reconnect_max_ms = 30000",
                "reconnect_max_ms = 100",
                "m3ua.reconnect_max_ms",
            ),
            (
                "routing_contexts = [1]",
                "routing_contexts = [1, 1]",
                "m3ua.routing_contexts",
            ),
            (
                "variant = \"itu\"\n# Hop",
                "variant = \"ansi\"\n# Hop",
                "sccp.variant",
            ),
            ("hop_counter = 15", "hop_counter = 16", "sccp.hop_counter"),
            (
                "\ntimeout_ms = 10000",
                "\ntimeout_ms = 10",
                "sccp.reassembly.timeout_ms",
            ),
            (
                "max_concurrent = 1024",
                "max_concurrent = 0",
                "sccp.reassembly.max_concurrent",
            ),
            ("max_bytes = 4194304", "max_byte = 4194304", "max_byte"),
            (
                "concerned = []",
                "concerned = [200]",
                "sccp.scmg.concerned[0]",
            ),
            (
                "concerned = []",
                "concerned = [16384]",
                "sccp.scmg.concerned[0]",
            ),
            ("ain_ssn = 247", "ain_ssn = 1", "sccp.ain_ssn"),
        ];
        for (from, to, want) in cases {
            assert!(DEFAULT_TOML.contains(from), "{from}");
            let e = err(&DEFAULT_TOML.replacen(from, to, 1));
            assert!(e.contains(want), "{to}: {e}");
        }
        let rule = |body: &str| {
            DEFAULT_TOML.replace(
                "concerned = []",
                &format!("concerned = []\n[[sccp.gt_rules]]\n{body}"),
            )
        };
        for (body, want) in [
            ("prefix = \"49\"\nroute = \"local\"\nssm = 146", "sccp.gt_rules[0].ssm"),
            ("prefix = \"49\"\nroute = \"local\"\nssn = 99", "sccp.gt_rules[0].ssn"),
            ("prefix = \"49\"\nroute = \"far\"", "sccp.gt_rules[0].route"),
            ("prefix = \"49\"\nssn = 146", "sccp.gt_rules[0].route"),
            ("prefix = \"49\"\nroute = \"remote\"\npc = 200", "sccp.gt_rules[0].pc"),
            ("prefix = \"49\"\nroute = \"remote\"\npc = 99999", "sccp.gt_rules[0].pc"),
            ("prefix = \"49\"\nroute = \"retranslate\"\npc = 300\nnew_tt = 1\nssn = 6", "sccp.gt_rules[0].ssn"),
            ("prefix = \"49x\"\nroute = \"local\"", "49x"),
            ("prefix = \"49\"\nroute = \"local\"\nnp = 16", "sccp.gt_rules[0].np"),
            (
                "prefix = \"49\"\nroute = \"local\"\n[[sccp.gt_rules]]\nprefix = \"49\"\nroute = \"remote\"\npc = 3",
                "sccp.gt_rules[1].prefix",
            ),
        ] {
            let e = err(&rule(body));
            assert!(e.contains(want), "{body}: {e}");
        }
        // 24-bit point codes are fine with ANSI.
        let ansi = DEFAULT_TOML
            .replace("variant = \"itu\"", "variant = \"ansi\"")
            .replace("point_code = 200", "point_code = 1000000");
        let c = Config::parse(&ansi).unwrap();
        assert_eq!(c.variant(), Variant::Ansi);
    }

    #[test]
    fn m3ua_roles_keys() {
        let c = Config::embedded();
        assert!(c.m3ua.application_servers.is_empty());
        assert_eq!(c.m3ua.registration, RegistrationMode::Dynamic);
        assert_eq!(c.m3ua.ipsp_exchange, IpspExchange::Single);
        assert!(!c.m3ua.register);
        let ases = DEFAULT_TOML.replace(
            "[sccp]\n",
            "[[m3ua.application_servers]]\nname = \"a\"\nrouting_contexts = [10]\nasp_ids = [1]\n\
             [[m3ua.application_servers]]\nname = \"b\"\nrouting_contexts = [20]\n\
             peers = [\"10.0.0.9\"]\npoint_codes = [101]\n[sccp]\n",
        );
        let c = Config::parse(&ases).unwrap();
        assert_eq!(
            c.m3ua.application_servers[1].peers[0].to_string(),
            "10.0.0.9"
        );
        for (from, to, want) in [
            (
                "[20]",
                "[10]",
                "m3ua.application_servers[1].routing_contexts",
            ),
            (
                "name = \"b\"",
                "name = \"a\"",
                "m3ua.application_servers[1].name",
            ),
            (
                "[101]",
                "[200]",
                "m3ua.application_servers[1].point_codes[0]",
            ),
            (
                "[101]",
                "[16384]",
                "m3ua.application_servers[1].point_codes[0]",
            ),
            ("peers = [\"10.0.0.9\"]", "peerz = [\"10.0.0.9\"]", "peerz"),
        ] {
            let e = err(&ases.replacen(from, to, 1));
            assert!(e.contains(want), "{to}: {e}");
        }
        for (from, to, want) in [
            ("register = false", "register = true", "m3ua.register"),
            (
                "ipsp_exchange = \"single\"",
                "ipsp_exchange = \"triple\"",
                "triple",
            ),
            (
                "ipsp_listen = []",
                "ipsp_listen = [\"udp://x\"]",
                "m3ua.ipsp_listen",
            ),
            (
                "registration_max = 64",
                "registration_max = 0",
                "m3ua.registration_max",
            ),
        ] {
            let e = err(&DEFAULT_TOML.replacen(from, to, 1));
            assert!(e.contains(want), "{to}: {e}");
        }
        let reg = DEFAULT_TOML.replace(
            "register = false",
            "register = true\nconnect_routing_contexts = []",
        );
        assert!(Config::parse(&reg).unwrap().m3ua.register);
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            parse_endpoint("tcp://127.0.0.1:2905").unwrap(),
            Endpoint::Tcp("127.0.0.1:2905".parse().unwrap())
        );
        assert_eq!(
            parse_endpoint("sctp://127.0.0.1,127.0.0.2:2905").unwrap(),
            Endpoint::Sctp(vec![
                "127.0.0.1:2905".parse().unwrap(),
                "127.0.0.2:2905".parse().unwrap()
            ])
        );
        assert!(parse_endpoint("sctp://127.0.0.1").is_err());
    }
}
