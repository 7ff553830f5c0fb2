//! `scpd sim`: the switch simulator and load generator's options (durations and call mixes
//! parsed here, so a bad value is a usage error naming the flag).

use clap::{Args, ValueEnum};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SimProtocolArg {
    /// CAMEL from an MSC (ITU TCAP).
    Camel,
    /// AIN 0.2 from a wireline SSP (ANSI TCAP, ANSI SCCP).
    Ain,
    /// INAP CS-1 from a fixed-network SSP (ITU TCAP, ITU SCCP).
    Inap,
    /// WIN (ANSI-41, IS-771) from an MSC (ANSI TCAP, ANSI SCCP).
    Win,
    /// CAMEL, AIN, INAP and WIN in turn over one association (ANSI SCCP unless --sccp says
    /// otherwise).
    Mix,
}

#[derive(Clone, Copy, ValueEnum)]
enum SccpArg {
    Itu,
    Ansi,
}

#[derive(Args)]
pub(super) struct SimArgs {
    /// The SCP's M3UA address: tcp://HOST:PORT, or sctp://HOST[,HOST...]:PORT for kernel
    /// SCTP (several hosts: the SCP's addresses of a multi-homed association).
    #[arg(long, default_value = "tcp://127.0.0.1:2905", value_name = "URL")]
    to: String,
    /// What the switch speaks.
    #[arg(long, value_enum, default_value = "camel")]
    protocol: SimProtocolArg,
    /// Number of calls (default 1; with --duration, unlimited).
    #[arg(long)]
    calls: Option<u32>,
    /// Calls in progress at once.
    #[arg(long, default_value_t = 1)]
    concurrency: u32,
    /// Target call rate (calls started per second); without it, as fast as the
    /// concurrency window allows.
    #[arg(long, value_name = "CALLS_PER_S")]
    rate: Option<f64>,
    /// Stop starting calls after this long (e.g. 30s, 500ms, 2m; a bare number is seconds).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Call mix: relative weights of originating and terminating calls, e.g.
    /// originating=3,terminating=1 (overrides --terminating).
    #[arg(long, value_parser = parse_mix)]
    mix: Option<(u32, u32)>,
    /// Vary the served number over this many consecutive numbers (one step per round of the
    /// mix, so each kind of call meets each number).
    #[arg(long, default_value_t = 1)]
    numbers: u32,
    /// Calling party digits (the served subscriber of an originating call). Default
    /// 491700000001 for CAMEL, the line 2015550100 for AIN, the mobile 2125550100 for WIN.
    #[arg(long)]
    calling: Option<String>,
    /// Called party digits (served by a terminating call). Default 4930123456 for CAMEL,
    /// 2015550199 for AIN, 2125550199 for WIN (an AIN served line is a 10-digit DN, a WIN
    /// served mobile a 10-digit MIN).
    #[arg(long)]
    called: Option<String>,
    /// Calling party digits of WIN calls, as in --protocol mix (with --protocol win,
    /// --calling overrides it).
    #[arg(long, default_value = "2125550100")]
    win_calling: String,
    /// Called party digits of WIN calls, as in --protocol mix (with --protocol win, --called
    /// overrides it).
    #[arg(long, default_value = "2125550199")]
    win_called: String,
    /// IMSI of the calling (or, with --terminating, called) subscriber (CAMEL).
    #[arg(long, default_value = "262011234567890")]
    imsi: String,
    /// Play terminating calls (CAMEL T-CSI termAttemptAuthorized, AIN Termination_Attempt,
    /// WIN AnalyzedInformation at initial-Termination): the called party is served.
    #[arg(long)]
    terminating: bool,
    /// Our (the switch's) point code. The defaults fit ITU 14-bit and ANSI 24-bit
    /// (0-0-100) alike, and the embedded default configuration's point code 200.
    #[arg(long, default_value_t = 100)]
    opc: u32,
    /// The SCP's point code.
    #[arg(long, default_value_t = 200)]
    dpc: u32,
    /// Subsystem number on both sides for the protocol played (default 146 for CAMEL,
    /// 247 for AIN, 241 for INAP; for WIN the SCP's, --win-ssn, ours being the MSC's 8;
    /// with --protocol mix, the CAMEL SSN).
    #[arg(long)]
    ssn: Option<u8>,
    /// AIN subsystem with --protocol mix.
    #[arg(long, default_value_t = 247)]
    ain_ssn: u8,
    /// INAP subsystem with --protocol mix.
    #[arg(long, default_value_t = 241)]
    inap_ssn: u8,
    /// The SCP's WIN subsystem (the sim, an MSC, calls from SSN 8).
    #[arg(long, default_value_t = 14)]
    win_ssn: u8,
    /// SCCP variant (default: itu for CAMEL and INAP, ansi with 24-bit point codes for AIN,
    /// WIN and mix).
    #[arg(long, value_enum)]
    sccp: Option<SccpArg>,
    /// Routing context to activate with (omit to activate without one).
    #[arg(long)]
    routing_context: Option<u32>,
    /// Service key of the O-/T-CSI (CAMEL) or the IN service (INAP).
    #[arg(long, default_value_t = 100)]
    service_key: u32,
    /// How long a monitored call stays answered before the switch reports disconnect (ms).
    #[arg(long, default_value_t = 200)]
    hold_ms: u64,
    /// How long to wait for any answer (ms).
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
    /// No progress line on stderr.
    #[arg(long)]
    quiet: bool,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 30s, 500ms, 2m)"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("{s:?} is not a duration"));
    }
    Ok(Duration::from_secs_f64(v * scale))
}

fn parse_mix(s: &str) -> Result<(u32, u32), String> {
    let mut mix = (0, 0);
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, w) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?}: expected KIND=WEIGHT"))?;
        let w: u32 = w
            .trim()
            .parse()
            .map_err(|_| format!("{part:?}: weight is not a number"))?;
        match k.trim() {
            "originating" | "orig" => mix.0 = w,
            "terminating" | "term" => mix.1 = w,
            other => return Err(format!("{other:?}: kinds are originating, terminating")),
        }
    }
    if mix == (0, 0) {
        return Err("the mix needs a weight above 0".into());
    }
    Ok(mix)
}

pub(super) async fn cmd_sim(a: SimArgs) -> Result<ExitCode, super::Failure> {
    use crate::lab::sim::{LoadConfig, SimConfig, SimProtocol, SimTransport};
    let (to, transport) = match crate::config::parse_endpoint(&a.to)? {
        crate::config::Endpoint::Tcp(addr) => (addr, SimTransport::Tcp),
        crate::config::Endpoint::Sctp(addrs) => {
            crate::transport::sctp::probe().map_err(|e| e.to_string())?;
            (addrs[0], SimTransport::Sctp(addrs))
        }
    };
    let protocol = match a.protocol {
        SimProtocolArg::Camel => SimProtocol::Camel,
        SimProtocolArg::Ain => SimProtocol::Ain,
        SimProtocolArg::Inap => SimProtocol::Inap,
        SimProtocolArg::Win => SimProtocol::Win,
        SimProtocolArg::Mix => SimProtocol::Mix,
    };
    let ain = a.protocol == SimProtocolArg::Ain;
    let inap = a.protocol == SimProtocolArg::Inap;
    let win = a.protocol == SimProtocolArg::Win;
    let cfg = SimConfig {
        to,
        calls: a
            .calls
            .unwrap_or(if a.duration.is_some() { u32::MAX } else { 1 }),
        concurrency: a.concurrency.max(1),
        calling: a.calling.clone().unwrap_or_else(|| "491700000001".into()),
        called: a.called.clone().unwrap_or_else(|| "4930123456".into()),
        imsi: a.imsi,
        terminating: a.terminating,
        opc: a.opc,
        dpc: a.dpc,
        ssn: a.ssn.unwrap_or(if ain {
            247
        } else if inap {
            241
        } else if win {
            a.win_ssn
        } else {
            146
        }),
        routing_context: a.routing_context,
        service_key: a.service_key,
        hold: Duration::from_millis(a.hold_ms),
        timeout: Duration::from_millis(a.timeout_ms),
    };
    let load = LoadConfig {
        protocol,
        mix: a.mix.unwrap_or((0, 0)),
        rate: a.rate.filter(|r| *r > 0.0),
        duration: a.duration,
        numbers: a.numbers.max(1),
        sccp: a.sccp.map(|s| match s {
            SccpArg::Itu => crate::sccp::Variant::Itu,
            SccpArg::Ansi => crate::sccp::Variant::Ansi,
        }),
        ain_ssn: if ain { cfg.ssn } else { a.ain_ssn },
        inap_ssn: if inap { cfg.ssn } else { a.inap_ssn },
        win_ssn: if win { cfg.ssn } else { a.win_ssn },
        win_calling: a.calling.clone().filter(|_| win).unwrap_or(a.win_calling),
        win_called: a.called.clone().filter(|_| win).unwrap_or(a.win_called),
        ain_calling: a.calling.unwrap_or_else(|| "2015550100".into()),
        ain_called: a.called.unwrap_or_else(|| "2015550199".into()),
        progress: !a.quiet,
        transport,
    };
    let rep = crate::lab::sim::run_load(cfg, load)
        .await
        .map_err(|e| e.to_string())?;
    super::out::line(serde_json::to_string(&rep).map_err(|e| e.to_string())?)?;
    // AIN and WIN (and the mix, by default) speak ANSI SCCP; an SCP reading ITU SCCP
    // answers in a layout the sim cannot read, which says nothing about why unless told.
    let ansi = match a.sccp {
        Some(s) => matches!(s, SccpArg::Ansi),
        None => matches!(
            protocol,
            SimProtocol::Ain | SimProtocol::Win | SimProtocol::Mix
        ),
    };
    if ansi && rep.error_samples.iter().any(|e| e.starts_with("SCCP")) {
        eprintln!(
            "scpd: hint: this run spoke ANSI SCCP (T1.112, 24-bit point codes); an SCP on \
             ITU SCCP, such as scpd's embedded default, cannot be understood. Start it with \
             --sccp-variant ansi (or sccp.variant = \"ansi\"), or give --sccp itu."
        );
    }
    Ok(if rep.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
