//! Configuration: `config/scpd.toml` is compiled in as the default; a file given with
//! `--config` replaces it, and command-line flags override single keys. Unknown keys are
//! errors, so a typo is reported with its name instead of silently ignored.

use serde::Deserialize;
use std::net::SocketAddr;

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
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub point_code: u32,
    pub network_indicator: u8,
    pub variant: Variant,
    #[serde(default)]
    pub instance: u8,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    Itu,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct M3ua {
    #[serde(default)]
    pub listen: Vec<String>,
    #[serde(default)]
    pub connect: Vec<String>,
    #[serde(default)]
    pub routing_contexts: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sccp {
    pub camel_ssn: u8,
    pub ain_ssn: u8,
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
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Store {
    pub path: String,
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
    Invalid { key: &'static str, reason: String },
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

impl Config {
    pub fn embedded() -> Config {
        Config::parse(DEFAULT_TOML).expect("the embedded default configuration is valid")
    }

    /// Parse and validate.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text)?;
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.node.point_code > 0x3fff {
            return Err(invalid(
                "node.point_code",
                format!("{} does not fit in 14 bits (ITU)", self.node.point_code),
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
        if self.m3ua.listen.is_empty() && self.m3ua.connect.is_empty() {
            return Err(invalid(
                "m3ua.listen",
                "no association to listen on or connect to",
            ));
        }
        if self.sccp.camel_ssn == 0 || self.sccp.camel_ssn == 1 {
            return Err(invalid(
                "sccp.camel_ssn",
                "SSN 0 and 1 are reserved (Q.713 §3.4.2.2)",
            ));
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
