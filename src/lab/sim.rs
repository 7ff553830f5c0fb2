//! `scpd sim`: a switch simulator and load generator that plays calls against a running SCP
//! over M3UA/TCP: an MSC (gsmSSF, CAMEL on ITU TCAP) and a wireline SSP (AIN on ANSI TCAP,
//! [`super::sim_ain`]).
//!
//! A CAMEL call opens with InitialDP; if the SCP arms events, the simulator reports answer
//! (notification) at once and disconnect (request) after the hold time, like a real MSC, and
//! expects the SCP to close the dialogue. An AIN call does the same with Info_Analyzed /
//! Termination_Attempt and O_/T_Answer (EDP-N), O_/T_Disconnect (EDP-R).
//!
//! As a load generator it starts calls at a target rate ([`LoadConfig::rate`]) within a
//! concurrency window for a number of calls or a duration, in a mix of protocols and
//! directions; it checks every answer's transaction ids, counts the outcomes, prints progress
//! once a second, and measures the SCP's answer latency in HDR histograms (microseconds,
//! 3 significant digits) so the percentiles stay exact at any call count.
//!
//! The load generator must outrun the SCP it measures, on the same machine: one thread with
//! a single-threaded runtime reads and writes the association at the same time (neither
//! side's full socket buffers can stall the other), reads 64 KiB at a time and handles every
//! message of a read before the next, encodes whatever is due into one buffer and writes it
//! in one call, and when the SCP is the bottleneck reads at most once a millisecond so that
//! answers come in batches.

use super::sim_ain::{self, AinAnswer, AinParties, Outcome};
use crate::camel::{
    ac, numbers::nature, opcode, AddressString, CellIdOrLai, EventReportBcsmArg, EventSpecificInfo,
    EventTypeBcsm, InitialDpArg, IsupNumber, LegType, LocationInformation, Plmn,
    RequestReportBcsmEventArg,
};
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::sccp::{self, Address, Unitdata, Variant};
use crate::tcap::ansi::PackageType;
use crate::tcap::itu::{self, Component, DialogueOut, MessageType, TcMessage};
use crate::transport::tcp::FrameReader;
use hdrhistogram::Histogram;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What to play.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub to: std::net::SocketAddr,
    pub calls: u32,
    pub concurrency: u32,
    /// Calling party (originating) — the served subscriber of an O-CSI trigger.
    pub calling: String,
    pub called: String,
    pub imsi: String,
    pub terminating: bool,
    /// Point codes and SSN.
    pub opc: u32,
    pub dpc: u32,
    pub ssn: u8,
    pub routing_context: Option<u32>,
    pub service_key: u32,
    /// How long a monitored call is "connected" before disconnect is reported.
    pub hold: Duration,
    pub timeout: Duration,
}

/// Which protocol the calls play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SimProtocol {
    /// CAMEL (an MSC).
    #[default]
    Camel,
    /// AIN 0.2 (a wireline SSP).
    Ain,
    /// Both, alternating over the same association (the SCP serves CAP and AIN on their own
    /// SSNs; SCCP must then be the variant the SCP runs, ANSI for AIN).
    Mix,
}

/// Load-generator options on top of [`SimConfig`] (kept separate so that [`SimConfig`]
/// literals stay valid).
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub protocol: SimProtocol,
    /// Relative weights of originating and terminating calls; `(0, 0)` follows
    /// [`SimConfig::terminating`]. Calls of each kind are spread evenly (weighted
    /// round robin), not randomly, so runs are reproducible.
    pub mix: (u32, u32),
    /// Calls started per second; `None`: as fast as the concurrency window allows.
    pub rate: Option<f64>,
    /// Stop starting calls after this long (calls in progress are finished).
    pub duration: Option<Duration>,
    /// Vary the served number over this many consecutive numbers (one step per round of
    /// the mix, so every kind of call meets each number), so that some of them can be
    /// enrolled as monitored subscribers.
    pub numbers: u32,
    /// SCCP variant; `None`: ITU for CAMEL, ANSI (24-bit point codes) for AIN and mix.
    pub sccp: Option<Variant>,
    /// The AIN subsystem (both sides).
    pub ain_ssn: u8,
    /// Calling and called numbers of AIN calls (the served one is the line's 10-digit DN).
    pub ain_calling: String,
    pub ain_called: String,
    /// Print progress on stderr once a second.
    pub progress: bool,
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            protocol: SimProtocol::Camel,
            mix: (0, 0),
            rate: None,
            duration: None,
            numbers: 1,
            sccp: None,
            ain_ssn: 247,
            ain_calling: "2015550100".into(),
            ain_called: "2015550199".into(),
            progress: false,
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: u64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Percentiles {
        Percentiles {
            count: h.len(),
            p50: h.value_at_quantile(0.5),
            p90: h.value_at_quantile(0.9),
            p99: h.value_at_quantile(0.99),
            max: h.max(),
            mean: h.mean().round() as u64,
        }
    }
}

/// The outcome counts, printed as JSON by the CLI.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SimReport {
    /// Calls started.
    pub calls: u32,
    /// Answered with Continue (CAMEL) or Continue / Authorize_Termination (AIN).
    pub continued: u32,
    /// Events armed: the call was monitored through answer and disconnect.
    pub monitored: u32,
    /// Connect (CAMEL), Analyze_Route / Forward_Call (AIN).
    pub connected: u32,
    /// ReleaseCall (CAMEL), Disconnect (AIN).
    pub released: u32,
    /// Calls whose dialogue ended as expected.
    pub completed: u32,
    pub errors: u32,
    /// Calls that got no answer within the timeout (also counted in `errors`).
    pub timeouts: u32,
    pub error_samples: Vec<String>,
    pub originating: u32,
    pub terminating: u32,
    pub camel: u32,
    pub ain: u32,
    pub elapsed_ms: u64,
    /// Completed calls per second over the run.
    pub throughput_cps: f64,
    /// The target rate, when one was given.
    pub rate_target: Option<f64>,
    /// First answer: from the trigger (InitialDP, Info_Analyzed, Termination_Attempt) to the
    /// SCP's first package for the call.
    pub latency_us: Percentiles,
    /// From the disconnect report (an EDP-R) to the SCP's closing package.
    pub end_latency_us: Percentiles,
    pub first_answer_p50_us: u64,
    pub first_answer_max_us: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Camel,
    Ain,
}

#[derive(Debug)]
enum Phase {
    WaitFirst,
    Held,
    WaitEnd,
}

/// One call in progress, keyed by our transaction id.
struct CallState {
    proto: Proto,
    terminating: bool,
    /// Index of the call (its served number).
    n: u32,
    /// When the request we await an answer to was sent.
    sent: Instant,
    phase: Phase,
    /// The SCP's transaction id (1 to 4 octets in ITU TCAP, 4 in ANSI).
    scp_tid: ([u8; 4], u8),
}

impl CallState {
    fn scp_tid(&self) -> &[u8] {
        &self.scp_tid.0[..usize::from(self.scp_tid.1)]
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("connect {0}: {1}")]
    Connect(std::net::SocketAddr, std::io::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("M3UA: {0}")]
    M3ua(String),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("{0}")]
    Config(String),
}

/// An active M3UA association over TCP, as the switch side (ASP) sees it.
pub(crate) struct Conn {
    pub(crate) wr: tokio::net::tcp::OwnedWriteHalf,
    pub(crate) rd: FrameReader<tokio::net::tcp::OwnedReadHalf>,
}

impl Conn {
    async fn send(&mut self, b: &[u8]) -> Result<(), SimError> {
        self.wr.write_all(b).await?;
        Ok(())
    }
    /// Next message, skipping nothing; errors on timeout.
    async fn recv(&mut self, timeout: Duration, what: &'static str) -> Result<Vec<u8>, SimError> {
        match tokio::time::timeout(timeout, self.rd.next()).await {
            Ok(Ok(Some(m))) => Ok(m.to_vec()),
            Ok(Ok(None)) => Err(closed()),
            Ok(Err(e)) => Err(SimError::M3ua(e.to_string())),
            Err(_) => Err(SimError::Timeout(what)),
        }
    }
    /// Wait for a message of `kind`, skipping NTFY; ERR fails.
    async fn expect(&mut self, kind: Kind, timeout: Duration) -> Result<(), SimError> {
        loop {
            let m = self.recv(timeout, kind.name()).await?;
            if is_ack(&m, kind)? {
                return Ok(());
            }
        }
    }
}

fn closed() -> SimError {
    SimError::M3ua("SCP closed the association".into())
}

/// Whether `m` is the `kind` we wait for during ASP activation: `false` for a NTFY (to be
/// skipped), an error for anything else.
fn is_ack(m: &[u8], kind: Kind) -> Result<bool, SimError> {
    let msg = Message::parse(m).map_err(|e| SimError::M3ua(e.to_string()))?;
    match msg.kind() {
        Some(k) if k == kind => Ok(true),
        Some(Kind::Ntfy) => Ok(false),
        other => Err(SimError::M3ua(format!(
            "expected {}, got {other:?} (error code {:?})",
            kind.name(),
            msg.error_code().ok().flatten()
        ))),
    }
}

/// ASPUP, and ASPAC in override mode with `rc` if given (RFC 4666 §4.3.4.1–3).
fn asp_up_msg(b: &mut Vec<u8>) {
    Builder::new(b, Kind::AspUp).finish();
}

fn asp_ac_msg(b: &mut Vec<u8>, rc: Option<u32>) {
    let mut ac = Builder::new(b, Kind::AspAc).param_u32(m3ua::codec::tag::TRAFFIC_MODE_TYPE, 1);
    if let Some(rc) = rc {
        ac = ac.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    ac.finish();
}

async fn tcp_connect(to: std::net::SocketAddr) -> Result<TcpStream, SimError> {
    let s = TcpStream::connect(to)
        .await
        .map_err(|e| SimError::Connect(to, e))?;
    s.set_nodelay(true)?;
    Ok(s)
}

/// Connect to `to` and bring our ASP up and active (override mode, with `rc` if given):
/// ASPUP → ASPUP_ACK, ASPAC → ASPAC_ACK (RFC 4666 §4.3.4.1–3); NTFYs in between are skipped.
pub(crate) async fn asp_up(
    to: std::net::SocketAddr,
    rc: Option<u32>,
    timeout: Duration,
) -> Result<Conn, SimError> {
    let (rd, wr) = tcp_connect(to).await?.into_split();
    let mut c = Conn {
        wr,
        rd: FrameReader::new(rd),
    };
    let mut b = Vec::new();
    asp_up_msg(&mut b);
    c.send(&b).await?;
    c.expect(Kind::AspUpAck, timeout).await?;
    b.clear();
    asp_ac_msg(&mut b, rc);
    c.send(&b).await?;
    c.expect(Kind::AspAcAck, timeout).await?;
    Ok(c)
}

/// While saturated (see [`Engine::saturated`]), read at most this often.
const PACE: Duration = Duration::from_millis(1);
/// ... and only with at least this many calls in flight.
const PACE_MIN_CALLS: u32 = 64;

/// How much the load generator asks of each read.
const READ_CHUNK: usize = 64 * 1024;

/// The receive side of the load generator: the byte stream read in large chunks, every
/// complete M3UA message of a chunk handled before the next read.
struct Inbox {
    buf: Vec<u8>,
    /// Unhandled bytes: `buf[start..end]`.
    start: usize,
    end: usize,
}

impl Inbox {
    fn new() -> Inbox {
        Inbox {
            buf: vec![0; 2 * READ_CHUNK],
            start: 0,
            end: 0,
        }
    }

    /// The next complete message in the buffer, if any; an impossible length is an error
    /// (framing cannot be recovered).
    fn next(&mut self) -> Result<Option<&[u8]>, SimError> {
        let avail = &self.buf[self.start..self.end];
        match m3ua::codec::frame_len(avail) {
            Ok(Some(len)) if avail.len() >= len => {
                let at = self.start;
                self.start += len;
                Ok(Some(&self.buf[at..at + len]))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(SimError::M3ua(format!("framing lost: {e}"))),
        }
    }

    /// Where the next read goes: the partial message left (at most one, short) moved to the
    /// front, and at least a chunk of room after it.
    fn room(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < READ_CHUNK {
            self.buf.resize(self.end + READ_CHUNK, 0);
        }
        &mut self.buf[self.end..]
    }

    fn filled(&mut self, n: usize) {
        self.end += n;
    }

    /// Read once into the buffer; `false` at the end of the stream.
    async fn read(&mut self, rd: &mut (impl AsyncRead + Unpin)) -> Result<bool, SimError> {
        let n = rd.read(self.room()).await?;
        self.filled(n);
        Ok(n > 0)
    }
}

/// ASP activation for the load generator, on its own reader: ASPUP → ASPUP_ACK,
/// ASPAC → ASPAC_ACK, NTFYs skipped; whatever follows stays in `inbox`.
async fn activate(
    rd: &mut tokio::net::tcp::OwnedReadHalf,
    wr: &mut tokio::net::tcp::OwnedWriteHalf,
    inbox: &mut Inbox,
    rc: Option<u32>,
    timeout: Duration,
) -> Result<(), SimError> {
    let mut b = Vec::new();
    for kind in [Kind::AspUpAck, Kind::AspAcAck] {
        b.clear();
        if kind == Kind::AspUpAck {
            asp_up_msg(&mut b);
        } else {
            asp_ac_msg(&mut b, rc);
        }
        wr.write_all(&b).await?;
        let deadline = tokio::time::Instant::now() + timeout;
        'ack: loop {
            while let Some(m) = inbox.next()? {
                if is_ack(m, kind)? {
                    break 'ack;
                }
            }
            match tokio::time::timeout_at(deadline, inbox.read(rd)).await {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return Err(closed()),
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(SimError::Timeout(kind.name())),
            }
        }
    }
    Ok(())
}

/// The M3UA DATA carrying `tcap` in a UDT from our subsystem `ssn` to the SCP's, in the
/// SCCP `variant` (ANSI addresses carry the national indicator, T1.112 §3.4.2.3).
fn wrap(cfg: &SimConfig, variant: Variant, ssn: u8, tcap: &[u8], sls: u8, out: &mut Vec<u8>) {
    let national = variant == Variant::Ansi;
    let msc = Address {
        national,
        ..Address::ssn_pc(cfg.opc, ssn)
    };
    let scp = Address {
        national,
        ..Address::ssn_pc(cfg.dpc, ssn)
    };
    let mut udt = Vec::with_capacity(tcap.len() + 16);
    if variant == Variant::Itu {
        sccp::encode_udt(&mut udt, 0x81, &scp, &msc, tcap);
    } else if let Err(e) = Unitdata::udt(0x81, scp, msc, tcap).encode(&mut udt, variant) {
        // Point codes are checked against the variant when the run starts.
        tracing::error!("SCCP encode: {e}");
        return;
    }
    let mut b = Builder::new(out, Kind::Data);
    if let Some(rc) = cfg.routing_context {
        b = b.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&ProtocolData {
        opc: cfg.opc,
        dpc: cfg.dpc,
        si: 3,
        ni: 2,
        mp: 0,
        sls,
        data: &udt,
    })
    .finish();
}

/// Encode the TC-BEGIN with InitialDP for a call of `cfg` (its numbers and direction).
pub fn initial_dp_begin(cfg: &SimConfig, otid: &[u8], out: &mut Vec<u8>) {
    initial_dp(cfg, &cfg.calling, &cfg.called, cfg.terminating, otid, out)
}

/// The TC-BEGIN with InitialDP: O-CSI collectedInfo (event 2) with the dialled
/// calledPartyBCDNumber, or T-CSI termAttemptAuthorized (12) with calledPartyNumber
/// (3GPP TS 29.078 §6.1.1.1 InitialDPArg).
fn initial_dp(
    cfg: &SimConfig,
    calling: &str,
    called: &str,
    terminating: bool,
    otid: &[u8],
    out: &mut Vec<u8>,
) {
    let parse_isup = |s: &str| s.parse().unwrap_or_default();
    let mut idp = InitialDpArg {
        service_key: cfg.service_key,
        calling_party_number: Some(IsupNumber {
            screening: 3,
            ..IsupNumber::e164(nature::INTERNATIONAL, parse_isup(calling))
        }),
        calling_partys_category: Some(0x0a),
        imsi: cfg.imsi.parse().ok(),
        msc_address: Some(AddressString::international(
            "491720000000".parse().unwrap_or_default(),
        )),
        location_information: Some(LocationInformation {
            age_of_location_information: Some(0),
            vlr_number: Some(AddressString::international(
                "491720000001".parse().unwrap_or_default(),
            )),
            cell_id_or_lai: Some(CellIdOrLai::CellId {
                plmn: Plmn {
                    mcc: 262,
                    mnc: 1,
                    mnc_3_digits: false,
                },
                lac: 0x1234,
                ci: 0x5678,
            }),
            ..Default::default()
        }),
        call_reference_number: Some(otid),
        ..Default::default()
    };
    if terminating {
        idp.event_type_bcsm = Some(EventTypeBcsm(12));
        idp.called_party_number = Some(IsupNumber::e164(nature::INTERNATIONAL, parse_isup(called)));
    } else {
        idp.event_type_bcsm = Some(EventTypeBcsm(2));
        idp.called_party_bcd_number = Some(AddressString::international(
            called.parse().unwrap_or_default(),
        ));
    }
    itu::encode(
        out,
        MessageType::Begin,
        Some(otid),
        None,
        Some(DialogueOut::Aarq {
            ac: ac::CAP_V2_GSMSSF_TO_GSMSCF,
        }),
        |w| itu::invoke(w, 1, opcode::INITIAL_DP, |w| idp.encode(w)),
    );
}

fn report(
    event: u8,
    leg: LegType,
    notification: bool,
    cause: Option<u8>,
    invoke_id: i8,
    w: &mut crate::ber::Writer<'_>,
) {
    let mut er = EventReportBcsmArg::new(EventTypeBcsm(event), leg);
    er.misc_call_info = Some(if notification {
        crate::camel::ops::MiscCallInfo::NOTIFICATION
    } else {
        crate::camel::ops::MiscCallInfo::REQUEST
    });
    let cause_bytes;
    if let Some(c) = cause {
        cause_bytes = crate::camel::Cause::new(0, c).to_vec();
        let c = crate::camel::Cause::decode(&cause_bytes, 0).expect("encoded above");
        er.event_specific_information = Some(if event == 9 {
            EventSpecificInfo::ODisconnect {
                release_cause: Some(c),
            }
        } else {
            EventSpecificInfo::TDisconnect {
                release_cause: Some(c),
            }
        });
    }
    itu::invoke(w, invoke_id, opcode::EVENT_REPORT_BCSM, |w| er.encode(w));
}

/// Our transaction ids: call `i` uses `TID_BASE + i` (4 octets, CAMEL and AIN alike).
const TID_BASE: u32 = 0x5100_0000;

/// Add `k` to the number `base` keeping its length (wrapping), for [`LoadConfig::numbers`].
fn vary(base: &str, k: u32) -> String {
    let mut b = base.as_bytes().to_vec();
    let mut carry = u64::from(k);
    for d in b.iter_mut().rev() {
        if carry == 0 || !d.is_ascii_digit() {
            break;
        }
        let v = u64::from(*d - b'0') + carry;
        *d = b'0' + (v % 10) as u8;
        carry = v / 10;
    }
    String::from_utf8(b).unwrap_or_else(|_| base.to_string())
}

/// Play the calls of `cfg` (CAMEL, `cfg.calls` of them, `cfg.concurrency` at once); errors
/// are counted in the report, not fatal.
pub async fn run(cfg: SimConfig) -> Result<SimReport, SimError> {
    run_load(cfg, LoadConfig::default()).await
}

/// Play calls as a load generator: see [`LoadConfig`]. With a duration, calls stop
/// starting when it is over or when `cfg.calls` have started, whichever comes first.
pub async fn run_load(cfg: SimConfig, load: LoadConfig) -> Result<SimReport, SimError> {
    let variant = load.sccp.unwrap_or(match load.protocol {
        SimProtocol::Camel => Variant::Itu,
        SimProtocol::Ain | SimProtocol::Mix => Variant::Ansi,
    });
    let pc_max = if variant == Variant::Itu {
        0x3fff
    } else {
        0xff_ffff
    };
    for (what, pc) in [("opc", cfg.opc), ("dpc", cfg.dpc)] {
        if pc > pc_max {
            return Err(SimError::Config(format!(
                "{what} {pc} does not fit the {variant:?} SCCP point code"
            )));
        }
    }
    let eng = Engine::new(cfg, load, variant)?;
    // On a thread of its own with a single-threaded runtime: the thread that waits for the
    // socket is the one that handles it (no hand-over between threads on each event), and
    // the loop may pause the thread to let answers gather (see `play`). Dropping this future
    // drops `_cancel`, which stops the loop.
    let (_cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(play(eng, cancelled))
    });
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(SimError::M3ua(format!("load generator task: {e}"))),
    }
}

/// The load generator's one task: it writes and reads at the same time, so that neither
/// side's socket buffers filling up can stall the other. Each turn starts the calls and
/// disconnects that are due, encoding them all into one buffer, then waits for whichever
/// comes first: the socket taking (part of) what is pending, a chunk to read (every message
/// in it handled before the next read), or the next timer.
async fn play(
    mut eng: Engine,
    mut cancelled: tokio::sync::oneshot::Receiver<()>,
) -> Result<SimReport, SimError> {
    let (mut rd, mut wr) = tcp_connect(eng.cfg.to).await?.into_split();
    let mut inbox = Inbox::new();
    activate(
        &mut rd,
        &mut wr,
        &mut inbox,
        eng.cfg.routing_context,
        eng.cfg.timeout,
    )
    .await?;
    // Messages that came right behind ASPAC_ACK.
    eng.drain(&mut inbox, Instant::now())?;
    // eng.out[..written] has been written.
    let mut written = 0;
    let sweep_every =
        (eng.cfg.timeout / 4).clamp(Duration::from_millis(10), Duration::from_millis(100));
    let mut next_sweep = Instant::now() + sweep_every;
    let mut next_progress = eng.start + Duration::from_secs(1);
    let timer = tokio::time::sleep_until(tokio::time::Instant::from_std(next_sweep));
    tokio::pin!(timer);
    let mut last_read = Instant::now();
    loop {
        let now = Instant::now();
        eng.start_due(now);
        eng.disconnect_due(now);
        if now >= next_sweep {
            eng.sweep(now);
            next_sweep = now + sweep_every;
        }
        if eng.load.progress && now >= next_progress {
            eng.progress(now);
            next_progress += Duration::from_secs(1);
        }
        let pending = written < eng.out.len();
        if !pending && eng.calls.is_empty() && !eng.may_start(now) {
            break;
        }
        let mut wake = next_sweep;
        if eng.load.progress {
            wake = wake.min(next_progress);
        }
        if let Some(d) = eng.next_start(now) {
            wake = wake.min(d);
        }
        if let Some((d, _)) = eng.held.front() {
            wake = wake.min(*d);
        }
        // Saturated (the window is full of calls waiting on the SCP): nothing is gained by
        // reading each answer the moment it comes, and a wake-up per answer would cost the
        // sim more CPU than all its encoding and decoding. Reading at most every PACE lets
        // answers gather into one read and their replies into one write. The thread
        // sleeps rather than waits in the runtime, which would wake it at every segment
        // that arrives; nothing else runs on it. (First-answer latencies measured while
        // saturated, queueing at the SCP, include up to PACE of this.)
        if !pending && eng.saturated(now) && now < last_read + PACE {
            std::thread::sleep(wake.min(last_read + PACE).saturating_duration_since(now));
            continue;
        }
        let wake = tokio::time::Instant::from_std(wake);
        if timer.deadline() != wake {
            timer.as_mut().reset(wake);
        }
        tokio::select! {
            biased;
            // A partial write is cancel-safe: what it took is counted, the rest stays.
            r = wr.write(&eng.out[written..]), if pending => {
                written += r?;
                if written == eng.out.len() {
                    eng.out.clear();
                    written = 0;
                } else if written >= READ_CHUNK && written * 2 >= eng.out.len() {
                    eng.out.drain(..written);
                    written = 0;
                }
            }
            r = inbox.read(&mut rd) => {
                if !r? {
                    return Err(closed());
                }
                last_read = Instant::now();
                eng.drain(&mut inbox, last_read)?;
            }
            () = &mut timer => {}
            _ = &mut cancelled => return Err(SimError::M3ua("cancelled".into())),
        }
    }
    Ok(eng.finish())
}

struct Engine {
    cfg: SimConfig,
    load: LoadConfig,
    variant: Variant,
    /// Weights of originating and terminating calls.
    mix: (u32, u32),
    start: Instant,
    started: u32,
    calls: HashMap<u32, CallState>,
    /// Monitored calls held answered, in the order their disconnect comes due.
    held: VecDeque<(Instant, u32)>,
    rep: SimReport,
    first: Histogram<u64>,
    end: Histogram<u64>,
    out: Vec<u8>,
    tcap: Vec<u8>,
}

fn histogram() -> Histogram<u64> {
    // 1 µs .. 1 h, 3 significant digits (HdrHistogram's usual setting for latencies).
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

impl Engine {
    fn new(cfg: SimConfig, load: LoadConfig, variant: Variant) -> Result<Engine, SimError> {
        let mix = if load.mix == (0, 0) {
            if cfg.terminating {
                (0, 1)
            } else {
                (1, 0)
            }
        } else {
            load.mix
        };
        if load.protocol != SimProtocol::Camel {
            // Fail at once on numbers a UserID cannot carry, not once per call.
            for term in [false, true] {
                let used = if term { mix.1 } else { mix.0 };
                if used > 0 {
                    AinParties::new(&load.ain_calling, &load.ain_called, term)
                        .map_err(SimError::Config)?;
                }
            }
        }
        Ok(Engine {
            rep: SimReport {
                rate_target: load.rate,
                ..Default::default()
            },
            cfg,
            load,
            variant,
            mix,
            start: Instant::now(),
            started: 0,
            calls: HashMap::new(),
            held: VecDeque::new(),
            first: histogram(),
            end: histogram(),
            out: Vec::with_capacity(16 * 1024),
            tcap: Vec::with_capacity(512),
        })
    }

    /// Whether more calls may start (count and duration).
    fn may_start(&self, now: Instant) -> bool {
        self.started < self.cfg.calls
            && self
                .load
                .duration
                .is_none_or(|d| now.duration_since(self.start) < d)
    }

    /// Whether the window is full of calls waiting on the SCP (as it is when the SCP is the
    /// bottleneck), with enough of them that pacing reads costs no throughput.
    fn saturated(&self, now: Instant) -> bool {
        let n = self.calls.len() as u32;
        n >= PACE_MIN_CALLS && n >= self.cfg.concurrency && self.may_start(now)
    }

    /// When the next call is due, if the window has room for it.
    fn next_start(&self, now: Instant) -> Option<Instant> {
        if !self.may_start(now) || self.calls.len() as u32 >= self.cfg.concurrency {
            return None;
        }
        Some(match self.load.rate {
            Some(r) if r > 0.0 => self.start + Duration::from_secs_f64(f64::from(self.started) / r),
            _ => now,
        })
    }

    fn start_due(&mut self, now: Instant) {
        while self.next_start(now).is_some_and(|d| d <= now) {
            let i = self.started;
            self.started += 1;
            if let Err(e) = self.start_call(i, now) {
                self.error(e);
            }
        }
    }

    /// The protocol and direction of call `i`: weighted round robin over the mix; in a
    /// protocol mix, each round of the direction mix alternates CAMEL and AIN.
    fn kind_of(&self, i: u32) -> (Proto, bool) {
        let total = (self.mix.0 + self.mix.1).max(1);
        let terminating = i % total >= self.mix.0;
        let proto = match self.load.protocol {
            SimProtocol::Camel => Proto::Camel,
            SimProtocol::Ain => Proto::Ain,
            SimProtocol::Mix if (i / total).is_multiple_of(2) => Proto::Camel,
            SimProtocol::Mix => Proto::Ain,
        };
        (proto, terminating)
    }

    /// The calling and called numbers of call `i`: the served one varied.
    fn numbers(&self, i: u32, proto: Proto, terminating: bool) -> (String, String) {
        let (calling, called) = match proto {
            Proto::Camel => (&self.cfg.calling, &self.cfg.called),
            Proto::Ain => (&self.load.ain_calling, &self.load.ain_called),
        };
        // One step per round of the mix, so every kind of call meets every number.
        let round = (self.mix.0 + self.mix.1).max(1)
            * if self.load.protocol == SimProtocol::Mix {
                2
            } else {
                1
            };
        let k = (i / round) % self.load.numbers.max(1);
        if terminating {
            (calling.clone(), vary(called, k))
        } else {
            (vary(calling, k), called.clone())
        }
    }

    fn ain_parties(&self, n: u32, terminating: bool) -> Result<AinParties, String> {
        let (calling, called) = self.numbers(n, Proto::Ain, terminating);
        AinParties::new(&calling, &called, terminating)
    }

    fn start_call(&mut self, i: u32, now: Instant) -> Result<(), String> {
        let (proto, terminating) = self.kind_of(i);
        let tid = TID_BASE.wrapping_add(i);
        self.tcap.clear();
        let ssn = match proto {
            Proto::Camel => {
                let (calling, called) = self.numbers(i, proto, terminating);
                initial_dp(
                    &self.cfg,
                    &calling,
                    &called,
                    terminating,
                    &tid.to_be_bytes(),
                    &mut self.tcap,
                );
                self.rep.camel += 1;
                self.cfg.ssn
            }
            Proto::Ain => {
                let p = self.ain_parties(i, terminating)?;
                sim_ain::package(
                    &mut self.tcap,
                    PackageType::QueryWithPermission,
                    tid.to_be_bytes(),
                    None,
                    &sim_ain::trigger(&p, terminating),
                )?;
                self.rep.ain += 1;
                self.load.ain_ssn
            }
        };
        if terminating {
            self.rep.terminating += 1;
        } else {
            self.rep.originating += 1;
        }
        wrap(
            &self.cfg,
            self.variant,
            ssn,
            &self.tcap,
            (i % 16) as u8,
            &mut self.out,
        );
        self.calls.insert(
            tid,
            CallState {
                proto,
                terminating,
                n: i,
                sent: now,
                phase: Phase::WaitFirst,
                scp_tid: ([0; 4], 0),
            },
        );
        Ok(())
    }

    /// Report the disconnect of held calls whose hold time is over.
    fn disconnect_due(&mut self, now: Instant) {
        while let Some(&(due, tid)) = self.held.front() {
            if due > now {
                break;
            }
            self.held.pop_front();
            if let Err(e) = self.disconnect(tid, now) {
                self.error(e);
            }
        }
    }

    fn disconnect(&mut self, tid: u32, now: Instant) -> Result<(), String> {
        let Some(st) = self.calls.get(&tid) else {
            return Ok(());
        };
        self.tcap.clear();
        let ssn = match st.proto {
            Proto::Camel => {
                let disc_ev = if st.terminating { 17 } else { 9 };
                itu::encode(
                    &mut self.tcap,
                    MessageType::Continue,
                    Some(&tid.to_be_bytes()),
                    Some(st.scp_tid()),
                    None,
                    |w| report(disc_ev, LegType::LEG1, false, Some(16), 2, w),
                );
                self.cfg.ssn
            }
            Proto::Ain => {
                let p = self.ain_parties(st.n, st.terminating)?;
                let scp = st.scp_tid.0;
                sim_ain::package(
                    &mut self.tcap,
                    PackageType::ConversationWithPermission,
                    tid.to_be_bytes(),
                    Some(scp),
                    &sim_ain::event(&p, st.terminating, false),
                )?;
                self.load.ain_ssn
            }
        };
        wrap(
            &self.cfg,
            self.variant,
            ssn,
            &self.tcap,
            (tid % 16) as u8,
            &mut self.out,
        );
        if let Some(st) = self.calls.get_mut(&tid) {
            st.phase = Phase::WaitEnd;
            st.sent = now;
        }
        Ok(())
    }

    /// Calls that waited longer than the timeout for an answer are errors.
    fn sweep(&mut self, now: Instant) {
        let timeout = self.cfg.timeout;
        let before = self.calls.len();
        self.calls.retain(|_, st| {
            matches!(st.phase, Phase::Held) || now.duration_since(st.sent) < timeout
        });
        let lost = (before - self.calls.len()) as u32;
        if lost > 0 {
            self.rep.timeouts += lost;
            self.error(format!(
                "{lost} call(s) got no answer within {} ms",
                timeout.as_millis()
            ));
            self.rep.errors += lost - 1;
        }
    }

    fn error(&mut self, e: String) {
        self.rep.errors += 1;
        if self.rep.error_samples.len() < 10 {
            self.rep.error_samples.push(e);
        }
    }

    fn progress(&self, now: Instant) {
        let secs = now.duration_since(self.start).as_secs_f64();
        eprintln!(
            "sim {secs:6.1}s started {} completed {} active {} monitored {} errors {} | {:.1} calls/s | first answer p50 {} us p99 {} us",
            self.started,
            self.rep.completed,
            self.calls.len(),
            self.rep.monitored,
            self.rep.errors,
            f64::from(self.rep.completed) / secs.max(1e-9),
            self.first.value_at_quantile(0.5),
            self.first.value_at_quantile(0.99),
        );
    }

    fn finish(mut self) -> SimReport {
        let elapsed = self.start.elapsed();
        self.rep.calls = self.started;
        self.rep.elapsed_ms = elapsed.as_millis() as u64;
        self.rep.throughput_cps =
            (f64::from(self.rep.completed) / elapsed.as_secs_f64().max(1e-9) * 10.0).round() / 10.0;
        self.rep.latency_us = Percentiles::of(&self.first);
        self.rep.end_latency_us = Percentiles::of(&self.end);
        self.rep.first_answer_p50_us = self.rep.latency_us.p50;
        self.rep.first_answer_max_us = self.rep.latency_us.max;
        self.rep
    }

    /// Handle every complete message `inbox` holds, received at `now`.
    fn drain(&mut self, inbox: &mut Inbox, now: Instant) -> Result<(), SimError> {
        while let Some(m) = inbox.next()? {
            if let Err(e) = self.on_message(m, now) {
                self.error(e);
            }
        }
        Ok(())
    }

    /// Record the latency of an answer received at `now` to a request sent at `sent`.
    fn latency(&mut self, first: bool, sent: Instant, now: Instant) {
        let us = now.duration_since(sent).as_micros().max(1) as u64;
        if first {
            self.first.saturating_record(us);
        } else {
            self.end.saturating_record(us);
        }
    }

    fn on_message(&mut self, m: &[u8], now: Instant) -> Result<(), String> {
        let msg = Message::parse(m).map_err(|e| format!("M3UA: {e}"))?;
        match msg.kind() {
            Some(Kind::Data) => {}
            Some(Kind::Ntfy) | Some(Kind::BeatAck) => return Ok(()),
            Some(Kind::Err) => return Err(format!("M3UA ERR {:?}", msg.error_code())),
            other => return Err(format!("unexpected M3UA {other:?}")),
        }
        let pd = msg.protocol_data().map_err(|e| e.to_string())?;
        if (pd.opc, pd.dpc) != (self.cfg.dpc, self.cfg.opc) {
            return Err(format!("routing label {}→{} not swapped", pd.opc, pd.dpc));
        }
        let u =
            Unitdata::decode_variant(pd.data, self.variant).map_err(|e| format!("SCCP: {e}"))?;
        if u.is_service() {
            return Err(format!("SCCP {} cause {:?}", u.type_name(), u.return_cause));
        }
        // ANSI TCAP packages are private-class (E1–F6), ITU messages application-class.
        if u.data.first().is_some_and(|b| b & 0xc0 == 0xc0) {
            self.on_ain(u.data, now)
        } else {
            self.on_camel(u.data, now)
        }
    }

    fn on_ain(&mut self, tcap: &[u8], now: Instant) -> Result<(), String> {
        let calls = &self.calls;
        let (tid, ans) = sim_ain::answer(tcap, |t| calls.get(&t).map(|c| c.terminating))?;
        let Some(st) = self.calls.get_mut(&tid) else {
            return Err(format!("AIN answer for unknown transaction {tid:#x}"));
        };
        let (sent, n, terminating) = (st.sent, st.n, st.terminating);
        match (&st.phase, ans) {
            (Phase::WaitFirst, AinAnswer::Done(o)) => {
                self.calls.remove(&tid);
                self.latency(true, sent, now);
                match o {
                    Outcome::Continued => self.rep.continued += 1,
                    Outcome::Connected => self.rep.connected += 1,
                    Outcome::Released => self.rep.released += 1,
                }
                self.rep.completed += 1;
            }
            (Phase::WaitFirst, AinAnswer::Monitored { scp }) => {
                st.phase = Phase::Held;
                st.scp_tid = (scp, 4);
                self.latency(true, sent, now);
                self.rep.monitored += 1;
                // Answered: an EDP-N, in a conversation that keeps the SCP from ending the
                // transaction (it has nothing to say to a notification).
                let p = self.ain_parties(n, terminating)?;
                self.tcap.clear();
                sim_ain::package(
                    &mut self.tcap,
                    PackageType::ConversationWithoutPermission,
                    tid.to_be_bytes(),
                    Some(scp),
                    &sim_ain::event(&p, terminating, true),
                )?;
                wrap(
                    &self.cfg,
                    self.variant,
                    self.load.ain_ssn,
                    &self.tcap,
                    (tid % 16) as u8,
                    &mut self.out,
                );
                self.held.push_back((now + self.cfg.hold, tid));
            }
            (Phase::WaitEnd, AinAnswer::Done(Outcome::Continued | Outcome::Released)) => {
                self.calls.remove(&tid);
                self.latency(false, sent, now);
                self.rep.completed += 1;
            }
            (phase, ans) => {
                let e = format!("unexpected AIN {ans:?} while {phase:?}");
                self.calls.remove(&tid);
                return Err(e);
            }
        }
        Ok(())
    }

    fn on_camel(&mut self, tcap: &[u8], now: Instant) -> Result<(), String> {
        let tc = TcMessage::decode(tcap).map_err(|e| format!("TCAP: {e}"))?;
        let dtid = tc
            .dtid
            .and_then(|d| <[u8; 4]>::try_from(d).ok())
            .map(u32::from_be_bytes)
            .ok_or("answer without a 4-octet dtid")?;
        let Some(st) = self.calls.get_mut(&dtid) else {
            return Err(format!("answer for unknown dtid {dtid:#x}"));
        };
        let (sent, terminating) = (st.sent, st.terminating);
        let mut cont = false;
        let mut connect = false;
        let mut release = false;
        let mut rr = None;
        for c in tc.components() {
            if let Ok(Component::Invoke {
                opcode, parameter, ..
            }) = c
            {
                match opcode {
                    opcode::CONTINUE => cont = true,
                    opcode::CONNECT => connect = true,
                    opcode::RELEASE_CALL => release = true,
                    opcode::REQUEST_REPORT_BCSM_EVENT => rr = parameter,
                    _ => {}
                }
            }
        }
        match (&st.phase, tc.kind) {
            (Phase::WaitFirst, MessageType::End) => {
                self.calls.remove(&dtid);
                self.latency(true, sent, now);
                if cont {
                    self.rep.continued += 1;
                } else if connect {
                    self.rep.connected += 1;
                } else if release {
                    self.rep.released += 1;
                } else {
                    return Err("TC-END without Continue/Connect/ReleaseCall".into());
                }
                self.rep.completed += 1;
            }
            (Phase::WaitFirst, MessageType::Continue) => {
                let answer_ev = if terminating { 15 } else { 7 };
                let checked = rr
                    .ok_or_else(|| "TC-CONTINUE without RequestReportBCSMEvent".to_string())
                    .and_then(|rr| {
                        RequestReportBcsmEventArg::decode(rr).map_err(|e| format!("RRBCSM: {e}"))
                    })
                    .and_then(|rr| {
                        if rr.events.iter().any(|e| e.event_type.0 == answer_ev) {
                            Ok(())
                        } else {
                            Err(format!("answer event {answer_ev} not armed"))
                        }
                    })
                    .and_then(|()| {
                        let o = tc.otid.ok_or("TC-CONTINUE without otid")?;
                        let mut b = [0u8; 4];
                        let n = o.len().min(4);
                        b[..n].copy_from_slice(&o[..n]);
                        Ok((b, n as u8))
                    });
                let scp_tid = match checked {
                    Ok(t) => t,
                    Err(e) => {
                        self.calls.remove(&dtid);
                        return Err(e);
                    }
                };
                st.phase = Phase::Held;
                st.scp_tid = scp_tid;
                self.latency(true, sent, now);
                self.rep.monitored += 1;
                // The call is answered: report it now (notification), disconnect after hold.
                self.tcap.clear();
                itu::encode(
                    &mut self.tcap,
                    MessageType::Continue,
                    Some(&dtid.to_be_bytes()),
                    Some(&scp_tid.0[..usize::from(scp_tid.1)]),
                    None,
                    |w| report(answer_ev, LegType::LEG2, true, None, 1, w),
                );
                wrap(
                    &self.cfg,
                    self.variant,
                    self.cfg.ssn,
                    &self.tcap,
                    (dtid % 16) as u8,
                    &mut self.out,
                );
                self.held.push_back((now + self.cfg.hold, dtid));
            }
            (Phase::WaitEnd, MessageType::End) if cont || release => {
                self.calls.remove(&dtid);
                self.latency(false, sent, now);
                self.rep.completed += 1;
            }
            (phase, kind) => {
                let e = format!("unexpected TC-{} while {phase:?}", kind.name());
                self.calls.remove(&dtid);
                return Err(e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SCP that handles one message at a time and writes its answer (Continue in a
    /// TC-END) before it reads on, through small socket buffers: a switch that does not read
    /// while it writes fills them both ways and the two stall.
    async fn sequential_scp(listener: tokio::net::TcpListener, cfg: SimConfig) {
        let (s, _) = listener.accept().await.unwrap();
        let (rd, mut wr) = s.into_split();
        let mut rd = FrameReader::new(rd);
        let scp = SimConfig {
            opc: cfg.dpc,
            dpc: cfg.opc,
            ..cfg
        };
        let (mut out, mut tcap) = (Vec::new(), Vec::new());
        while let Ok(Some(m)) = rd.next().await {
            out.clear();
            let msg = Message::parse(m).unwrap();
            match msg.kind() {
                Some(Kind::AspUp) => {
                    Builder::new(&mut out, Kind::AspUpAck).finish();
                }
                Some(Kind::AspAc) => {
                    Builder::new(&mut out, Kind::AspAcAck).finish();
                }
                Some(Kind::Data) => {
                    let pd = msg.protocol_data().unwrap();
                    let u = Unitdata::decode_variant(pd.data, Variant::Itu).unwrap();
                    let tc = TcMessage::decode(u.data).unwrap();
                    tcap.clear();
                    itu::encode(&mut tcap, MessageType::End, None, tc.otid, None, |w| {
                        itu::invoke(w, 1, opcode::CONTINUE, |_| {})
                    });
                    wrap(&scp, Variant::Itu, scp.ssn, &tcap, 0, &mut out);
                }
                _ => continue,
            }
            wr.write_all(&out).await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_large_window_does_not_stall_against_a_sequential_scp() {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_recv_buffer_size(4096).unwrap();
        sock.set_send_buffer_size(4096).unwrap();
        sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = sock.listen(1).unwrap();
        // Some 10 MB of InitialDPs at once: more than the switch's socket buffer can take.
        let calls = 50_000;
        let cfg = SimConfig {
            to: listener.local_addr().unwrap(),
            calls,
            concurrency: calls,
            calling: "491700000001".into(),
            called: "4930123456".into(),
            imsi: "262011234567890".into(),
            terminating: false,
            opc: 100,
            dpc: 200,
            ssn: 146,
            routing_context: None,
            service_key: 100,
            hold: Duration::ZERO,
            timeout: Duration::from_secs(120),
        };
        tokio::spawn(sequential_scp(listener, cfg.clone()));
        let rep = tokio::time::timeout(Duration::from_secs(120), run(cfg))
            .await
            .expect("the sim and the SCP stalled")
            .unwrap();
        assert_eq!(
            (rep.calls, rep.completed, rep.continued, rep.errors),
            (calls, calls, calls, 0),
            "{rep:?}"
        );
    }

    #[test]
    fn vary_keeps_the_length() {
        assert_eq!(vary("2015550100", 0), "2015550100");
        assert_eq!(vary("2015550100", 7), "2015550107");
        assert_eq!(vary("2015550199", 3), "2015550202");
        assert_eq!(vary("999", 1), "000");
    }
}
