//! `scpd`: the command line (INTERFACES.md).

use clap::{Args, Parser, Subcommand, ValueEnum};
use scpd::config::Config;
use scpd::daemon::{self, Overrides};
use scpd::proto;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "scpd",
    version,
    about = "IN/CAMEL Service Control Point adapter: answers CAMEL (CAP) and AIN queries from \
             switches over SIGTRAN (M3UA/SCCP/TCAP) and reports the calls over gRPC",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the SCP daemon (M3UA server side, gRPC, SQLite store). Without --config it uses
    /// the embedded default: M3UA on tcp://127.0.0.1:2905, point code 200, CAMEL SSN 146,
    /// gRPC on 127.0.0.1:50051, store scpd.db. Stops cleanly on SIGINT/SIGTERM.
    Run(RunArgs),
    /// Decode captured signalling (pcap/pcapng or hex lines) to one JSON line per message.
    Decode(DecodeArgs),
    /// Switch simulator and load generator: plays an MSC (CAMEL) or a wireline SSP (AIN)
    /// against a running SCP; prints the outcome counts, throughput and latency percentiles
    /// as JSON.
    Sim(SimArgs),
    /// Play the switch side of each TCAP dialogue in a capture against a live SCP and report,
    /// as JSON, where its answers differ from the captured ones.
    Replay(ReplayArgs),
    /// Print call events from a running scpd as JSON lines (a built-in gRPC subscriber).
    Events(EventsArgs),
    /// Manage the subscribers of a running scpd (over gRPC).
    #[command(subcommand)]
    Subscriber(SubscriberCmd),
    /// Manage temporary routing numbers of a running scpd (over gRPC).
    #[command(subcommand, name = "routing-number")]
    RoutingNumber(RoutingNumberCmd),
    /// Validate a configuration file; exit 0, or print the offending key and exit 1.
    CheckConfig {
        /// The TOML file (see config/scpd.toml for every key).
        file: std::path::PathBuf,
    },
}

#[derive(Args)]
struct RunArgs {
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
    /// SQLite database (created if absent).
    #[arg(long, value_name = "PATH")]
    db: Option<String>,
    /// Write every M3UA message sent and received to this pcap (synthetic SCTP frames,
    /// PPID 3, so Wireshark decodes M3UA/SCCP/TCAP/CAP whatever carried them).
    #[arg(long, value_name = "FILE")]
    pcap: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Auto,
    Hex,
    Pcap,
}

#[derive(Clone, Copy, ValueEnum)]
enum Layer {
    Auto,
    M3ua,
    Sccp,
    Tcap,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mtp3 {
    Itu,
    Ansi,
    Chinese,
    Japanese,
}

#[derive(Args)]
struct DecodeArgs {
    /// Input format; auto detects pcap/pcapng by their magic number, else hex lines.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// What each hex line holds: a whole M3UA message, an SCCP message or bare TCAP.
    #[arg(long, value_enum, default_value = "auto")]
    layer: Layer,
    /// Point-code format of MTP3 in captures (ITU 14-bit, ANSI/Chinese 24-bit, Japanese 16-bit).
    #[arg(long, value_enum, default_value = "itu")]
    mtp3: Mtp3,
    /// SSNs that carry CAP when a dialogue's application context is not in the capture
    /// (comma-separated; like tshark's camel.tcap.ssn).
    #[arg(long = "cap-ssn", value_delimiter = ',', default_value = "146")]
    cap_ssn: Vec<u8>,
    /// SSNs that carry MAP when the AC does not say (like gsm_map.tcap.ssn).
    #[arg(long = "map-ssn", value_delimiter = ',')]
    map_ssn: Vec<u8>,
    /// SSNs that carry AIN (ANSI TCAP) when the operation codes do not say.
    #[arg(long = "ain-ssn", value_delimiter = ',')]
    ain_ssn: Vec<u8>,
    /// General SSN → application mapping, repeatable: SSN=camel|map|ain|inap
    /// (e.g. --ssn 146=camel --ssn 6=inap); wins over the specific options.
    #[arg(long = "ssn", value_name = "SSN=APP", value_parser = parse_ssn_app)]
    ssn: Vec<(u8, scpd::lab::decode::App)>,
    /// Print counts per operation and errors instead of the JSON lines.
    #[arg(long)]
    summary: bool,
    /// Files to read ('-' or none for standard input).
    files: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SimProtocolArg {
    /// CAMEL from an MSC (ITU TCAP).
    Camel,
    /// AIN 0.2 from a wireline SSP (ANSI TCAP, ANSI SCCP).
    Ain,
    /// Both, alternating over one association (ANSI SCCP unless --sccp says otherwise).
    Mix,
}

#[derive(Clone, Copy, ValueEnum)]
enum SccpArg {
    Itu,
    Ansi,
}

#[derive(Args)]
struct SimArgs {
    /// The SCP's M3UA address.
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
    /// 491700000001 for CAMEL, the line 2015550100 for AIN.
    #[arg(long)]
    calling: Option<String>,
    /// Called party digits (served by a terminating call). Default 4930123456 for CAMEL,
    /// 2015550199 for AIN (an AIN served line is a 10-digit DN).
    #[arg(long)]
    called: Option<String>,
    /// IMSI of the calling (or, with --terminating, called) subscriber (CAMEL).
    #[arg(long, default_value = "262011234567890")]
    imsi: String,
    /// Play terminating calls (CAMEL T-CSI termAttemptAuthorized, AIN Termination_Attempt):
    /// the called party is served.
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
    /// 247 for AIN; with --protocol mix, the CAMEL SSN).
    #[arg(long)]
    ssn: Option<u8>,
    /// AIN subsystem with --protocol mix.
    #[arg(long, default_value_t = 247)]
    ain_ssn: u8,
    /// SCCP variant (default: itu for CAMEL, ansi with 24-bit point codes for AIN and mix).
    #[arg(long, value_enum)]
    sccp: Option<SccpArg>,
    /// Routing context to activate with (omit to activate without one).
    #[arg(long)]
    routing_context: Option<u32>,
    /// Service key of the O-/T-CSI (CAMEL).
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

#[derive(Clone, Copy, ValueEnum)]
enum TimingArg {
    /// Each message as soon as the previous one's answers are in.
    Fast,
    /// Each message at its captured offset from the start of the capture.
    Captured,
}

#[derive(Args)]
struct ReplayArgs {
    /// The capture (pcap/pcapng) whose dialogues are played.
    file: std::path::PathBuf,
    /// The SCP's M3UA address.
    #[arg(long, default_value = "tcp://127.0.0.1:2905", value_name = "URL")]
    to: String,
    /// Send at the captured timing or as fast as the SCP answers.
    #[arg(long, value_enum, default_value = "fast")]
    timing: TimingArg,
    /// Point-code variant of MTP3/SCCP framing in the capture.
    #[arg(long, value_enum, default_value = "itu")]
    mtp3: Mtp3,
    /// Our (the switch's) point code.
    #[arg(long, default_value_t = 100)]
    opc: u32,
    /// The SCP's point code.
    #[arg(long, default_value_t = 200)]
    dpc: u32,
    /// The SCP's subsystem number (the captured addresses are replaced).
    #[arg(long, default_value_t = 146)]
    ssn: u8,
    /// Our subsystem number.
    #[arg(long = "own-ssn", default_value_t = 146)]
    own_ssn: u8,
    /// MTP3 network indicator of the DATA messages.
    #[arg(long, default_value_t = 2)]
    ni: u8,
    /// Routing context to activate with (omit to activate without one).
    #[arg(long)]
    routing_context: Option<u32>,
    /// Dialogues in progress at once (fast timing).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How long to wait for an answer the capture has (ms).
    #[arg(long, default_value_t = 5000)]
    timeout_ms: u64,
    /// After an answer, how long to wait for the next one the capture has (ms).
    #[arg(long, default_value_t = 300)]
    settle_ms: u64,
}

/// How a client command reaches a running scpd's gRPC: plaintext, or TLS with --tls-ca.
#[derive(Args)]
struct GrpcConn {
    /// scpd's gRPC address.
    #[arg(long, default_value = "127.0.0.1:50051", value_name = "HOST:PORT")]
    grpc: String,
    /// Use TLS, accepting the daemon's certificate only if this CA (PEM) signed it.
    #[arg(long = "tls-ca", value_name = "FILE", env = "SCPD_TLS_CA")]
    tls_ca: Option<std::path::PathBuf>,
    /// Client certificate (PEM) for a daemon that requires one (grpc.tls_client_ca).
    #[arg(long = "tls-cert", value_name = "FILE", env = "SCPD_TLS_CERT",
          requires_all = ["tls_key", "tls_ca"])]
    tls_cert: Option<std::path::PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(
        long = "tls-key",
        value_name = "FILE",
        env = "SCPD_TLS_KEY",
        requires = "tls_cert"
    )]
    tls_key: Option<std::path::PathBuf>,
    /// Name the daemon's certificate must carry (default: the host of --grpc).
    #[arg(long = "tls-domain", value_name = "NAME", requires = "tls_ca")]
    tls_domain: Option<String>,
}

#[derive(Args)]
struct EventsArgs {
    #[command(flatten)]
    conn: GrpcConn,
    /// Resume after this sequence (0: from the oldest retained event).
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// Keep following live events; without it, stop after the journal is replayed.
    #[arg(long)]
    follow: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum PolicyArg {
    /// Report the trigger only.
    Pass,
    /// Report the trigger and arm answer/disconnect events.
    Monitor,
    /// Route the call via an anchor number so the call control system is in the path.
    Anchor,
    /// Ask the data-session server (Decisions.Session).
    Decide,
}

/// `ID[=LABEL]`: a terminal of the subscriber's user.
fn parse_terminal(s: &str) -> Result<proto::Terminal, String> {
    let (id, label) = s.split_once('=').unwrap_or((s, ""));
    if id.is_empty() {
        return Err("want ID[=LABEL]".into());
    }
    Ok(proto::Terminal {
        id: id.into(),
        label: label.into(),
    })
}

#[derive(Subcommand)]
enum RoutingNumberCmd {
    /// Allocate a temporary routing number bound to TARGET; prints it as JSON.
    Allocate {
        #[command(flatten)]
        conn: GrpcConn,
        /// Digits of the circuit-switched phone (international format, no '+').
        target: String,
        #[arg(long, default_value_t = 60)]
        ttl_seconds: u32,
        /// The call the transfer belongs to.
        #[arg(long, default_value = "")]
        call_id: String,
        /// Pool name (default: the first TRN pool).
        #[arg(long, default_value = "")]
        pool: String,
    },
    Release {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
    Get {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
    List {
        #[command(flatten)]
        conn: GrpcConn,
        #[arg(long, default_value = "")]
        pool: String,
    },
}

#[derive(Subcommand)]
enum SubscriberCmd {
    /// Enrol (or update) a subscriber.
    Add {
        #[command(flatten)]
        conn: GrpcConn,
        /// MSISDN or directory number, digits only.
        number: String,
        #[arg(long, value_enum, default_value = "monitor")]
        policy: PolicyArg,
        /// The user the number belongs to.
        #[arg(long, default_value = "")]
        user: String,
        /// A terminal of the user, ID[=LABEL]; repeatable.
        #[arg(long = "terminal", value_name = "ID[=LABEL]", value_parser = parse_terminal)]
        terminals: Vec<proto::Terminal>,
        /// Fail if the number is enrolled already, instead of replacing it.
        #[arg(long)]
        new: bool,
    },
    Get {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
    List {
        #[command(flatten)]
        conn: GrpcConn,
    },
    Remove {
        #[command(flatten)]
        conn: GrpcConn,
        number: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SCPD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::CheckConfig { file } => cmd_check(&file),
        Command::Decode(a) => cmd_decode(a),
        Command::Sim(a) => runtime().block_on(cmd_sim(a)),
        Command::Replay(a) => runtime().block_on(cmd_replay(a)),
        Command::Events(a) => runtime().block_on(cmd_events(a)),
        Command::Subscriber(c) => runtime().block_on(cmd_subscriber(c)),
        Command::RoutingNumber(c) => runtime().block_on(cmd_routing_number(c)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scpd: {e}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn cmd_run(a: RunArgs) -> Result<ExitCode, String> {
    let cfg = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Config::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Config::embedded(),
    };
    let cfg = daemon::apply(
        cfg,
        &Overrides {
            m3ua_listen: a.m3ua_listen,
            m3ua_connect: a.m3ua_connect,
            m3ua_ipsp_listen: a.m3ua_ipsp_listen,
            m3ua_ipsp_connect: a.m3ua_ipsp_connect,
            grpc_listen: a.grpc_listen,
            db: a.db,
        },
    )
    .map_err(|e| e.to_string())?;
    if let Some(p) = &a.pcap {
        scpd::lab::pcap_out::install(p).map_err(|e| format!("--pcap {}: {e}", p.display()))?;
    }
    runtime().block_on(daemon::run(cfg))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_check(file: &std::path::Path) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    // The TLS files too: readable PEM, the key belonging to the certificate.
    match Config::parse(&text)
        .map_err(|e| e.to_string())
        .and_then(|c| scpd::api::grpc_server(&c))
    {
        Ok(_) => {
            println!("{}: ok", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn parse_ssn_app(s: &str) -> Result<(u8, scpd::lab::decode::App), String> {
    let (n, app) = s
        .split_once('=')
        .ok_or("expected SSN=APP, e.g. 146=camel")?;
    let n: u8 = n.trim().parse().map_err(|_| format!("bad SSN {n:?}"))?;
    let app = scpd::lab::decode::App::parse(app.trim())
        .ok_or_else(|| format!("unknown application {app:?} (camel, map, ain, inap)"))?;
    Ok((n, app))
}

fn cmd_decode(a: DecodeArgs) -> Result<ExitCode, String> {
    use scpd::lab::decode::{self, HexLayer, InputFormat};
    let opts = decode::Options {
        format: match a.format {
            Format::Auto => InputFormat::Auto,
            Format::Hex => InputFormat::Hex,
            Format::Pcap => InputFormat::Pcap,
        },
        layer: match a.layer {
            Layer::Auto => HexLayer::Auto,
            Layer::M3ua => HexLayer::M3ua,
            Layer::Sccp => HexLayer::Sccp,
            Layer::Tcap => HexLayer::Tcap,
        },
        mtp3: mtp3_variant(a.mtp3),
        cap_ssns: a.cap_ssn,
        ssn_apps: a
            .map_ssn
            .iter()
            .map(|&n| (n, decode::App::Map))
            .chain(a.ain_ssn.iter().map(|&n| (n, decode::App::Ain)))
            .chain(a.ssn)
            .collect(),
    };
    let files = if a.files.is_empty() {
        vec!["-".to_string()]
    } else {
        a.files
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut totals = decode::Totals::default();
    for f in &files {
        let data = if f == "-" {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).map_err(|e| e.to_string())?;
            v
        } else {
            std::fs::read(f).map_err(|e| format!("{f}: {e}"))?
        };
        // --summary writes no lines: the decoder only counts.
        let sink: Option<&mut dyn std::io::Write> = if a.summary { None } else { Some(&mut out) };
        decode::decode_input(f, &data, &opts, &mut totals, sink)
            .map_err(|e| format!("{f}: {e}"))?;
    }
    if a.summary {
        use std::io::Write;
        let _ = write!(out, "{}", totals.table());
    }
    Ok(ExitCode::SUCCESS)
}

async fn cmd_sim(a: SimArgs) -> Result<ExitCode, String> {
    let to = match scpd::config::parse_endpoint(&a.to)? {
        scpd::config::Endpoint::Tcp(addr) => addr,
        scpd::config::Endpoint::Sctp(_) => return Err("sim plays over tcp:// only for now".into()),
    };
    use scpd::lab::sim::{LoadConfig, SimConfig, SimProtocol};
    let protocol = match a.protocol {
        SimProtocolArg::Camel => SimProtocol::Camel,
        SimProtocolArg::Ain => SimProtocol::Ain,
        SimProtocolArg::Mix => SimProtocol::Mix,
    };
    let ain = a.protocol == SimProtocolArg::Ain;
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
        ssn: a.ssn.unwrap_or(if ain { 247 } else { 146 }),
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
            SccpArg::Itu => scpd::sccp::Variant::Itu,
            SccpArg::Ansi => scpd::sccp::Variant::Ansi,
        }),
        ain_ssn: if ain { cfg.ssn } else { a.ain_ssn },
        ain_calling: a.calling.unwrap_or_else(|| "2015550100".into()),
        ain_called: a.called.unwrap_or_else(|| "2015550199".into()),
        progress: !a.quiet,
    };
    let rep = scpd::lab::sim::run_load(cfg, load)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string(&rep).map_err(|e| e.to_string())?
    );
    Ok(if rep.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn mtp3_variant(m: Mtp3) -> scpd::lab::capture::Mtp3Variant {
    use scpd::lab::capture::Mtp3Variant;
    match m {
        Mtp3::Itu => Mtp3Variant::Itu,
        Mtp3::Ansi => Mtp3Variant::Ansi,
        Mtp3::Chinese => Mtp3Variant::Chinese,
        Mtp3::Japanese => Mtp3Variant::Japanese,
    }
}

async fn cmd_replay(a: ReplayArgs) -> Result<ExitCode, String> {
    use scpd::lab::replay::{self, ReplayConfig, Timing};
    let to = match scpd::config::parse_endpoint(&a.to)? {
        scpd::config::Endpoint::Tcp(addr) => addr,
        scpd::config::Endpoint::Sctp(_) => {
            return Err("replay plays over tcp:// only for now".into())
        }
    };
    let data = std::fs::read(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let capture = scpd::lab::capture::CaptureOptions {
        mtp3: mtp3_variant(a.mtp3),
    };
    let captured =
        replay::dialogues(&data, &capture).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let cfg = ReplayConfig {
        to,
        opc: a.opc,
        dpc: a.dpc,
        scp_ssn: a.ssn,
        own_ssn: a.own_ssn,
        ni: a.ni,
        routing_context: a.routing_context,
        timing: match a.timing {
            TimingArg::Fast => Timing::Fast,
            TimingArg::Captured => Timing::Captured,
        },
        timeout: Duration::from_millis(a.timeout_ms),
        settle: Duration::from_millis(a.settle_ms),
        concurrency: a.concurrency,
        capture,
    };
    let rep = replay::run(cfg, captured)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string(&rep).map_err(|e| e.to_string())?
    );
    Ok(if rep.completed == rep.dialogues {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An error with its causes (tonic's transport errors say what failed only in them).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

async fn grpc_channel(c: &GrpcConn) -> Result<tonic::transport::Channel, String> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let read = |flag: &str, p: &std::path::Path| {
        std::fs::read(p).map_err(|e| format!("{flag} {}: {e}", p.display()))
    };
    let addr = &c.grpc;
    let scheme = if c.tls_ca.is_some() { "https" } else { "http" };
    let mut ep = tonic::transport::Endpoint::from_shared(format!("{scheme}://{addr}"))
        .map_err(|e| format!("--grpc {addr}: {e}"))?
        .connect_timeout(Duration::from_secs(5));
    if let Some(ca) = &c.tls_ca {
        let mut tls =
            ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read("--tls-ca", ca)?));
        if let (Some(cert), Some(key)) = (&c.tls_cert, &c.tls_key) {
            tls = tls.identity(Identity::from_pem(
                read("--tls-cert", cert)?,
                read("--tls-key", key)?,
            ));
        }
        if let Some(d) = &c.tls_domain {
            tls = tls.domain_name(d.clone());
        }
        ep = ep
            .tls_config(tls)
            .map_err(|e| format!("TLS: {}", chain(&e)))?;
    }
    ep.connect()
        .await
        .map_err(|e| format!("gRPC {addr}: {}", chain(&e)))
}

async fn cmd_events(a: EventsArgs) -> Result<ExitCode, String> {
    use proto::call_events_client::CallEventsClient;
    use std::io::Write;
    let mut client = CallEventsClient::new(grpc_channel(&a.conn).await?);
    let mut stream = client
        .subscribe(proto::SubscribeRequest {
            from_sequence: a.from,
        })
        .await
        .map_err(|e| format!("gRPC {}: {:?}: {}", a.conn.grpc, e.code(), e.message()))?
        .into_inner();
    loop {
        let next = if a.follow {
            stream.message().await
        } else {
            // Without --follow, stop once the stream has been quiet (journal replayed).
            match tokio::time::timeout(Duration::from_millis(500), stream.message()).await {
                Ok(r) => r,
                Err(_) => break,
            }
        };
        match next {
            Ok(Some(ev)) => {
                let line = scpd::lab::event_json(&ev);
                let mut out = std::io::stdout().lock();
                if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn cmd_subscriber(c: SubscriberCmd) -> Result<ExitCode, String> {
    use proto::subscribers_client::SubscribersClient;
    let print = |s: &proto::Subscriber| {
        println!(
            "{}",
            serde_json::json!({
                "number": s.number,
                "user": s.user,
                "policy": scpd::store::policy_name(s.policy().into()),
                "terminals": s.terminals.iter()
                    .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
                    .collect::<Vec<_>>(),
            })
        )
    };
    match c {
        SubscriberCmd::Add {
            conn,
            number,
            policy,
            user,
            terminals,
            new,
        } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let sub = proto::Subscriber {
                number,
                user,
                policy: match policy {
                    PolicyArg::Pass => proto::Policy::Pass,
                    PolicyArg::Monitor => proto::Policy::Monitor,
                    PolicyArg::Anchor => proto::Policy::Anchor,
                    PolicyArg::Decide => proto::Policy::Decide,
                } as i32,
                terminals,
            };
            let s = if new {
                client.create(sub).await
            } else {
                client.add(sub).await
            }
            .map_err(|e| e.message().to_string())?;
            print(s.get_ref());
        }
        SubscriberCmd::Get { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let s = client
                .get(proto::GetSubscriberRequest { number })
                .await
                .map_err(|e| e.message().to_string())?;
            print(s.get_ref());
        }
        SubscriberCmd::List { conn } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListSubscribersRequest {})
                .await
                .map_err(|e| e.message().to_string())?;
            l.get_ref().subscribers.iter().for_each(print);
        }
        SubscriberCmd::Remove { conn, number } => {
            let mut client = SubscribersClient::new(grpc_channel(&conn).await?);
            let r = client
                .remove(proto::RemoveSubscriberRequest {
                    number: number.clone(),
                })
                .await
                .map_err(|e| e.message().to_string())?;
            if !r.get_ref().removed {
                return Err(format!("no subscriber {number}"));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn cmd_routing_number(c: RoutingNumberCmd) -> Result<ExitCode, String> {
    use proto::routing_numbers_client::RoutingNumbersClient;
    let print = |n: &proto::RoutingNumber| {
        println!(
            "{}",
            serde_json::json!({
                "number": n.number,
                "target": n.target,
                "expires_at_ms": n.expires_at_ms,
                "allocated_at_ms": n.allocated_at_ms,
                "call_id": n.call_id,
                "pool": n.pool,
                "kind": n.kind().as_str_name(),
            })
        )
    };
    let err = |e: tonic::Status| format!("{:?}: {}", e.code(), e.message());
    match c {
        RoutingNumberCmd::Allocate {
            conn,
            target,
            ttl_seconds,
            call_id,
            pool,
        } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let n = client
                .allocate(proto::AllocateRoutingNumberRequest {
                    target,
                    ttl_seconds,
                    call_id,
                    pool,
                })
                .await
                .map_err(err)?;
            print(n.get_ref());
        }
        RoutingNumberCmd::Release { conn, number } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            client
                .release(proto::ReleaseRoutingNumberRequest { number })
                .await
                .map_err(err)?;
        }
        RoutingNumberCmd::Get { conn, number } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let n = client
                .get(proto::GetRoutingNumberRequest { number })
                .await
                .map_err(err)?;
            print(n.get_ref());
        }
        RoutingNumberCmd::List { conn, pool } => {
            let mut client = RoutingNumbersClient::new(grpc_channel(&conn).await?);
            let l = client
                .list(proto::ListRoutingNumbersRequest { pool })
                .await
                .map_err(err)?;
            l.get_ref().numbers.iter().for_each(print);
        }
    }
    Ok(ExitCode::SUCCESS)
}
