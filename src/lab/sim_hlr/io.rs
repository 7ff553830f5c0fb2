//! The HLR's I/O: the association to scpd (TCP or kernel SCTP, through the switch
//! simulators' [`asp_up`]), the SSA that announces us, and the loop that hands every batch
//! of received messages to [`Hlr`] and writes its replies in one send.

use super::{ssa, Hlr, HlrProfile, HlrReport};
use crate::config::Endpoint;
use crate::lab::json::J;
use crate::lab::sim::{asp_up, SimError};
use crate::sccp::Variant;
use std::future::Future;
use std::time::{Duration, Instant};

/// How the HLR runs.
#[derive(Debug, Clone)]
pub struct HlrConfig {
    /// scpd's M3UA server.
    pub to: Endpoint,
    /// Our (the HLR's) point code and scpd's.
    pub opc: u32,
    pub dpc: u32,
    pub routing_context: Option<u32>,
    pub variant: Variant,
    /// How long to wait for ASP UP ACK and ASP ACTIVE ACK.
    pub timeout: Duration,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Stop once this many requests have been answered.
    pub calls: Option<u64>,
    /// A progress line on stderr once a second.
    pub progress: bool,
    /// One JSON line per request on the verbose writer.
    pub verbose: bool,
    pub profile: HlrProfile,
}

impl Hlr {
    fn progress(&self, start: Instant) {
        let secs = start.elapsed().as_secs_f64();
        let r = &self.rep;
        eprintln!(
            "hlr {secs:6.1}s requests {} answered {} sri {} ati {} msrns {} errors {} refused {} silent {} malformed {} | {:.1} requests/s",
            r.requests,
            r.answered,
            r.sri,
            r.ati,
            r.msrns,
            r.errors.values().sum::<u64>(),
            r.refused_v3 + r.refused_ac,
            r.silent,
            r.malformed,
            r.requests as f64 / secs.max(1e-9),
        );
    }
}

/// Play the HLR: connect, bring the ASP up and active, announce our subsystem (SSA), then
/// answer until `cfg.duration` is over, `cfg.calls` requests are answered or `stop`
/// completes (the caller's Ctrl-C). Request lines go to `verbose` (one write per batch
/// of messages). A failure to connect or to activate is an error; an association that
/// fails later ends the run with the report, its `error` set.
pub async fn run(
    cfg: HlrConfig,
    stop: impl Future<Output = ()>,
    mut verbose: impl std::io::Write,
) -> Result<HlrReport, SimError> {
    crate::lab::sim::check_point_codes(cfg.variant, cfg.opc, cfg.dpc)?;
    let mut hlr = Hlr::new(cfg.profile.clone(), cfg.variant).map_err(SimError::Config)?;
    let rc = cfg.routing_context;
    tokio::pin!(stop);
    let mut start = Instant::now();
    let mut conn = tokio::select! {
        c = asp_up(&cfg.to, rc, cfg.timeout) => c?,
        () = &mut stop => {
            hlr.rep.elapsed_ms = start.elapsed().as_millis() as u64;
            return Ok(hlr.rep);
        }
    };
    start = Instant::now();
    let mut out = Vec::with_capacity(16 * 1024);
    ssa(cfg.opc, cfg.dpc, hlr.profile.ssn, cfg.variant, rc, &mut out).map_err(SimError::Config)?;
    conn.wr.send(&out).await?;
    out.clear();
    let mut log = if cfg.verbose { J::new() } else { J::off() };
    let deadline = cfg
        .duration
        .map(|d| tokio::time::Instant::from_std(start + d));
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::from_std(start + Duration::from_secs(1)),
        Duration::from_secs(1),
    );
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut m3ua_errors = 0u32;
    let failure = 'run: loop {
        if cfg.calls.is_some_and(|n| hlr.rep.answered >= n) {
            break None;
        }
        // Wait for a batch without dropping the read in progress at each progress tick
        // (an SCTP read gathers a record piece by piece).
        let ready = {
            let ready = conn.rd.ready();
            tokio::pin!(ready);
            loop {
                tokio::select! {
                    biased;
                    () = &mut stop => break 'run None,
                    () = async {
                        match deadline {
                            Some(d) => tokio::time::sleep_until(d).await,
                            None => std::future::pending().await,
                        }
                    } => break 'run None,
                    r = &mut ready => break r,
                    _ = tick.tick(), if cfg.progress => hlr.progress(start),
                }
            }
        };
        match ready {
            Ok(true) => {}
            Ok(false) => break Some("scpd closed the association".to_string()),
            Err(e) => break Some(format!("M3UA: {e}")),
        }
        // Exactly `calls` answers: what comes after the last in the batch is left unread.
        while cfg.calls.is_none_or(|n| hlr.rep.answered < n) {
            let m = match conn.rd.take() {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(e) => break 'run Some(format!("M3UA: {e}")),
            };
            if let Err(e) = hlr.on_m3ua(m.bytes, rc, &mut out, &mut log) {
                m3ua_errors += 1;
                if m3ua_errors <= 10 {
                    eprintln!("hlr: {e}");
                }
            }
        }
        if !out.is_empty() {
            if let Err(e) = conn.wr.send(&out).await {
                break Some(format!("i/o: {e}"));
            }
            out.clear();
        }
        if !log.is_empty() {
            // A reader that went away stops the lines, not the HLR.
            if verbose
                .write_all(log.bytes())
                .and_then(|()| verbose.flush())
                .is_err()
            {
                log = J::off();
            }
            log.clear();
        }
    };
    hlr.rep.elapsed_ms = start.elapsed().as_millis() as u64;
    hlr.rep.error = failure;
    Ok(hlr.rep)
}
