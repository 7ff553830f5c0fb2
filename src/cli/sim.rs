//! `scpd sim`: the switch simulator and load generator's options, and the simulated HLR's
//! (`--role hlr`). Durations, call mixes, cells, positions and MAP errors are parsed here,
//! so a bad value is a usage error naming the flag.

use clap::{Args, ValueEnum};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

/// What the simulator plays.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RoleArg {
    /// A mobile switch (CAMEL, WIN; --protocol camel, win or mix).
    Msc,
    /// A fixed-network switch (AIN, INAP; --protocol ain or inap).
    Ssp,
    /// An HLR (TS 29.002 MAP) that scpd, as gsmSCF, queries with SendRoutingInformation and
    /// AnyTimeInterrogation.
    Hlr,
}

impl RoleArg {
    fn name(self) -> &'static str {
        match self {
            RoleArg::Msc => "msc",
            RoleArg::Ssp => "ssp",
            RoleArg::Hlr => "hlr",
        }
    }
}

/// The subscriber state the HLR reports (AnyTimeInterrogation).
#[derive(Clone, Copy, ValueEnum)]
enum StateArg {
    /// assumedIdle.
    Idle,
    /// camelBusy.
    Busy,
    /// netDetNotReachable (imsiDetached).
    NotReachable,
    /// notProvidedFromVLR.
    NotProvided,
}

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
    /// What the simulator plays: a switch (msc, ssp) querying scpd, or an HLR scpd queries.
    /// Default: the switch --protocol implies (msc for camel, win and mix; ssp for ain and
    /// inap).
    #[arg(long, value_enum)]
    role: Option<RoleArg>,
    /// What the switch speaks (default camel; not with --role hlr).
    #[arg(long, value_enum)]
    protocol: Option<SimProtocolArg>,
    /// Number of calls (default 1; with --duration, unlimited). With --role hlr: stop once
    /// this many requests have been answered (default: no limit).
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
    /// With --role hlr: stop serving after this long.
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
    /// IMSI of the calling (or, with --terminating, called) subscriber (CAMEL). With
    /// --role hlr, its first 5 digits (MCC, MNC) head every subscriber's IMSI, the last 10
    /// digits of the MSISDN following.
    #[arg(long, default_value = "262011234567890")]
    imsi: String,
    /// Play terminating calls (CAMEL T-CSI termAttemptAuthorized, AIN Termination_Attempt,
    /// WIN AnalyzedInformation at initial-Termination): the called party is served.
    #[arg(long)]
    terminating: bool,
    /// Our point code: default 100 for a switch, 300 for the HLR. The defaults fit ITU
    /// 14-bit and ANSI 24-bit (0-0-100) alike, and the embedded default configuration's
    /// point code 200.
    #[arg(long)]
    opc: Option<u32>,
    /// The SCP's point code.
    #[arg(long, default_value_t = 200)]
    dpc: u32,
    /// Subsystem number on both sides for the protocol played (default 146 for CAMEL,
    /// 247 for AIN, 241 for INAP; for WIN the SCP's, --win-ssn, ours being the MSC's 8;
    /// with --protocol mix, the CAMEL SSN). With --role hlr, the HLR's (default 6).
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
    /// WIN and mix; itu for the HLR).
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
    /// How long to wait for any answer (ms); with --role hlr, for the ASP to come up.
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
    /// No progress line on stderr.
    #[arg(long)]
    quiet: bool,
    /// --role hlr: one JSON line per request on stdout, before the report.
    #[arg(long)]
    verbose: bool,
    /// The first roaming number (MSRN) of the simulated network (consecutive numbers of the
    /// same length): the HLR (--role hlr) hands them out in SendRoutingInformation; the MSC
    /// (CAMEL, --terminating) takes a call to one of them as a leg to a roaming mobile and
    /// delivers it without querying the SCP, as a call routed on an MSRN meets no T-CSI.
    #[arg(long, default_value = "491739990000", value_name = "DIGITS")]
    msrn: String,
    /// How many roaming numbers the range has (the HLR hands them out in turn).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    msrns: u32,
    /// --role hlr: ageOfLocationInformation in minutes (0-32767).
    #[arg(long, default_value_t = 0, value_name = "MINUTES")]
    age: u32,
    /// --role hlr: the subscriber's cell (cellGlobalIdOrServiceAreaIdFixedLength),
    /// MCC-MNC-LAC-CI; a 3-digit MNC is written with 3 digits (e.g. 310-410-...); LAC and
    /// CI decimal or 0x hex.
    #[arg(long, default_value = "262-01-4660-22136", value_name = "MCC-MNC-LAC-CI",
          value_parser = parse_cell)]
    cell: crate::map::CellIdOrLai,
    /// --role hlr: the vlr-number and msc-Number of the location (international digits).
    #[arg(long, default_value = "491720000001", value_name = "DIGITS")]
    vlr: String,
    /// --role hlr: geographicalInformation of the location, LAT,LON in degrees (north
    /// and east positive), optionally ,RADIUS in metres (default 0): a TS 23.032 ellipsoid
    /// point with uncertainty circle. None by default.
    #[arg(long, value_name = "LAT,LON[,RADIUS]", value_parser = parse_geo,
          allow_hyphen_values = true)]
    geo: Option<crate::map::GeographicalInformation>,
    /// --role hlr: the subscriber state AnyTimeInterrogation reports.
    #[arg(long, value_enum, default_value = "idle")]
    state: StateArg,
    /// --role hlr: answer this MSISDN with unknownSubscriber (repeatable, or comma
    /// separated).
    #[arg(long, value_name = "MSISDN", value_delimiter = ',')]
    unknown: Vec<String>,
    /// --role hlr: answer this MSISDN with absentSubscriber (repeatable).
    #[arg(long, value_name = "MSISDN", value_delimiter = ',')]
    absent: Vec<String>,
    /// --role hlr: answer MSISDN with the MAP error NAME as TS 29.002 spells it, e.g.
    /// systemFailure, ati-NotAllowed, callBarred (repeatable). An ATI by IMSI is matched
    /// by the IMSI.
    #[arg(long, value_name = "MSISDN=NAME", value_parser = parse_error)]
    error: Vec<(String, crate::map::MapError)>,
    /// --role hlr: never answer this MSISDN (the dialogue stays open; repeatable).
    #[arg(long, value_name = "MSISDN", value_delimiter = ',')]
    silent: Vec<String>,
    /// --role hlr: refuse the v3 SendRoutingInformation context (an HLR of MAP phase 2):
    /// TC-ABORT with AARE reject-permanent, application-context-name-not-supported,
    /// naming v2.
    #[arg(long)]
    v2_only: bool,
}

/// MCC-MNC-LAC-CI.
fn parse_cell(s: &str) -> Result<crate::map::CellIdOrLai, String> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [mcc, mnc, lac, ci] = parts[..] else {
        return Err(format!(
            "{s:?}: expected MCC-MNC-LAC-CI, e.g. 262-01-4660-22136"
        ));
    };
    let digits = |v: &str, what: &str, lens: &[usize]| -> Result<u16, String> {
        if !lens.contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{s:?}: the {what} is {} digits",
                lens.iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        v.parse().map_err(|_| format!("{s:?}: bad {what}"))
    };
    let number = |v: &str, what: &str| -> Result<u16, String> {
        let r = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(h) => u16::from_str_radix(h, 16),
            None => v.parse(),
        };
        r.map_err(|_| format!("{s:?}: the {what} is a number 0-65535"))
    };
    Ok(crate::map::CellIdOrLai::CellId {
        plmn: crate::map::Plmn {
            mcc: digits(mcc, "MCC", &[3])?,
            mnc: digits(mnc, "MNC", &[2, 3])?,
            mnc_3_digits: mnc.len() == 3,
        },
        lac: number(lac, "LAC")?,
        ci: number(ci, "CI")?,
    })
}

/// LAT,LON[,RADIUS].
fn parse_geo(s: &str) -> Result<crate::map::GeographicalInformation, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{s:?}: expected LAT,LON[,RADIUS], degrees and metres"))?;
    let (lat, lon, radius) = match v[..] {
        [lat, lon] => (lat, lon, 0.0),
        [lat, lon, r] => (lat, lon, r),
        _ => return Err(format!("{s:?}: expected LAT,LON[,RADIUS]")),
    };
    if !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
        || !(0.0..).contains(&radius)
    {
        return Err(format!(
            "{s:?}: latitude -90..90, longitude -180..180, radius at least 0"
        ));
    }
    Ok(crate::map::GeographicalInformation::from_degrees(
        lat, lon, radius,
    ))
}

/// MSISDN=NAME.
fn parse_error(s: &str) -> Result<(String, crate::map::MapError), String> {
    let (who, name) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected MSISDN=NAME, e.g. 491700000001=systemFailure"))?;
    let e = crate::lab::sim_hlr::map_error_by_name(name.trim())
        .ok_or_else(|| format!("{name:?} is not a MAP error name (TS 29.002 §17.6.6)"))?;
    Ok((subscriber(who), e))
}

/// A subscriber's digits as the HLR compares them (no leading +, lower case).
fn subscriber(s: &str) -> String {
    s.trim().trim_start_matches('+').to_ascii_lowercase()
}

/// A usage error (status 2) naming the flags at fault, as clap reports its own.
fn usage(msg: String) -> Result<ExitCode, super::Failure> {
    let mut cmd = <SimArgs as Args>::augment_args(clap::Command::new("scpd sim"));
    let e = cmd.error(clap::error::ErrorKind::ArgumentConflict, msg);
    let _ = e.print();
    Ok(ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)))
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
    let switch_role = match a.protocol {
        None | Some(SimProtocolArg::Camel | SimProtocolArg::Win | SimProtocolArg::Mix) => {
            RoleArg::Msc
        }
        Some(SimProtocolArg::Ain | SimProtocolArg::Inap) => RoleArg::Ssp,
    };
    match (a.role, a.protocol) {
        (Some(RoleArg::Hlr), None) => return cmd_hlr(a).await,
        (Some(RoleArg::Hlr), Some(p)) => {
            return usage(format!(
                "--role hlr answers MAP queries: --protocol {} does not apply",
                p.to_possible_value()
                    .map_or("?".into(), |v| v.get_name().to_string())
            ))
        }
        (Some(r), Some(p)) if r != switch_role => {
            return usage(format!(
                "--role {} does not play --protocol {}, an {} protocol: use --role {} (or leave \
                 --role out)",
                r.name(),
                p.to_possible_value()
                    .map_or("?".into(), |v| v.get_name().to_string()),
                switch_role.name().to_ascii_uppercase(),
                switch_role.name()
            ))
        }
        _ => {}
    }
    let a_protocol = a.protocol.unwrap_or(SimProtocolArg::Camel);
    let (to, transport) = match crate::config::parse_endpoint(&a.to)? {
        crate::config::Endpoint::Tcp(addr) => (addr, SimTransport::Tcp),
        crate::config::Endpoint::Sctp(addrs) => {
            crate::transport::sctp::probe().map_err(|e| e.to_string())?;
            (addrs[0], SimTransport::Sctp(addrs))
        }
    };
    let protocol = match a_protocol {
        SimProtocolArg::Camel => SimProtocol::Camel,
        SimProtocolArg::Ain => SimProtocol::Ain,
        SimProtocolArg::Inap => SimProtocol::Inap,
        SimProtocolArg::Win => SimProtocol::Win,
        SimProtocolArg::Mix => SimProtocol::Mix,
    };
    let ain = a_protocol == SimProtocolArg::Ain;
    let inap = a_protocol == SimProtocolArg::Inap;
    let win = a_protocol == SimProtocolArg::Win;
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
        opc: a.opc.unwrap_or(100),
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
    let roaming = crate::lab::sim::RoamingNumbers::new(&a.msrn, a.msrns)
        .map_err(|e| format!("--msrn/--msrns: {e}"))?;
    let load = LoadConfig {
        roaming: Some(roaming),
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

/// `scpd sim --role hlr`: serve scpd's MAP queries until --duration, --calls or Ctrl-C;
/// print the report (and, with --verbose, a line per request before it).
async fn cmd_hlr(a: SimArgs) -> Result<ExitCode, super::Failure> {
    use crate::lab::sim_hlr::{self, HlrConfig, HlrProfile, HlrState, Special};
    let mut special: HashMap<String, Special> = HashMap::new();
    let given = a
        .unknown
        .iter()
        .map(|m| {
            (
                subscriber(m),
                Special::Error(sim_hlr::UNKNOWN_SUBSCRIBER),
                "--unknown",
            )
        })
        .chain(a.absent.iter().map(|m| {
            (
                subscriber(m),
                Special::Error(sim_hlr::ABSENT_SUBSCRIBER),
                "--absent",
            )
        }))
        .chain(
            a.error
                .iter()
                .map(|(m, e)| (m.clone(), Special::Error(*e), "--error")),
        )
        .chain(
            a.silent
                .iter()
                .map(|m| (subscriber(m), Special::Silent, "--silent")),
        );
    for (who, what, flag) in given {
        if who.is_empty() {
            return usage(format!("{flag}: an empty MSISDN"));
        }
        if let Some(before) = special.insert(who.clone(), what) {
            if before != what {
                return usage(format!(
                    "{flag} {who}: that subscriber already has another answer \
                     (--unknown, --absent, --error, --silent)"
                ));
            }
        }
    }
    let to = crate::config::parse_endpoint(&a.to)?;
    if matches!(to, crate::config::Endpoint::Sctp(_)) {
        crate::transport::sctp::probe().map_err(|e| e.to_string())?;
    }
    let profile = HlrProfile {
        imsi_prefix: a.imsi.chars().take(5).collect(),
        msrn_first: a.msrn,
        msrns: a.msrns,
        age: a.age,
        cell: a.cell,
        vlr: a.vlr.trim_start_matches('+').to_string(),
        geo: a.geo,
        state: match a.state {
            StateArg::Idle => HlrState::Idle,
            StateArg::Busy => HlrState::Busy,
            StateArg::NotReachable => HlrState::NotReachable,
            StateArg::NotProvided => HlrState::NotProvided,
        },
        special,
        v2_only: a.v2_only,
        ssn: a.ssn.unwrap_or(sim_hlr::HLR_SSN),
    };
    let cfg = HlrConfig {
        to,
        opc: a.opc.unwrap_or(300),
        dpc: a.dpc,
        routing_context: a.routing_context,
        variant: match a.sccp {
            Some(SccpArg::Ansi) => crate::sccp::Variant::Ansi,
            _ => crate::sccp::Variant::Itu,
        },
        timeout: Duration::from_millis(a.timeout_ms),
        duration: a.duration,
        calls: a.calls.map(u64::from),
        progress: !a.quiet,
        verbose: a.verbose,
        profile,
    };
    // Installed before the association comes up, so that Ctrl-C at any time ends the run
    // with its report rather than the process.
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt()).map_err(|e| format!("SIGINT: {e}"))?;
    let mut term = signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM: {e}"))?;
    let stop = async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    };
    let rep = sim_hlr::run(cfg, stop, std::io::stdout())
        .await
        .map_err(|e| e.to_string())?;
    super::out::line(serde_json::to_string(&rep).map_err(|e| e.to_string())?)?;
    Ok(match &rep.error {
        None => ExitCode::SUCCESS,
        Some(e) => {
            eprintln!("scpd: the association failed: {e}");
            ExitCode::FAILURE
        }
    })
}
