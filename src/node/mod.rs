//! The signalling node: what arrives in M3UA DATA goes up SCCP → TCAP → the application
//! (CAMEL) → the service, and the answer comes back down. Sans-IO: the caller passes the
//! received Protocol Data and the time, and gets back the messages to send (each tagged with
//! the association to send it on) and the call events to journal.
//!
//! Layers, bottom up:
//!
//! - **SCCP** (here): the called address is routed on SSN, or on GT through
//!   [`sccp::route::GtTable`] when [`StackConfig::gt_rules`] is not empty (an empty table
//!   keeps the old rule: a GT-routed message is ours). Local subsystems are the CAMEL SSN and
//!   SCMG (SSN 1, answered by [`sccp::scmg::Scmg`]: SST → SSA). A GT-routed message for
//!   another node is relayed on the association it came in on, with the hop counter
//!   decremented (Q.714 §2.3.5.1: violation returned with cause 0x0c). XUDT/LUDT segments are
//!   reassembled by [`sccp::segment::Reassembler`] (T reass checked in [`Node::on_tick`];
//!   a failure returns XUDTS with its cause when the first segment asked for it). Faults
//!   return UDTS/XUDTS when the message asked for return on error. Our answers go in a UDT
//!   when they fit (user data ≤ 255 octets and the message ≤ 272 octets, the MTP3 SIF),
//!   otherwise in XUDT, segmented by [`sccp::segment::Segmenter`] when needed. A returned
//!   message of ours (UDTS/XUDTS/LUDTS) becomes a TC-NOTICE.
//! - **TCAP**: [`crate::tcap::sm::Tcap`] (ITU), the Q.774 transaction and component
//!   state machines: AC negotiation by the CAMEL SSN's policy, P-Abort answers (including
//!   resourceLimitation when the dialogue table is full), invoke timers, idle timeout.
//! - **CAP** ([`camel`]): sees dialogues, indications and components only.
//!
//! SCCP answers go to the calling address of the received message, from its called address
//! (INTERFACES.md: "SCCP answers with the calling and called addresses swapped"); the MTP3
//! routing label is swapped likewise.

mod ain;
#[cfg(test)]
mod ain_tests;
mod camel;
#[cfg(test)]
mod decision_tests;
#[cfg(test)]
mod tests;

use crate::m3ua::ProtocolData;
use crate::proto::CallEvent;
use crate::sccp::route::{self as gt, GtRule, GtTable};
use crate::sccp::scmg::{Scmg, ScmgEvent, SSN_SCMG};
use crate::sccp::segment::{
    Reassembler, ReassemblyConfig, ReassemblyKey, SegmentOutcome, Segmenter,
};
use crate::sccp::{self, Address, Unitdata};
use crate::service::{Engine, SubscriberTable};
use crate::tcap::itu;
#[cfg(test)]
use crate::tcap::itu::{MessageType, TcMessage};
use crate::tcap::sm::{Counters, SsnPolicy, TcError, Tcap, TcapConfig};
use crate::tcap::tc::{AppContext, DialogueId, Indication, PAbortCause, Variant};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

pub use crate::m3ua::endpoint::{AssocId, ANY_ASSOC};

#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub point_code: u32,
    /// MTP3 network indicator of the messages we originate (answers reuse the query's).
    pub network_indicator: u8,
    pub camel_ssn: u8,
    /// Subsystem of the AIN SCP (ANSI TCAP); `None`: no AIN.
    pub ain_ssn: Option<u8>,
    pub instance: u8,
    pub max_dialogues: usize,
    pub dialogue_idle: Duration,
}

/// Stack settings beyond [`NodeConfig`], each with a default ([`StackConfig::default`] is
/// what [`Node::new`] uses).
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// Application contexts accepted on the CAMEL SSN (encoded OID contents). Default: the
    /// gsmSSF→gsmSCF ACs of CAP v2, v3 and v4.
    pub camel_acs: Vec<Vec<u8>>,
    /// The AC named in the AARE refusing any other (so the switch can fall back). Default:
    /// CAP v2.
    pub camel_fallback_ac: Vec<u8>,
    /// Accept a TC-BEGIN without dialogue portion (CAP v1). Default: true.
    pub camel_accept_without_ac: bool,
    /// Invocation timer of the operations we send (RequestReportBCSMEvent, Continue,
    /// Connect, ReleaseCall; TS 29.078 "short" timers). Default: 10 s.
    pub invoke_timeout: Duration,
    /// Send a U-Abort (ABRT) when a dialogue idles out. Default: true.
    pub abort_on_idle: bool,
    /// XUDT/LUDT reassembly: T(reass) and limits. Default: [`ReassemblyConfig::default`].
    pub reassembly: ReassemblyConfig,
    /// Most user data per XUDT segment we send; `None` (default): as much as fits.
    pub max_segment: Option<usize>,
    /// Local GT translation table. Empty (default): every GT-routed message is ours.
    pub gt_rules: Vec<GtRule>,
    /// SCCP standard on the wire: ITU Q.713 (default), ANSI T1.112 or the Chinese 24-bit
    /// variant. The TCAP and CAP above it do not change.
    pub sccp_variant: sccp::Variant,
    /// Hop counter of the XUDT/XUDTS/LUDTS we originate (Q.713 §3.18, 1–15). Default 15.
    pub hop_counter: u8,
    /// Point codes told by SCMG when a local subsystem goes in or out of service (SSA/SSP,
    /// Q.714 §5.3.2): the STPs and mated nodes. Default: none.
    pub scmg_concerned: Vec<u32>,
    /// How long a trigger of a `decide` subscriber waits for the data-session server before
    /// the engine's fallback answers it. Default: 1 s.
    pub decision_deadline: Duration,
    /// While a decision is pending, send ResetTimer (CAP v2+) after this long, setting the
    /// gsmSSF's Tssf to `.1` seconds (TS 23.078 §4.6.1.2: Tssf guards the gsmSSF waiting
    /// for instructions). Default: `None`, never.
    pub reset_timer: Option<(Duration, u32)>,
}

impl Default for StackConfig {
    fn default() -> Self {
        use crate::camel::ac;
        StackConfig {
            camel_acs: vec![
                ac::CAP_V1_GSMSSF_TO_GSMSCF.to_vec(),
                ac::CAP_V2_GSMSSF_TO_GSMSCF.to_vec(),
                ac::CAP_V3_GSMSSF_SCF_GENERIC.to_vec(),
                ac::CAP_V4_GSMSSF_SCF_GENERIC.to_vec(),
            ],
            camel_fallback_ac: ac::CAP_V2_GSMSSF_TO_GSMSCF.to_vec(),
            camel_accept_without_ac: true,
            invoke_timeout: Duration::from_secs(10),
            abort_on_idle: true,
            reassembly: ReassemblyConfig::default(),
            max_segment: None,
            gt_rules: Vec::new(),
            sccp_variant: sccp::Variant::Itu,
            hop_counter: sccp::MAX_HOP_COUNTER,
            scmg_concerned: Vec::new(),
            decision_deadline: Duration::from_secs(1),
            reset_timer: None,
        }
    }
}

/// SCCP outcome counters, for metrics (TCAP's are [`Node::tcap_counters`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SccpCounters {
    /// Segmented messages reassembled.
    pub reassembled: u64,
    /// Reassemblies failed (timer, limits, inconsistent segments).
    pub reassembly_failed: u64,
    /// UDTS/XUDTS/LUDTS we sent, by return cause.
    pub returned: BTreeMap<u8, u64>,
    /// Service messages received (one of ours came back), by return cause.
    pub returned_to_us: BTreeMap<u8, u64>,
    /// Answers sent in XUDT because they did not fit a UDT, and how many of those were
    /// segmented.
    pub xudt_sent: u64,
    pub segmented_sent: u64,
    /// Answers that could not be sent at all (too long even for 16 segments).
    pub too_long: u64,
    /// Messages relayed to another node after GT translation.
    pub relayed: u64,
    /// SCMG messages received and sent.
    pub scmg_received: u64,
    pub scmg_sent: u64,
}

/// A message for the transport to send as M3UA DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub assoc: AssocId,
    pub opc: u32,
    pub dpc: u32,
    pub ni: u8,
    pub sls: u8,
    /// The SCCP message.
    pub sccp: Vec<u8>,
}

impl Outgoing {
    pub fn protocol_data(&self) -> ProtocolData<'_> {
        ProtocolData {
            opc: self.opc,
            dpc: self.dpc,
            si: 3,
            ni: self.ni,
            mp: 0,
            sls: self.sls,
            data: &self.sccp,
        }
    }
}

/// What handling produced. Reused across calls to avoid reallocating.
#[derive(Debug, Default)]
pub struct Effects {
    pub send: Vec<Outgoing>,
    pub events: Vec<CallEvent>,
    /// Triggers to put to the data-session server (policy `decide`); the answer (or `None`
    /// when there is none) goes to [`Node::on_decision`].
    pub queries: Vec<Query>,
}

impl Effects {
    pub fn clear(&mut self) {
        self.send.clear();
        self.events.clear();
        self.queries.clear();
    }
}

/// Names a trigger held for a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueryId {
    /// AIN (ANSI TCAP) or CAMEL dialogue.
    ain: bool,
    dialogue: DialogueId,
    /// Which hold of that dialogue id (ids are reused once dialogues end).
    seq: u64,
}

/// A trigger for the decision broker: the TRIGGER event as journalled.
#[derive(Debug, Clone)]
pub struct Query {
    pub id: QueryId,
    pub event: CallEvent,
}

/// How to answer a held trigger once decided.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HeldAnswer {
    Cap(camel::Held),
    Ain(ain::Held),
}

/// A trigger waiting for its decision, with its dialogue.
#[derive(Debug)]
struct Pending {
    seq: u64,
    call: crate::service::Call,
    answer: HeldAnswer,
    deadline: Instant,
    /// When to send ResetTimer, if still undecided.
    reset_at: Option<Instant>,
}

/// Why a received message was not processed normally (for logs and counters). The
/// protocol's own answer, when there is one, is already in [`Effects::send`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("service indicator {0} is not SCCP")]
    NotSccp(u8),
    #[error("SCCP: {0}")]
    Sccp(#[from] sccp::SccpError),
    #[error("SCCP {0} returned a message with cause {1:#04x}")]
    Returned(&'static str, u8),
    #[error("SCCP: reassembly failed ({0}), cause {1:#04x}")]
    Reassembly(&'static str, u8),
    #[error("SCCP: no subsystem {0:?} here")]
    UnknownSubsystem(Option<u8>),
    #[error("SCCP: no translation for the called GT (cause {0:#04x})")]
    NoTranslation(u8),
    #[error("SCCP: hop counter violation")]
    HopCounter,
    #[error("SCCP management: {0}")]
    Scmg(String),
    #[error("TCAP: answered with P-Abort {0:?}")]
    PAbort(PAbortCause),
    #[error("TCAP request refused: {0}")]
    Request(#[from] TcError),
    #[error("TCAP: no dialogue with transaction id {0}")]
    UnknownTransaction(String),
    #[error("TCAP: {0} message ignored")]
    Ignored(&'static str),
    #[error("CAP: {0}")]
    Cap(String),
    #[error("AIN: {0}")]
    Ain(String),
}

/// How to answer the sender of a received message: association, MTP3 label and SCCP
/// addresses, with called/calling and OPC/DPC already swapped. The TCAP state machine keeps
/// one per dialogue and hands it back with every message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    assoc: AssocId,
    opc: u32,
    dpc: u32,
    ni: u8,
    sls: u8,
    protocol_class: u8,
    /// Encoded SCCP address to send to (the received calling address).
    to: Vec<u8>,
    /// Encoded SCCP address we answer from (the received called address).
    from: Vec<u8>,
}

/// Largest MTP3 signalling information field (Q.703/Q.704): a UDT must fit it.
const MAX_SIF: usize = 272;

impl Route {
    /// The route answering `u`, its addresses encoded in `variant` (the one `u` was decoded
    /// in, so encoding cannot meet a GTI the layout lacks).
    fn new(
        assoc: AssocId,
        pd: &ProtocolData<'_>,
        u: &Unitdata<'_>,
        variant: sccp::Variant,
    ) -> Result<Route, Fault> {
        let (mut to, mut from) = (Vec::new(), Vec::new());
        u.calling.encode_variant(&mut to, variant)?;
        u.called.encode_variant(&mut from, variant)?;
        Ok(Route {
            assoc,
            opc: pd.dpc,
            dpc: pd.opc,
            ni: pd.ni,
            sls: pd.sls,
            // Same class back; the return option stays as the sender chose it.
            protocol_class: u.protocol_class,
            to,
            from,
        })
    }

    /// An SCCP message on this route's association and MTP3 label.
    fn out(&self, sccp: Vec<u8>) -> Outgoing {
        Outgoing {
            assoc: self.assoc,
            opc: self.opc,
            dpc: self.dpc,
            ni: self.ni,
            sls: self.sls,
            sccp,
        }
    }

    /// Whether a UDT carries `len` octets of user data on this route.
    fn udt_fits(&self, len: usize) -> bool {
        // Type, class, 3 pointers, 2 address lengths, data length.
        len <= 255 && 8 + self.to.len() + self.from.len() + len <= MAX_SIF
    }

    /// Wrap a TCAP message in a UDT for this route.
    pub(crate) fn udt(&self, tcap: &[u8]) -> Outgoing {
        let mut sccp = Vec::with_capacity(tcap.len() + self.to.len() + self.from.len() + 8);
        sccp::encode_udt_raw(&mut sccp, self.protocol_class, &self.to, &self.from, tcap);
        self.out(sccp)
    }
}

pub struct Node {
    cfg: NodeConfig,
    engine: Engine,
    tcap: Tcap<Route>,
    /// CAP state of the calls we follow (monitored), by dialogue.
    calls: BTreeMap<DialogueId, camel::CapDialogue>,
    /// ANSI TCAP (T1.114) for the AIN subsystem.
    ansi: Tcap<Route>,
    /// AIN state of the calls we follow, by ANSI dialogue.
    ain_calls: BTreeMap<DialogueId, ain::AinDialogue>,
    /// AIN 0.1 monitored calls awaiting Termination_Notification, by EchoData.
    ain_notify: BTreeMap<[u8; 6], crate::service::Call>,
    /// The last EchoData number given out.
    ain_echo: u64,
    /// Triggers held for a decision, by (AIN?, dialogue).
    pending: BTreeMap<(bool, DialogueId), Pending>,
    holds: u64,
    decision_deadline: Duration,
    reset_timer: Option<(Duration, u32)>,
    invoke_timeout: Duration,
    reassembler: Reassembler,
    /// Where to return a failed reassembly's XUDTS, per message being reassembled.
    reassembly_routes: HashMap<ReassemblyKey, Route>,
    segmenter: Segmenter,
    gt: GtTable,
    scmg: Scmg,
    /// SCCP standard on the wire and the hop counter we originate with.
    variant: sccp::Variant,
    hop_counter: u8,
    sccp_counters: SccpCounters,
    /// Indications of one step, reused.
    batch: Vec<Indication>,
    /// The time of the last input (the state machines need one to end dialogues at
    /// shutdown).
    last_now: Option<Instant>,
    /// Its wall-clock time (ms since the epoch), for events at shutdown.
    last_now_ms: i64,
}

/// Where a received message goes.
enum Dest {
    Local(u8),
    Relayed,
}

impl Node {
    pub fn new(cfg: NodeConfig, subscribers: SubscriberTable, boot_ms: i64) -> Node {
        Node::with_stack(cfg, StackConfig::default(), subscribers, boot_ms)
    }

    pub fn with_stack(
        cfg: NodeConfig,
        stack: StackConfig,
        subscribers: SubscriberTable,
        boot_ms: i64,
    ) -> Node {
        let mut tc = TcapConfig::new(Variant::Itu);
        tc.instance = cfg.instance;
        tc.max_dialogues = cfg.max_dialogues;
        tc.idle_timeout = cfg.dialogue_idle;
        tc.abort_on_idle = stack.abort_on_idle;
        tc.ssns = vec![(
            cfg.camel_ssn,
            SsnPolicy {
                accepted: stack.camel_acs.iter().map(|a| AppContext::oid(a)).collect(),
                fallback: Some(AppContext::oid(&stack.camel_fallback_ac)),
                accept_without_ac: stack.camel_accept_without_ac,
                class_of: camel::class_of,
            },
        )];
        let mut ansi = TcapConfig::new(Variant::Ansi);
        ansi.instance = cfg.instance;
        ansi.max_dialogues = cfg.max_dialogues;
        ansi.idle_timeout = cfg.dialogue_idle;
        ansi.abort_on_idle = stack.abort_on_idle;
        ansi.ssns = cfg
            .ain_ssn
            .map(|ssn| {
                (
                    ssn,
                    SsnPolicy {
                        // AIN 0.1/0.2 SSPs send no application context (GR-1299).
                        accepted: Vec::new(),
                        fallback: None,
                        accept_without_ac: true,
                        class_of: ain::class_of,
                    },
                )
            })
            .into_iter()
            .collect();
        let variant = stack.sccp_variant;
        let mut segmenter = Segmenter::new(variant, boot_ms as u32);
        segmenter.max_segment = stack.max_segment;
        let mut reassembler = Reassembler::new(variant, stack.reassembly);
        reassembler.hop_counter = stack.hop_counter;
        Node {
            engine: Engine::new(subscribers, cfg.instance, boot_ms),
            tcap: Tcap::new(tc),
            calls: BTreeMap::new(),
            ansi: Tcap::new(ansi),
            ain_calls: BTreeMap::new(),
            ain_notify: BTreeMap::new(),
            ain_echo: 0,
            pending: BTreeMap::new(),
            holds: 0,
            decision_deadline: stack.decision_deadline,
            reset_timer: stack.reset_timer,
            invoke_timeout: stack.invoke_timeout,
            reassembler,
            reassembly_routes: HashMap::new(),
            segmenter,
            gt: GtTable::new(variant, Some(cfg.point_code), stack.gt_rules),
            scmg: Scmg::new(
                variant,
                cfg.point_code,
                std::iter::once(cfg.camel_ssn).chain(cfg.ain_ssn),
                stack.scmg_concerned,
            ),
            variant,
            hop_counter: stack.hop_counter,
            sccp_counters: SccpCounters::default(),
            batch: Vec::new(),
            last_now: None,
            last_now_ms: boot_ms,
            cfg,
        }
    }

    pub fn open_dialogues(&self) -> usize {
        self.tcap.dialogues() + self.ansi.dialogues()
    }

    /// ITU TCAP (CAMEL) outcome counters (dialogues opened/ended/aborted/timed out, P-Abort
    /// answers, AC refusals, rejects, invoke timeouts, notices).
    pub fn tcap_counters(&self) -> &Counters {
        self.tcap.counters()
    }

    /// ANSI TCAP (AIN) outcome counters, likewise.
    pub fn ansi_tcap_counters(&self) -> &Counters {
        self.ansi.counters()
    }

    pub fn sccp_counters(&self) -> &SccpCounters {
        &self.sccp_counters
    }

    /// Messages being reassembled.
    pub fn reassemblies(&self) -> usize {
        self.reassembler.in_progress()
    }

    /// When [`Node::on_tick`] next has something to do (invoke timer, dialogue idle timer,
    /// reassembly timer).
    pub fn next_deadline(&self) -> Option<Instant> {
        let held = self
            .pending
            .values()
            .map(|p| p.reset_at.map_or(p.deadline, |r| r.min(p.deadline)))
            .min();
        [
            self.tcap.next_deadline(),
            self.ansi.next_deadline(),
            self.reassembler.next_deadline(),
            held,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Handle one M3UA DATA payload received on `assoc`.
    pub fn on_data(
        &mut self,
        assoc: AssocId,
        pd: &ProtocolData<'_>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        if pd.si != 3 {
            return Err(Fault::NotSccp(pd.si));
        }
        self.last_now = Some(now);
        self.last_now_ms = now_ms;
        let u = Unitdata::decode_variant(pd.data, self.variant)?;
        let route = Route::new(assoc, pd, &u, self.variant)?;
        let ssn = match self.resolve(&route, &u, fx)? {
            Dest::Local(ssn) => ssn,
            Dest::Relayed => return Ok(()),
        };
        if u.is_service() {
            return self.on_returned(&u, ssn, now, now_ms, fx);
        }
        if u.segmentation.is_none() {
            return self.deliver(ssn, &route, &u, now, now_ms, fx);
        }
        match self.reassembler.receive(pd.opc, pd.data, now)? {
            None => self.deliver(ssn, &route, &u, now, now_ms, fx),
            Some(SegmentOutcome::Pending { .. }) => {
                // Kept until the reassembler reports the message complete or failed.
                let mut calling = Vec::with_capacity(route.to.len());
                u.calling.encode_variant(&mut calling, self.variant)?;
                let key = ReassemblyKey {
                    opc: pd.opc,
                    calling,
                    local_reference: u.segmentation.map_or(0, |s| s.local_reference),
                };
                self.reassembly_routes.entry(key).or_insert(route);
                Ok(())
            }
            Some(SegmentOutcome::Duplicate) => Ok(()),
            Some(SegmentOutcome::Complete(r)) => {
                self.reassembly_routes.remove(&r.key);
                self.sccp_counters.reassembled += 1;
                let whole = r.message(self.variant)?;
                let route = Route::new(assoc, pd, &whole, self.variant)?;
                self.deliver(ssn, &route, &whole, now, now_ms, fx)
            }
            Some(SegmentOutcome::Failed(f)) => {
                let stored = self.reassembly_routes.remove(&f.key);
                self.sccp_counters.reassembly_failed += 1;
                if let Some(x) = f.returned {
                    *self.sccp_counters.returned.entry(f.cause).or_default() += 1;
                    fx.send.push(stored.unwrap_or(route).out(x));
                }
                Err(Fault::Reassembly(f.reason, f.cause))
            }
        }
    }

    /// SCCP routing of the called address (Q.714 §2.2): a local subsystem, or relayed.
    fn resolve(
        &mut self,
        route: &Route,
        u: &Unitdata<'_>,
        fx: &mut Effects,
    ) -> Result<Dest, Fault> {
        let ssn = if u.called.route_on_ssn || self.gt.gt_rules.is_empty() {
            // Route on SSN names the subsystem (the MTP brought it to our PC); without a
            // translation table a GT-routed message is ours, for the SSN it names or for
            // the CAMEL subsystem if it names none.
            match u.called.ssn {
                Some(s) => s,
                None if !u.called.route_on_ssn => self.cfg.camel_ssn,
                None => {
                    self.return_message(route, u, sccp::cause::UNEQUIPPED_USER, fx);
                    return Err(Fault::UnknownSubsystem(None));
                }
            }
        } else {
            // Global title translation: the hop counter goes down by one (Q.714 §2.3.5.1).
            let hop = match u.relay_hop_counter() {
                Ok(h) => h,
                Err(cause) => {
                    self.return_message(route, u, cause, fx);
                    return Err(Fault::HopCounter);
                }
            };
            match self.gt.route(&u.called)? {
                gt::Route::Local(s) => s,
                gt::Route::NoTranslation(cause) => {
                    self.return_message(route, u, cause, fx);
                    return Err(Fault::NoTranslation(cause));
                }
                gt::Route::Remote { pc, called } => {
                    // Relayed on the association it came in on, towards `pc`.
                    let relayed = Unitdata {
                        called: called.address(),
                        hop_counter: hop,
                        ..u.clone()
                    };
                    let mut sccp = Vec::with_capacity(u.data.len() + 48);
                    relayed.encode(&mut sccp, self.variant)?;
                    self.sccp_counters.relayed += 1;
                    fx.send.push(Outgoing {
                        dpc: pc,
                        ..route.out(sccp)
                    });
                    return Ok(Dest::Relayed);
                }
            }
        };
        if ssn == self.cfg.camel_ssn || Some(ssn) == self.cfg.ain_ssn || ssn == SSN_SCMG {
            Ok(Dest::Local(ssn))
        } else {
            self.return_message(route, u, sccp::cause::UNEQUIPPED_USER, fx);
            Err(Fault::UnknownSubsystem(Some(ssn)))
        }
    }

    /// A whole message for local subsystem `ssn`.
    fn deliver(
        &mut self,
        ssn: u8,
        route: &Route,
        u: &Unitdata<'_>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        if ssn == SSN_SCMG {
            return self.on_scmg(route, u, fx);
        }
        let ain = Some(ssn) == self.cfg.ain_ssn;
        let tcap = if ain { &mut self.ansi } else { &mut self.tcap };
        let before = Refusals::of(tcap.counters());
        tcap.on_message(route.clone(), ssn, u.data, now);
        let user = self.run_user(ain, now, now_ms, fx);
        let c = if ain { &self.ansi } else { &self.tcap }.counters();
        let refused = Refusals::of(c).since(&before, c, u.data);
        refused.map_or(user, Err)
    }

    /// SCCP management (Q.714 §5.3): SST for our subsystem answered with SSA.
    fn on_scmg(&mut self, route: &Route, u: &Unitdata<'_>, fx: &mut Effects) -> Result<(), Fault> {
        self.sccp_counters.scmg_received += 1;
        let events = self
            .scmg
            .receive(route.dpc, u)
            .map_err(|e| Fault::Scmg(e.to_string()))?;
        for ev in events {
            match ev {
                ScmgEvent::Send { dpc, sccp } => {
                    self.sccp_counters.scmg_sent += 1;
                    fx.send.push(Outgoing {
                        dpc,
                        ..route.out(sccp)
                    });
                }
                other => tracing::info!(?other, "SCCP management"),
            }
        }
        Ok(())
    }

    /// One of our messages came back (Q.714 §4.2): TC-NOTICE to its dialogue.
    fn on_returned(
        &mut self,
        u: &Unitdata<'_>,
        ssn: u8,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        let cause = u.return_cause.unwrap_or(sccp::cause::UNQUALIFIED);
        *self.sccp_counters.returned_to_us.entry(cause).or_default() += 1;
        // Only a first (or only) segment carries the transaction portion.
        let first = u.segmentation.is_none_or(|s| s.first);
        if first && ssn == self.cfg.camel_ssn {
            self.tcap.on_notice(u.data, cause);
            self.run_user(false, now, now_ms, fx)?;
        } else if first && Some(ssn) == self.cfg.ain_ssn {
            self.ansi.on_notice(u.data, cause);
            self.run_user(true, now, now_ms, fx)?;
        }
        Err(Fault::Returned(u.type_name(), cause))
    }

    /// Hand every pending TCAP indication to its TC-user (CAP on ITU TCAP, AIN on ANSI
    /// TCAP when `ain`), then send what TCAP queued.
    fn run_user(
        &mut self,
        ain: bool,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        let tcap = if ain { &mut self.ansi } else { &mut self.tcap };
        while let Some(i) = tcap.poll_indication() {
            batch.push(i);
        }
        let mut result = Ok(());
        for (n, ind) in batch.iter().enumerate() {
            // Rejects the component sub-layer queued for this dialogue's next message.
            let rejects_queued = ind.dialogue().is_some_and(|d| {
                batch[n + 1..]
                    .iter()
                    .any(|x| matches!(x, Indication::LReject { dialogue, .. } if *dialogue == d))
            });
            let handled = if ain {
                ain::indication(self, ind, rejects_queued, now, now_ms, fx)
            } else {
                camel::indication(self, ind, rejects_queued, now, now_ms, fx)
            };
            if let Err(e) = handled {
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        batch.clear();
        self.batch = batch;
        self.flush(fx);
        result
    }

    /// Send what TCAP queued, each in a UDT or XUDT(s) on its route.
    fn flush(&mut self, fx: &mut Effects) {
        while let Some(t) = self.tcap.poll_transmit() {
            self.send_sccp(&t.to, &t.data, fx);
        }
        while let Some(t) = self.ansi.poll_transmit() {
            self.send_sccp(&t.to, &t.data, fx);
        }
    }

    fn send_sccp(&mut self, route: &Route, tcap: &[u8], fx: &mut Effects) {
        if route.udt_fits(tcap.len()) {
            fx.send.push(route.udt(tcap));
            return;
        }
        let segments = (|| {
            let called = Address::decode_variant(&route.to, 0, self.variant)?;
            let calling = Address::decode_variant(&route.from, 0, self.variant)?;
            let u = Unitdata {
                hop_counter: Some(self.hop_counter),
                ..Unitdata::xudt(route.protocol_class, called, calling, tcap)
            };
            self.segmenter.segment(&u)
        })();
        match segments {
            Ok(segments) => {
                self.sccp_counters.xudt_sent += 1;
                if segments.len() > 1 {
                    self.sccp_counters.segmented_sent += 1;
                }
                fx.send
                    .extend(segments.into_iter().map(|sccp| route.out(sccp)));
            }
            Err(e) => {
                self.sccp_counters.too_long += 1;
                tracing::warn!(error = %e, len = tcap.len(), "answer not sent: too long for SCCP");
            }
        }
    }

    /// Return `u` to its originator with `cause` when it asked for it (Q.714 §4.2); of a
    /// segmented message only the first segment is returned.
    fn return_message(&mut self, route: &Route, u: &Unitdata<'_>, cause: u8, fx: &mut Effects) {
        if u.segmentation.is_some_and(|s| !s.first) {
            return;
        }
        let mut sccp = Vec::with_capacity(u.data.len() + 32);
        if let Ok(true) = u.encode_returned(cause, self.hop_counter, &mut sccp, self.variant) {
            *self.sccp_counters.returned.entry(cause).or_default() += 1;
            fx.send.push(route.out(sccp));
        }
    }

    /// Hold a trigger's dialogue for the data-session server's decision (policy `decide`):
    /// the query goes out in `fx`, the answer comes to [`Node::on_decision`], and the
    /// deadline to [`Node::on_tick`].
    pub(crate) fn hold(
        &mut self,
        key: (bool, DialogueId),
        call: crate::service::Call,
        event: CallEvent,
        answer: HeldAnswer,
        now: Instant,
        fx: &mut Effects,
    ) {
        self.holds += 1;
        let deadline = now + self.decision_deadline;
        let reset_at = match (answer, self.reset_timer) {
            (HeldAnswer::Cap(h), Some((after, _))) if h.can_reset_timer() => Some(now + after),
            _ => None,
        }
        .filter(|r| *r < deadline);
        fx.queries.push(Query {
            id: QueryId {
                ain: key.0,
                dialogue: key.1,
                seq: self.holds,
            },
            event,
        });
        self.pending.insert(
            key,
            Pending {
                seq: self.holds,
                call,
                answer,
                deadline,
                reset_at,
            },
        );
    }

    /// The held call of a dialogue that closed before its decision came.
    pub(crate) fn unhold(&mut self, key: (bool, DialogueId)) -> Option<crate::service::Call> {
        self.pending.remove(&key).map(|p| p.call)
    }

    /// Triggers waiting for a decision.
    pub fn pending_decisions(&self) -> usize {
        self.pending.len()
    }

    /// The data-session server's answer to `id` (`None`: none came, the fallback applies).
    /// Late answers (the deadline passed, or the dialogue ended) are ignored.
    pub fn on_decision(
        &mut self,
        id: QueryId,
        answer: Option<&crate::proto::DecisionAnswer>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) {
        let key = (id.ain, id.dialogue);
        if self.pending.get(&key).is_none_or(|p| p.seq != id.seq) {
            tracing::debug!(
                dialogue = id.dialogue.0,
                "decision for a trigger no longer held"
            );
            return;
        }
        let Some(p) = self.pending.remove(&key) else {
            return;
        };
        self.last_now = Some(now);
        self.last_now_ms = now_ms;
        self.decided(key, p, answer, now, now_ms, fx);
    }

    fn decided(
        &mut self,
        (ain, d): (bool, DialogueId),
        p: Pending,
        answer: Option<&crate::proto::DecisionAnswer>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) {
        let mut call = p.call;
        let instruction = self
            .engine
            .resolve(&mut call, answer, now_ms, &mut fx.events);
        let done = match p.answer {
            HeldAnswer::Cap(h) => camel::answer(self, d, call, instruction, h, now),
            HeldAnswer::Ain(h) => ain::answer(self, d, call, instruction, h, now),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, dialogue = d.0, ain, "decided call not answered");
        }
        self.flush(fx);
    }

    /// Held triggers: ResetTimer when due, the fallback at the deadline.
    fn held_timers(&mut self, now: Instant, now_ms: i64, fx: &mut Effects) {
        let due: Vec<(bool, DialogueId)> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            if let Some(p) = self.pending.remove(&key) {
                tracing::info!(dialogue = key.1 .0, "no decision in time: fallback");
                self.decided(key, p, None, now, now_ms, fx);
            }
        }
        let Some((_, seconds)) = self.reset_timer else {
            return;
        };
        let resets: Vec<DialogueId> = self
            .pending
            .iter_mut()
            .filter(|(_, p)| p.reset_at.is_some_and(|r| r <= now))
            .map(|(k, p)| {
                p.reset_at = None;
                k.1
            })
            .collect();
        for d in resets {
            if let Err(e) = camel::reset_timer(self, d, seconds, now) {
                tracing::warn!(error = %e, dialogue = d.0, "ResetTimer not sent");
            }
        }
        self.flush(fx);
    }

    /// Tell the concerned point codes the state of our subsystems (SSA/SSP, Q.714 §5.3.2):
    /// call when a route towards them comes up, so an STP that marked us prohibited while
    /// we were unreachable learns we are back.
    pub fn announce_subsystems(&mut self, fx: &mut Effects) {
        let events = self.scmg.announce();
        self.scmg_broadcast(events, fx);
    }

    /// A local subsystem goes in (`up`) or out of service: SSA/SSP to the concerned point
    /// codes when its state changes (Q.714 §5.3.2.2, §5.3.3.2).
    pub fn set_subsystem(&mut self, ssn: u8, up: bool, fx: &mut Effects) {
        let events = self.scmg.set_state(ssn, up);
        self.scmg_broadcast(events, fx);
    }

    fn scmg_broadcast(&mut self, events: Vec<ScmgEvent>, fx: &mut Effects) {
        for ev in events {
            if let ScmgEvent::Send { dpc, sccp } = ev {
                self.sccp_counters.scmg_sent += 1;
                fx.send.push(Outgoing {
                    assoc: ANY_ASSOC,
                    opc: self.cfg.point_code,
                    dpc,
                    ni: self.cfg.network_indicator,
                    // SCMG messages of one node keep their order on one SLS.
                    sls: 0,
                    sccp,
                });
            }
        }
    }

    /// Timers: invoke timers (TC-L-CANCEL), dialogues that went quiet (U-Abort and a
    /// DIALOGUE_TIMED_OUT event), and reassemblies whose T(reass) ran out (XUDTS when the
    /// first segment asked for return on error).
    pub fn on_tick(&mut self, now: Instant, now_ms: i64, fx: &mut Effects) {
        self.last_now = Some(now);
        self.last_now_ms = now_ms;
        self.held_timers(now, now_ms, fx);
        self.tcap.on_timeout(now);
        self.ansi.on_timeout(now);
        for ain in [false, true] {
            if let Err(e) = self.run_user(ain, now, now_ms, fx) {
                tracing::warn!(error = %e, "timer handling");
            }
        }
        for f in self.reassembler.expire(now) {
            self.sccp_counters.reassembly_failed += 1;
            let route = self.reassembly_routes.remove(&f.key);
            tracing::warn!(reason = f.reason, opc = f.key.opc, "SCCP reassembly failed");
            if let (Some(route), Some(x)) = (route, f.returned) {
                *self.sccp_counters.returned.entry(f.cause).or_default() += 1;
                fx.send.push(route.out(x));
            }
        }
    }

    /// The service engine (the daemon configures routing numbers and decisions on it).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Shutdown: end every open dialogue with a basic TC-END (the switch continues the call
    /// without us, TS 23.078 §4.5.2), so no switch is left waiting.
    /// The concerned point codes are told our subsystems are going out of service (SSP)
    /// first, so STPs stop routing new queries here.
    pub fn shutdown(&mut self, fx: &mut Effects) {
        let ssns: Vec<u8> = self.scmg.subsystems().collect();
        for ssn in ssns {
            self.set_subsystem(ssn, false, fx);
        }
        // A followed call implies a message was handled, so there is a last time.
        let Some(now) = self.last_now else { return };
        // Undecided triggers get the fallback now rather than an unexplained end.
        let held: Vec<_> = std::mem::take(&mut self.pending).into_iter().collect();
        for (key, p) in held {
            self.decided(key, p, None, now, self.last_now_ms, fx);
        }
        let open: Vec<DialogueId> = std::mem::take(&mut self.calls).into_keys().collect();
        for d in open {
            if let Err(e) = self.tcap.end(d, crate::tcap::sm::EndKind::Basic, now) {
                tracing::warn!(error = %e, dialogue = d.0, "not ended at shutdown");
            }
        }
        let open: Vec<DialogueId> = std::mem::take(&mut self.ain_calls).into_keys().collect();
        for d in open {
            ain::end_at_shutdown(self, d, now);
        }
        self.flush(fx);
    }
}

/// The TCAP counters that tell a message was refused rather than handed to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusals {
    ac_refused: u64,
    discarded: u64,
    /// P-Abort answers, all causes.
    p_aborts: u64,
}

impl Refusals {
    fn of(c: &Counters) -> Refusals {
        Refusals {
            ac_refused: c.ac_refused,
            discarded: c.discarded,
            p_aborts: c.p_abort_answers.values().sum(),
        }
    }

    /// The fault of a message (`data`) TCAP refused since `before`, if it did.
    fn since(&self, before: &Refusals, c: &Counters, data: &[u8]) -> Option<Fault> {
        if self == before {
            return None;
        }
        if self.ac_refused != before.ac_refused {
            return Some(Fault::Cap(
                "dialogue refused in application-context negotiation".into(),
            ));
        }
        let unknown_tid =
            || Fault::UnknownTransaction(crate::ber::hex(salvage_dtid(data).unwrap_or_default()));
        if self.p_aborts != before.p_aborts {
            return Some(match c.last_p_abort_answer {
                Some(PAbortCause::UnrecognizedTransactionId) | None => unknown_tid(),
                Some(cause) => Fault::PAbort(cause),
            });
        }
        Some(match salvage_dtid(data) {
            Some(_) => unknown_tid(),
            None => Fault::Ignored("undecodable TCAP without transaction id"),
        })
    }
}

/// The destination transaction id of a TCAP message, if its first elements can be read.
fn salvage_dtid(data: &[u8]) -> Option<&[u8]> {
    let (top, _) = crate::ber::Tlv::parse(data, 0).ok()?;
    if !top.tag.constructed {
        return None;
    }
    let mut r = crate::ber::Reader::new(top.value);
    for _ in 0..2 {
        match r.next_tlv() {
            Ok(Some(t)) if t.tag.is(itu::tags::DTID) => return Some(t.value),
            Ok(Some(t)) if t.tag.is(itu::tags::OTID) => continue,
            _ => return None,
        }
    }
    None
}
