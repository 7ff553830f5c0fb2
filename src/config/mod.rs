//! Configuration: `config/scpd.toml` is compiled in as the default; a file given with
//! `--config` replaces it, and command-line flags override single keys. Unknown keys are
//! errors, so a typo is reported with its name instead of silently ignored.

mod ain;
mod endpoint;
mod grpc;
mod hlr;
mod log;
mod m3ua;
mod node;
mod sccp;
mod service;
mod tenants;
mod validate;

pub use ain::Ain;
pub use endpoint::{parse_endpoint, Endpoint};
pub use grpc::{Grpc, GrpcTls};
pub use hlr::Hlr;
pub use log::{Log, LogFormat};
pub use m3ua::{ApplicationServerConfig, IpspExchange, M3ua, RegistrationMode, TrafficModeConfig};
pub use node::{Metrics, Node, Overload, Runtime, Store, Tcap, MAX_SHARDS};
pub use sccp::{Sccp, Scmg};
pub use service::{Decisions, Fallback, RoutingNumbers};
pub use tenants::{Role, Tenant};

use sccp::check_gt_rule_keys;
use serde::Deserialize;
use std::net::SocketAddr;

/// Point-code format and SCCP standard of the network (14-bit ITU, 24-bit ANSI and China).
pub use crate::sccp::Variant;

/// The embedded default (INTERFACES.md, "The embedded default configuration").
pub const DEFAULT_TOML: &str = include_str!("../../config/scpd.toml");

/// Every section but `[node]` may be left out: it then takes the embedded default's values
/// (`[m3ua]`) or its keys' documented defaults, so a file can say only what differs.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub node: Node,
    #[serde(default = "embedded_m3ua")]
    pub m3ua: M3ua,
    #[serde(default)]
    pub sccp: Sccp,
    #[serde(default)]
    pub tcap: Tcap,
    #[serde(default)]
    pub ain: Ain,
    #[serde(default)]
    pub hlr: Hlr,
    #[serde(default)]
    pub grpc: Grpc,
    #[serde(default)]
    pub store: Store,
    #[serde(default)]
    pub routing_numbers: RoutingNumbers,
    #[serde(default)]
    pub decisions: Decisions,
    #[serde(default)]
    pub runtime: Runtime,
    #[serde(default)]
    pub overload: Overload,
    #[serde(default)]
    pub metrics: Metrics,
    #[serde(default)]
    pub log: Log,
    /// `[[tenants]]`; none: every client that reaches the API is an operator (admin).
    #[serde(default)]
    pub tenants: Vec<Tenant>,
}

/// The sections a configuration may hold, for naming a misspelt one.
const SECTIONS: &[&str] = &[
    "node",
    "m3ua",
    "sccp",
    "tcap",
    "ain",
    "hlr",
    "grpc",
    "store",
    "routing_numbers",
    "decisions",
    "runtime",
    "overload",
    "metrics",
    "log",
    "tenants",
];

/// `[m3ua]` left out: the embedded default's (listen on 127.0.0.1:2905, routing context 1),
/// read from the embedded file so the two cannot drift apart. That file has an `[m3ua]`
/// section, so reading it never comes back here.
fn embedded_m3ua() -> M3ua {
    #[derive(Deserialize)]
    struct M3uaOnly {
        m3ua: M3ua,
    }
    static M3UA: std::sync::OnceLock<M3ua> = std::sync::OnceLock::new();
    M3UA.get_or_init(|| {
        toml::from_str::<M3uaOnly>(DEFAULT_TOML)
            .expect("the embedded default configuration is valid")
            .m3ua
    })
    .clone()
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// TOML syntax, or a value of the wrong type: toml's message (with the line it points
    /// at) in plain words instead of Rust's type names.
    #[error("{}", plain_words(&.0.to_string()))]
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

impl Config {
    pub fn embedded() -> Config {
        Config::parse(DEFAULT_TOML).expect("the embedded default configuration is valid")
    }

    /// Parse and validate.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let table: toml::Table = toml::from_str(text)?;
        check_sections(&table)?;
        check_gt_rule_keys(&table)?;
        let c: Config = toml::from_str(text)?;
        c.validate()?;
        Ok(c)
    }

    /// The SCCP standard and point-code format in force.
    pub fn variant(&self) -> Variant {
        self.sccp.variant.or(self.node.variant).unwrap_or_default()
    }

    /// `grpc.listen` as a socket address; a host name (`localhost:50051`) is resolved, the
    /// first address it has is used.
    pub fn grpc_addr(&self) -> Result<SocketAddr, ConfigError> {
        resolve_host_port(&self.grpc.listen).map_err(|r| invalid("grpc.listen", r))
    }
}

/// `HOST:PORT` (an IPv6 address in brackets) to the first address it resolves to; the
/// error says what is wrong in words.
pub fn resolve_host_port(s: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(a) = s.parse() {
        return Ok(a);
    }
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!("\"{s}\": want HOST:PORT (e.g. 127.0.0.1:50051)"));
    };
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(format!(
            "\"{s}\": want HOST:PORT with a port number 0 to 65535 (e.g. 127.0.0.1:50051)"
        ));
    }
    match s.to_socket_addrs() {
        Ok(mut addrs) => addrs
            .next()
            .ok_or_else(|| format!("\"{s}\": {host} has no address")),
        Err(e) => Err(format!("\"{s}\": cannot resolve {host}: {e}")),
    }
}

/// A top-level key that is no section, or a section we do not have (`[scpp]`), is named as
/// such: serde would report it as an unknown field, or an error inside a neighbour.
fn check_sections(table: &toml::Table) -> Result<(), ConfigError> {
    for (k, v) in table {
        if SECTIONS.contains(&k.as_str()) {
            continue;
        }
        let known = SECTIONS.join("], [");
        let hint = SECTIONS
            .iter()
            .find(|s| close(s, k))
            .map(|s| format!("; did you mean [{s}]?"))
            .unwrap_or_default();
        return Err(if v.is_table() {
            invalid(
                format!("[{k}]"),
                format!("unknown section{hint} (sections: [{known}])"),
            )
        } else {
            invalid(
                k.clone(),
                format!("a key outside any section{hint} (sections: [{known}])"),
            )
        });
    }
    Ok(())
}

/// Whether `b` is `a` with one letter changed, added or dropped, or two neighbours
/// swapped: a typo (optimal string alignment distance 1).
fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()] == 1
}

/// Serde's words for types (`expected u8`, `invalid type: string`) in a configuration
/// writer's: what range of numbers, what kind of value.
fn plain_words(msg: &str) -> String {
    const TYPES: &[(&str, &str)] = &[
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u64", "expected a whole number from 0 up"),
        ("expected usize", "expected a whole number from 0 up"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected a quoted string"),
        ("expected a sequence", "expected a list [ ... ]"),
        ("expected struct ", "expected a table of "),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map", "invalid type: a table"),
        ("invalid type: integer", "invalid type: a number"),
        ("invalid value: integer `", "invalid value: the number `"),
    ];
    let mut s = msg.to_string();
    for (rust, words) in TYPES {
        s = s.replace(rust, words);
    }
    s
}

#[cfg(test)]
mod tests;
