//! Transport endpoints from `tcp://` and `sctp://` URLs (INTERFACES.md, "URLs").

use std::net::SocketAddr;

/// A transport endpoint from a `tcp://` or `sctp://` URL (INTERFACES.md, "URLs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    /// Several local or remote addresses for multi-homing, one port.
    Sctp(Vec<SocketAddr>),
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
