//! `scpd run` and `scpd check-config`: the daemon's configuration from file, embedded
//! default and flags, then the daemon itself (started in [`serve`] alone, so replacing the
//! daemon changes one line).

use crate::config::Config;
use crate::runtime::{self, Overrides};
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct RunArgs {
    /// Configuration file (TOML). Default: the embedded config/scpd.toml.
    #[arg(long)]
    config: Option<std::path::PathBuf>,
    /// Accept M3UA associations at URL (tcp://HOST:PORT or sctp://HOST[,HOST...]:PORT);
    /// repeatable; replaces m3ua.listen.
    #[arg(long = "m3ua-listen", value_name = "URL")]
    m3ua_listen: Vec<String>,
    /// Connect to an SG/STP or IPSP at URL as an ASP; repeatable; replaces m3ua.connect.
    #[arg(long = "m3ua-connect", value_name = "URL")]
    m3ua_connect: Vec<String>,
    /// Accept M3UA associations from IPSP peers at URL; repeatable; replaces
    /// m3ua.ipsp_listen.
    #[arg(long = "m3ua-ipsp-listen", value_name = "URL")]
    m3ua_ipsp_listen: Vec<String>,
    /// Connect to an IPSP peer at URL as an IPSP (exchange: m3ua.ipsp_exchange);
    /// repeatable; replaces m3ua.ipsp_connect.
    #[arg(long = "m3ua-ipsp-connect", value_name = "URL")]
    m3ua_ipsp_connect: Vec<String>,
    /// gRPC listen address (HOST:PORT).
    #[arg(long = "grpc-listen", value_name = "HOST:PORT")]
    grpc_listen: Option<String>,
    /// Serve Prometheus metrics at http://HOST:PORT/metrics ("" for none); replaces
    /// metrics.listen.
    #[arg(long = "metrics-listen", value_name = "HOST:PORT")]
    metrics_listen: Option<String>,
    /// SQLite database (created if absent).
    #[arg(long, value_name = "PATH")]
    db: Option<String>,
    /// Write every M3UA message sent and received to this pcap (synthetic SCTP frames,
    /// PPID 3, so Wireshark decodes M3UA/SCCP/TCAP/CAP whatever carried them).
    #[arg(long, value_name = "FILE")]
    pcap: Option<std::path::PathBuf>,
    /// Log lines as text or as one JSON object each (replaces log.format).
    #[arg(long = "log-format", value_enum, value_name = "text|json")]
    log_format: Option<crate::config::LogFormat>,
    /// SCCP standard and point-code format of the network (replaces node.variant and
    /// sccp.variant); AIN switches speak ANSI.
    #[arg(long = "sccp-variant", value_enum, value_name = "itu|ansi|chinese")]
    sccp_variant: Option<super::start::VariantArg>,
}

pub(super) fn cmd_run(a: RunArgs) -> Result<ExitCode, String> {
    let cfg = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Config::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Config::embedded(),
    };
    let overrides = Overrides {
        m3ua_listen: a.m3ua_listen,
        m3ua_connect: a.m3ua_connect,
        m3ua_ipsp_listen: a.m3ua_ipsp_listen,
        m3ua_ipsp_connect: a.m3ua_ipsp_connect,
        grpc_listen: a.grpc_listen,
        db: a.db,
        metrics_listen: a.metrics_listen,
        sccp_variant: a.sccp_variant.map(Into::into),
    };
    let cfg = runtime::apply(cfg, &overrides).map_err(|e| e.to_string())?;
    super::logging::init(a.log_format.unwrap_or(cfg.log.format), &cfg.log.level);
    // Before the store is opened: a start that cannot listen leaves no scpd.db behind.
    super::start::check_listeners(&cfg)?;
    if let Some(p) = &a.pcap {
        crate::lab::pcap_out::install(p).map_err(|e| format!("--pcap {}: {e}", p.display()))?;
    }
    serve(
        cfg,
        runtime::reload::Source {
            file: a.config,
            overrides,
            set_log_level: Some(super::logging::set_level),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Run the daemon with `cfg` until SIGINT/SIGTERM (SIGHUP reads `source` again).
fn serve(cfg: Config, source: runtime::reload::Source) -> Result<(), String> {
    super::runtime()?.block_on(runtime::run(cfg, source))
}

pub(super) fn cmd_check(file: &std::path::Path) -> Result<ExitCode, super::Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    // The TLS files too: readable PEM, the key belonging to the certificate.
    match Config::parse(&text)
        .map_err(|e| e.to_string())
        .and_then(|c| crate::api::grpc_server(&c))
    {
        Ok(_) => {
            super::out::line(format_args!("{}: ok", file.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
