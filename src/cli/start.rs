//! What `scpd run` settles before the daemon starts: the SCCP variant from the command line,
//! and whether every TCP address it is to listen on is free. The check comes before the
//! store is opened, so a start that fails on a busy port leaves no `scpd.db` behind and
//! says which address and why.

use crate::config::{parse_endpoint, Config, Endpoint, Variant};

/// `--sccp-variant`: the SCCP standard and point-code format (both `node.variant` and
/// `sccp.variant`, which must agree).
#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum VariantArg {
    /// ITU-T Q.713, 14-bit point codes (CAMEL networks).
    Itu,
    /// ANSI T1.112, 24-bit point codes (AIN wireline networks).
    Ansi,
    /// The Q.713 layout with 24-bit point codes (China).
    Chinese,
}

impl From<VariantArg> for Variant {
    fn from(v: VariantArg) -> Variant {
        match v {
            VariantArg::Itu => Variant::Itu,
            VariantArg::Ansi => Variant::Ansi,
            VariantArg::Chinese => Variant::Chinese,
        }
    }
}

/// Bind (and release) every TCP listener the daemon will open: M3UA and IPSP `tcp://` URLs
/// and gRPC. SCTP listeners are left to the daemon, which also knows when the kernel has
/// none.
pub(super) fn check_listeners(cfg: &Config) -> Result<(), String> {
    let m = &cfg.m3ua;
    for (key, urls) in [
        ("m3ua.listen", &m.listen),
        ("m3ua.ipsp_listen", &m.ipsp_listen),
    ] {
        for url in urls {
            if let Ok(Endpoint::Tcp(addr)) = parse_endpoint(url) {
                try_bind(addr).map_err(|e| format!("{key} {url}: {e}"))?;
            }
        }
    }
    let grpc = cfg.grpc_addr().map_err(|e| e.to_string())?;
    try_bind(grpc).map_err(|e| format!("grpc.listen {grpc}: {e}"))
}

fn try_bind(addr: std::net::SocketAddr) -> Result<(), String> {
    match std::net::TcpListener::bind(addr) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
            "{e} (is another scpd running? stop it, or give --m3ua-listen/--grpc-listen)"
        )),
        Err(e) => Err(e.to_string()),
    }
}
