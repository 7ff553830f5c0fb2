//! Configuration: `config/scpd.toml` is compiled in as the default; a file given with
//! `--config` replaces it, and command-line flags override single keys. Unknown keys are
//! errors, so a typo is reported with its name instead of silently ignored.

mod endpoint;
mod grpc;
mod m3ua;
mod node;
mod sccp;
mod service;
mod validate;

pub use endpoint::{parse_endpoint, Endpoint};
pub use grpc::{Grpc, GrpcTls};
pub use m3ua::{ApplicationServerConfig, IpspExchange, M3ua, RegistrationMode, TrafficModeConfig};
pub use node::{Metrics, Node, Overload, Runtime, Store, Tcap, MAX_SHARDS};
pub use sccp::{Sccp, Scmg};
pub use service::{Decisions, Fallback, RoutingNumbers};

use sccp::check_gt_rule_keys;
use serde::Deserialize;
use std::net::SocketAddr;

/// Point-code format and SCCP standard of the network (14-bit ITU, 24-bit ANSI and China).
pub use crate::sccp::Variant;

/// The embedded default (INTERFACES.md, "The embedded default configuration").
pub const DEFAULT_TOML: &str = include_str!("../../config/scpd.toml");

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
    #[serde(default)]
    pub overload: Overload,
    #[serde(default)]
    pub metrics: Metrics,
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

    pub fn grpc_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.grpc.listen.parse().map_err(|e| {
            invalid(
                "grpc.listen",
                format!("{:?}: {e} (want HOST:PORT)", self.grpc.listen),
            )
        })
    }
}

#[cfg(test)]
mod tests;
