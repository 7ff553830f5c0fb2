//! `scpd decode` and `scpd replay`: the lab commands that read captures. They share the
//! MTP3 point-code variant option.

use super::out::{self, Failure};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use std::time::Duration;

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
pub(super) struct DecodeArgs {
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
    /// SSNs that carry INAP when the AC does not say (like inap.ssn; 241 is INAP's SSN by
    /// Q.713 Annex B, and many CS-1 switches open without a dialogue portion). An SSN also
    /// given to --cap-ssn stays CAP.
    #[arg(long = "inap-ssn", value_delimiter = ',', default_value = "241")]
    inap_ssn: Vec<u8>,
    /// SSNs that carry AIN (ANSI TCAP) when the operation codes do not say.
    #[arg(long = "ain-ssn", value_delimiter = ',')]
    ain_ssn: Vec<u8>,
    /// General SSN → application mapping, repeatable: SSN=camel|map|ain|inap
    /// (e.g. --ssn 146=camel --ssn 6=inap); wins over the specific options.
    #[arg(long = "ssn", value_name = "SSN=APP", value_parser = parse_ssn_app)]
    ssn: Vec<(u8, crate::lab::decode::App)>,
    /// Print counts per operation and errors instead of the JSON lines.
    #[arg(long)]
    summary: bool,
    /// Files to read ('-' or none for standard input).
    files: Vec<String>,
}

fn parse_ssn_app(s: &str) -> Result<(u8, crate::lab::decode::App), String> {
    let (n, app) = s
        .split_once('=')
        .ok_or("expected SSN=APP, e.g. 146=camel")?;
    let n: u8 = n.trim().parse().map_err(|_| format!("bad SSN {n:?}"))?;
    let app = crate::lab::decode::App::parse(app.trim())
        .ok_or_else(|| format!("unknown application {app:?} (camel, map, ain, inap)"))?;
    Ok((n, app))
}

/// `scpd decode`'s exit status when everything read decoded.
const DECODED: u8 = 0;
/// Some messages became error lines, or an input was cut short or held nothing to decode:
/// the output is there but incomplete (the warnings on stderr say where).
const PARTLY: u8 = 3;
/// Not one message decoded: no message found, or every one an error line.
const NOTHING: u8 = 4;

/// Standard output that remembers a reader gone away, so that the decoder's "writing
/// output" error can end the command quietly.
struct Stdout<W> {
    inner: W,
    closed: bool,
}

impl<W: std::io::Write> std::io::Write for Stdout<W> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.inner
            .write(b)
            .inspect_err(|e| self.closed |= out::is_closed(e))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner
            .flush()
            .inspect_err(|e| self.closed |= out::is_closed(e))
    }
}

/// Exit status (see [`DECODED`], [`PARTLY`], [`NOTHING`]; 1 when an input cannot be read,
/// 2 for a usage error).
pub(super) fn cmd_decode(a: DecodeArgs) -> Result<ExitCode, Failure> {
    use crate::lab::decode::{self, HexLayer, InputFormat};
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
        ssn_apps: a
            .inap_ssn
            .iter()
            .filter(|n| !a.cap_ssn.contains(n))
            .map(|&n| (n, decode::App::Inap))
            .chain(a.map_ssn.iter().map(|&n| (n, decode::App::Map)))
            .chain(a.ain_ssn.iter().map(|&n| (n, decode::App::Ain)))
            .chain(a.ssn)
            .collect(),
        cap_ssns: a.cap_ssn,
    };
    let files = if a.files.is_empty() {
        vec!["-".to_string()]
    } else {
        a.files
    };
    let stdout = std::io::stdout();
    let mut out = Stdout {
        inner: std::io::BufWriter::new(stdout.lock()),
        closed: false,
    };
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
        if let Err(e) = decode::decode_input(f, &data, &opts, &mut totals, sink) {
            return Err(if out.closed {
                Failure::StdoutClosed
            } else {
                format!("{f}: {e}").into()
            });
        }
    }
    {
        use std::io::Write;
        if a.summary {
            write!(out, "{}", totals.table()).map_err(out::failure)?;
        }
        out.flush().map_err(out::failure)?;
    }
    for w in &totals.warnings {
        eprintln!("scpd: warning: {w}");
    }
    Ok(ExitCode::from(if totals.messages == totals.errors {
        NOTHING
    } else if totals.errors > 0 || !totals.warnings.is_empty() {
        PARTLY
    } else {
        DECODED
    }))
}

fn mtp3_variant(m: Mtp3) -> crate::lab::capture::Mtp3Variant {
    use crate::lab::capture::Mtp3Variant;
    match m {
        Mtp3::Itu => Mtp3Variant::Itu,
        Mtp3::Ansi => Mtp3Variant::Ansi,
        Mtp3::Chinese => Mtp3Variant::Chinese,
        Mtp3::Japanese => Mtp3Variant::Japanese,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum TimingArg {
    /// Each message as soon as the previous one's answers are in.
    Fast,
    /// Each message at its captured offset from the start of the capture.
    Captured,
}

#[derive(Args)]
pub(super) struct ReplayArgs {
    /// The capture (pcap/pcapng) whose dialogues are played.
    file: std::path::PathBuf,
    /// The SCP's M3UA address: tcp://HOST:PORT, or sctp://HOST[,HOST...]:PORT for kernel SCTP.
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

pub(super) async fn cmd_replay(a: ReplayArgs) -> Result<ExitCode, Failure> {
    use crate::lab::replay::{self, ReplayConfig, Timing};
    let to = crate::config::parse_endpoint(&a.to)?;
    if matches!(to, crate::config::Endpoint::Sctp(_)) {
        crate::transport::sctp::probe().map_err(|e| e.to_string())?;
    }
    let data = std::fs::read(&a.file).map_err(|e| format!("{}: {e}", a.file.display()))?;
    let capture = crate::lab::capture::CaptureOptions {
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
    out::line(serde_json::to_string(&rep).map_err(|e| e.to_string())?)?;
    Ok(if rep.completed == rep.dialogues {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
