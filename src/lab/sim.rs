//! `scpd sim`: a switch simulator and load generator that plays calls against a running SCP
//! over M3UA on TCP or kernel SCTP: an MSC (gsmSSF, CAMEL on ITU TCAP), a wireline SSP
//! (AIN on ANSI TCAP, [`super::sim_ain`]), a fixed-network SSP (INAP CS-1 on ITU TCAP), or
//! an ANSI-41 MSC (WIN on ANSI TCAP, [`super::sim_win`]). An INAP call follows the CAMEL
//! flow with CS-1's InitialDP and application context, on the INAP SSN.
//!
//! A CAMEL call opens with InitialDP; if the SCP arms events, the simulator reports answer
//! (notification) at once and disconnect (request) after the hold time, like a real MSC, and
//! expects the SCP to close the dialogue. An AIN call does the same with Info_Analyzed /
//! Termination_Attempt and O_/T_Answer (EDP-N), O_/T_Disconnect (EDP-R). A WIN call opens
//! with OriginationRequest / AnalyzedInformation; if the result arms the answer and
//! disconnect triggers, OAnswer / TAnswer goes in a Unidirectional package and ODisconnect /
//! TDisconnect, after the hold time, in a query of its own (WIN holds no transaction open).
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

mod answers;
mod camel;
mod conn;
mod engine;
mod inap;
mod io;
mod report;
mod roaming;
#[cfg(test)]
mod tests;
mod wire;

use crate::sccp::Variant;
use engine::Engine;
use io::play;
use std::time::Duration;

pub use camel::initial_dp_begin;
pub(crate) use conn::{asp_up, next_message, Conn};
/// The INAP CS-1 TC-BEGIN with InitialDP the simulated SSP sends.
pub use inap::initial_dp as inap_initial_dp;
pub use report::{Percentiles, SctpReport, SimReport};
pub use roaming::RoamingNumbers;
pub use wire::SctpStats;

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
    /// INAP CS-1 (a fixed-network SSP, ETS 300 374-1).
    Inap,
    /// WIN (an ANSI-41 MSC, TIA/EIA-41-D with IS-771).
    Win,
    /// All four, in turn over the same association (the SCP serves CAP, AIN, INAP and WIN
    /// on their own SSNs; SCCP must then be the variant the SCP runs, ANSI for AIN and WIN).
    Mix,
}

/// What carries the association.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SimTransport {
    /// TCP to [`SimConfig::to`].
    #[default]
    Tcp,
    /// Kernel SCTP to these addresses of the SCP (several: multi-homed), one-to-one socket.
    Sctp(Vec<std::net::SocketAddr>),
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
    /// SCCP variant; `None`: ITU for CAMEL and INAP, ANSI (24-bit point codes) for AIN, WIN
    /// and mix.
    pub sccp: Option<Variant>,
    /// The AIN subsystem (both sides).
    pub ain_ssn: u8,
    /// The INAP subsystem (both sides; 241 by Q.713 Annex B).
    pub inap_ssn: u8,
    /// Calling and called numbers of AIN calls (the served one is the line's 10-digit DN).
    pub ain_calling: String,
    pub ain_called: String,
    /// The SCP's WIN subsystem (14, as ANSI-41 SCPs use); ours is the MSC's, 8
    /// ([`super::sim_win::MSC_SSN`]).
    pub win_ssn: u8,
    /// Calling and called numbers of WIN calls (the served one is the mobile's 10-digit MIN).
    pub win_calling: String,
    pub win_called: String,
    /// The MSC's roaming numbers (its VLR's MSRNs, the simulated HLR's by default): a
    /// terminating CAMEL call to one of them is a leg to a roaming mobile, delivered
    /// without querying the SCP ([`roaming`]).
    pub roaming: Option<RoamingNumbers>,
    /// Print progress on stderr once a second.
    pub progress: bool,
    /// TCP, or kernel SCTP to a multi-homed SCP.
    pub transport: SimTransport,
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
            inap_ssn: 241,
            ain_calling: "2015550100".into(),
            ain_called: "2015550199".into(),
            win_ssn: 14,
            win_calling: "2125550100".into(),
            win_called: "2125550199".into(),
            roaming: None,
            progress: false,
            transport: SimTransport::Tcp,
        }
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

/// Our point code and the SCP's must fit `variant`'s format (14 bits ITU, 24 ANSI).
pub(crate) fn check_point_codes(variant: Variant, opc: u32, dpc: u32) -> Result<(), SimError> {
    let pc_max = if variant == Variant::Itu {
        0x3fff
    } else {
        0xff_ffff
    };
    for (what, pc) in [("opc", opc), ("dpc", dpc)] {
        if pc > pc_max {
            return Err(SimError::Config(format!(
                "{what} {pc} does not fit the {variant:?} SCCP point code"
            )));
        }
    }
    Ok(())
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
        SimProtocol::Camel | SimProtocol::Inap => Variant::Itu,
        SimProtocol::Ain | SimProtocol::Win | SimProtocol::Mix => Variant::Ansi,
    });
    check_point_codes(variant, cfg.opc, cfg.dpc)?;
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
