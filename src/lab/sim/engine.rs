//! The load engine: the calls in progress by transaction id, when the next one starts (rate,
//! window, mix of protocols and directions, served numbers), the disconnects of held calls
//! and the calls that timed out. What it sends is encoded into [`Engine::out`] for the I/O
//! loop to write; the SCP's answers are handled in `answers`.

use super::camel::{initial_dp, report};
use super::conn::wrap_ssns;
use super::inap;
use super::io::PACE_MIN_CALLS;
use super::report::SimReport;
use super::{LoadConfig, SimConfig, SimError, SimProtocol};
use crate::camel::LegType;
use crate::lab::sim_ain::{self, AinParties};
use crate::lab::sim_win::{self, WinParties};
use crate::sccp::Variant;
use crate::tcap::ansi::PackageType;
use crate::tcap::itu::{self, MessageType};
use hdrhistogram::Histogram;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proto {
    Camel,
    Ain,
    Inap,
    Win,
}

#[derive(Debug)]
pub(super) enum Phase {
    WaitFirst,
    Held,
    WaitEnd,
}

/// One call in progress, keyed by our transaction id.
pub(super) struct CallState {
    pub(super) proto: Proto,
    pub(super) terminating: bool,
    /// Index of the call (its served number).
    pub(super) n: u32,
    /// When the request we await an answer to was sent.
    pub(super) sent: Instant,
    pub(super) phase: Phase,
    /// The SCP's transaction id (1 to 4 octets in ITU TCAP, 4 in ANSI; none in WIN, whose
    /// every transaction is one query and its Response).
    pub(super) scp_tid: ([u8; 4], u8),
}

impl CallState {
    fn scp_tid(&self) -> &[u8] {
        &self.scp_tid.0[..usize::from(self.scp_tid.1)]
    }
}

/// Our transaction ids: call `i` uses `TID_BASE + i` (4 octets, CAMEL and AIN alike).
const TID_BASE: u32 = 0x5100_0000;

/// Protocols a `--protocol mix` run takes turns with: CAMEL, AIN, INAP, WIN.
const MIX_PROTOCOLS: u32 = 4;

/// A WIN call's disconnect report opens a transaction of its own: the call's id with this
/// bit flipped, 2^31 calls away from any other call's, so never one in progress.
const WIN_REPORT_TID: u32 = 0x8000_0000;

/// Add `k` to the number `base` keeping its length (wrapping), for [`LoadConfig::numbers`].
pub(super) fn vary(base: &str, k: u32) -> String {
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

pub(super) struct Engine {
    pub(super) cfg: SimConfig,
    pub(super) load: LoadConfig,
    pub(super) variant: Variant,
    /// Weights of originating and terminating calls.
    pub(super) mix: (u32, u32),
    pub(super) start: Instant,
    pub(super) started: u32,
    pub(super) calls: HashMap<u32, CallState>,
    /// Monitored calls held answered, in the order their disconnect comes due.
    pub(super) held: VecDeque<(Instant, u32)>,
    pub(super) rep: SimReport,
    pub(super) first: Histogram<u64>,
    pub(super) end: Histogram<u64>,
    pub(super) out: Vec<u8>,
    pub(super) tcap: Vec<u8>,
}

fn histogram() -> Histogram<u64> {
    // 1 µs .. 1 h, 3 significant digits (HdrHistogram's usual setting for latencies).
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

impl Engine {
    pub(super) fn new(
        cfg: SimConfig,
        load: LoadConfig,
        variant: Variant,
    ) -> Result<Engine, SimError> {
        let mix = if load.mix == (0, 0) {
            if cfg.terminating {
                (0, 1)
            } else {
                (1, 0)
            }
        } else {
            load.mix
        };
        // Fail at once on numbers a UserID or a MIN cannot carry, not once per call.
        let (ain, win) = match load.protocol {
            SimProtocol::Ain => (true, false),
            SimProtocol::Win => (false, true),
            SimProtocol::Mix => (true, true),
            SimProtocol::Camel | SimProtocol::Inap => (false, false),
        };
        for term in [false, true] {
            let used = if term { mix.1 } else { mix.0 };
            if used > 0 && ain {
                AinParties::new(&load.ain_calling, &load.ain_called, term)
                    .map_err(SimError::Config)?;
            }
            if used > 0 && win {
                WinParties::new(&load.win_calling, &load.win_called, term)
                    .map_err(SimError::Config)?;
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
    pub(super) fn may_start(&self, now: Instant) -> bool {
        self.started < self.cfg.calls
            && self
                .load
                .duration
                .is_none_or(|d| now.duration_since(self.start) < d)
    }

    /// Whether the window is full of calls waiting on the SCP (as it is when the SCP is the
    /// bottleneck), with enough of them that pacing reads costs no throughput.
    pub(super) fn saturated(&self, now: Instant) -> bool {
        let n = self.calls.len() as u32;
        n >= PACE_MIN_CALLS && n >= self.cfg.concurrency && self.may_start(now)
    }

    /// When the next call is due, if the window has room for it.
    pub(super) fn next_start(&self, now: Instant) -> Option<Instant> {
        if !self.may_start(now) || self.calls.len() as u32 >= self.cfg.concurrency {
            return None;
        }
        Some(match self.load.rate {
            Some(r) if r > 0.0 => self.start + Duration::from_secs_f64(f64::from(self.started) / r),
            _ => now,
        })
    }

    pub(super) fn start_due(&mut self, now: Instant) {
        while self.next_start(now).is_some_and(|d| d <= now) {
            let i = self.started;
            self.started += 1;
            if let Err(e) = self.start_call(i, now) {
                self.error(e);
            }
        }
    }

    /// The protocol and direction of call `i`: weighted round robin over the mix; in a
    /// protocol mix, the rounds of the direction mix go CAMEL, AIN, INAP, WIN in turn.
    fn kind_of(&self, i: u32) -> (Proto, bool) {
        let total = (self.mix.0 + self.mix.1).max(1);
        let terminating = i % total >= self.mix.0;
        let proto = match self.load.protocol {
            SimProtocol::Camel => Proto::Camel,
            SimProtocol::Ain => Proto::Ain,
            SimProtocol::Inap => Proto::Inap,
            SimProtocol::Win => Proto::Win,
            SimProtocol::Mix => match (i / total) % MIX_PROTOCOLS {
                0 => Proto::Camel,
                1 => Proto::Ain,
                2 => Proto::Inap,
                _ => Proto::Win,
            },
        };
        (proto, terminating)
    }

    /// The calling and called numbers of call `i`: the served one varied.
    fn numbers(&self, i: u32, proto: Proto, terminating: bool) -> (String, String) {
        let (calling, called) = match proto {
            Proto::Camel | Proto::Inap => (&self.cfg.calling, &self.cfg.called),
            Proto::Ain => (&self.load.ain_calling, &self.load.ain_called),
            Proto::Win => (&self.load.win_calling, &self.load.win_called),
        };
        // One step per round of the mix, so every kind of call meets every number.
        let round = (self.mix.0 + self.mix.1).max(1)
            * if self.load.protocol == SimProtocol::Mix {
                MIX_PROTOCOLS
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

    pub(super) fn ain_parties(&self, n: u32, terminating: bool) -> Result<AinParties, String> {
        let (calling, called) = self.numbers(n, Proto::Ain, terminating);
        AinParties::new(&calling, &called, terminating)
    }

    pub(super) fn win_parties(&self, n: u32, terminating: bool) -> Result<WinParties, String> {
        let (calling, called) = self.numbers(n, Proto::Win, terminating);
        WinParties::new(&calling, &called, terminating)
    }

    /// A WIN report of call `n` (answer or disconnect) encoded into [`Engine::tcap`], in a
    /// package of `package` with our originating id `ours`, if any.
    pub(super) fn win_report(
        &mut self,
        n: u32,
        terminating: bool,
        answer: bool,
        package: PackageType,
        ours: Option<u32>,
    ) -> Result<(), String> {
        let p = self.win_parties(n, terminating)?;
        let tod = sim_win::time_of_day(SystemTime::now());
        let m = sim_win::event(&p, terminating, answer, sim_win::billing_id(n), tod);
        self.tcap.clear();
        sim_win::package(&mut self.tcap, package, ours.map(u32::to_be_bytes), &m)
    }

    fn start_call(&mut self, i: u32, now: Instant) -> Result<(), String> {
        let (proto, terminating) = self.kind_of(i);
        let tid = TID_BASE.wrapping_add(i);
        self.tcap.clear();
        match proto {
            Proto::Camel => {
                let (calling, called) = self.numbers(i, proto, terminating);
                if terminating
                    && self
                        .load
                        .roaming
                        .as_ref()
                        .is_some_and(|r| r.contains(&called))
                {
                    // A leg to one of our MSRNs: routed to the mobile, no T-CSI to meet.
                    self.rep.camel += 1;
                    self.rep.terminating += 1;
                    self.rep.roaming_legs += 1;
                    self.rep.completed += 1;
                    return Ok(());
                }
                initial_dp(
                    &self.cfg,
                    &calling,
                    &called,
                    terminating,
                    &tid.to_be_bytes(),
                    &mut self.tcap,
                );
                self.rep.camel += 1;
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
            }
            Proto::Inap => {
                let (calling, called) = self.numbers(i, proto, terminating);
                inap::initial_dp(
                    &self.cfg,
                    &calling,
                    &called,
                    terminating,
                    &tid.to_be_bytes(),
                    &mut self.tcap,
                );
                self.rep.inap += 1;
            }
            Proto::Win => {
                let p = self.win_parties(i, terminating)?;
                sim_win::package(
                    &mut self.tcap,
                    PackageType::QueryWithPermission,
                    Some(tid.to_be_bytes()),
                    &sim_win::trigger(&p, terminating, sim_win::billing_id(i)),
                )?;
                self.rep.win += 1;
            }
        }
        if terminating {
            self.rep.terminating += 1;
        } else {
            self.rep.originating += 1;
        }
        wrap_ssns(
            &self.cfg,
            self.variant,
            self.ssns(proto),
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

    /// The SSN of an ITU TCAP protocol's calls (CAMEL's, or INAP's).
    pub(super) fn itu_ssn(&self, proto: Proto) -> u8 {
        if proto == Proto::Inap {
            self.load.inap_ssn
        } else {
            self.cfg.ssn
        }
    }

    /// Our subsystem and the SCP's for a protocol's calls: the same one but for WIN, where
    /// the MSC's is 8 ([`sim_win::MSC_SSN`]).
    pub(super) fn ssns(&self, proto: Proto) -> (u8, u8) {
        let ssn = match proto {
            Proto::Camel | Proto::Inap => self.itu_ssn(proto),
            Proto::Ain => self.load.ain_ssn,
            Proto::Win => return (sim_win::MSC_SSN, self.load.win_ssn),
        };
        (ssn, ssn)
    }

    /// Report the disconnect of held calls whose hold time is over.
    pub(super) fn disconnect_due(&mut self, now: Instant) {
        while let Some(&(due, tid)) = self.held.front() {
            if due > now {
                break;
            }
            self.held.pop_front();
            if let Err(e) = self.disconnect(tid, now) {
                // Held calls never time out: one whose report cannot be sent is over.
                self.calls.remove(&tid);
                self.error(e);
            }
        }
    }

    fn disconnect(&mut self, tid: u32, now: Instant) -> Result<(), String> {
        let Some(st) = self.calls.get(&tid) else {
            return Ok(());
        };
        let proto = st.proto;
        // The transaction the SCP's answer will name.
        let mut key = tid;
        self.tcap.clear();
        match proto {
            Proto::Camel | Proto::Inap => {
                let disc_ev = if st.terminating { 17 } else { 9 };
                itu::encode(
                    &mut self.tcap,
                    MessageType::Continue,
                    Some(&tid.to_be_bytes()),
                    Some(st.scp_tid()),
                    None,
                    |w| report(disc_ev, LegType::LEG1, false, Some(16), 2, w),
                );
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
            }
            Proto::Win => {
                // A query of its own (IS-771 §6.4.2): the call moves to its new id.
                key = tid ^ WIN_REPORT_TID;
                let (n, terminating) = (st.n, st.terminating);
                self.win_report(
                    n,
                    terminating,
                    false,
                    PackageType::QueryWithPermission,
                    Some(key),
                )?;
                if let Some(st) = self.calls.remove(&tid) {
                    self.calls.insert(key, st);
                }
            }
        }
        wrap_ssns(
            &self.cfg,
            self.variant,
            self.ssns(proto),
            &self.tcap,
            (tid % 16) as u8,
            &mut self.out,
        );
        if let Some(st) = self.calls.get_mut(&key) {
            st.phase = Phase::WaitEnd;
            st.sent = now;
        }
        Ok(())
    }

    /// Calls that waited longer than the timeout for an answer are errors.
    pub(super) fn sweep(&mut self, now: Instant) {
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

    pub(super) fn error(&mut self, e: String) {
        self.rep.errors += 1;
        if self.rep.error_samples.len() < 10 {
            self.rep.error_samples.push(e);
        }
    }
}
