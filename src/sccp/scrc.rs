//! SCCP routing control (Q.714 §2): what happens to a received connectionless message before
//! a local subsystem sees it, and how a subsystem's message goes out. Sans-IO: the MTP
//! transfer (M3UA DATA's Protocol Data) and the time come in; messages to send
//! ([`Outgoing`]) and the user data for a local subsystem come out.
//!
//! - **Routing** of the called address (§2.2): on SSN, or on GT through [`GtTable`] when
//!   rules are configured (an empty table keeps the old rule: a GT-routed message is ours,
//!   for the SSN it names or the default subsystem). A GT-routed message for another node is
//!   relayed on the association it came in on, the hop counter decremented (§2.3.5.1:
//!   violation returned with cause 0x0c).
//! - **Reassembly** of XUDT/LUDT segments ([`Reassembler`], T(reass) in
//!   [`Scrc::on_timeout`]); a failure returns XUDTS with its cause when the first segment
//!   asked for it.
//! - **Return on error** (§4.2): UDTS/XUDTS when the message asked for it; a returned
//!   message of ours comes up as [`Received::Returned`] (the TC-NOTICE of its dialogue).
//! - **SCMG** (§5.3, SSN 1): SST for a local subsystem answered with SSA; SSA/SSP to the
//!   concerned point codes on state changes.
//! - **Sending**: a UDT when it fits (user data ≤ 255 octets and the message ≤ 272 octets,
//!   the MTP3 SIF), else XUDT, segmented by [`Segmenter`] when needed.
//!
//! Answers go to the calling address of the received message, from its called address, and
//! the MTP3 routing label is swapped likewise ([`Route`]).

use crate::m3ua::ProtocolData;
use crate::sccp::route::{self as gt, GtRule, GtTable};
use crate::sccp::scmg::{Scmg, ScmgEvent, SSN_SCMG};
use crate::sccp::segment::{
    Reassembler, ReassemblyConfig, ReassemblyKey, SegmentOutcome, Segmenter,
};
use crate::sccp::{self, cause, Address, SccpError, Unitdata, Variant};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// Associations are named by the M3UA endpoint; [`ANY_ASSOC`] is the [`Outgoing::assoc`]
/// of a message that answers nothing (an SCMG broadcast): it is routed on its DPC alone.
pub use crate::m3ua::endpoint::{AssocId, ANY_ASSOC};

/// Largest MTP3 signalling information field (Q.703/Q.704): a UDT must fit it.
const MAX_SIF: usize = 272;

/// How SCCP routing control is set up.
#[derive(Debug, Clone)]
pub struct ScrcConfig {
    pub point_code: u32,
    /// MTP3 network indicator of the messages we originate (answers reuse the query's).
    pub network_indicator: u8,
    /// The local subsystems (besides SCMG); the first is where a GT-routed message that
    /// names no SSN goes when no translation table is configured.
    pub subsystems: Vec<u8>,
    pub variant: Variant,
    /// Hop counter of the XUDT/XUDTS/LUDTS we originate (Q.713 §3.18, 1–15).
    pub hop_counter: u8,
    pub reassembly: ReassemblyConfig,
    /// Most user data per XUDT segment we send; `None`: as much as fits.
    pub max_segment: Option<usize>,
    /// Local GT translation table; empty: every GT-routed message is ours.
    pub gt_rules: Vec<GtRule>,
    /// Point codes told SSA/SSP when a local subsystem changes state (§5.3.2).
    pub scmg_concerned: Vec<u32>,
}

/// An SCCP message for the transport to send as M3UA DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The association the dialogue came in on ([`ANY_ASSOC`]: none).
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

/// How to answer the sender of a received message: association, MTP3 label and SCCP
/// addresses, with called/calling and OPC/DPC already swapped. TCAP keeps one per dialogue
/// and hands it back with every message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub assoc: AssocId,
    pub opc: u32,
    pub dpc: u32,
    pub ni: u8,
    pub sls: u8,
    pub protocol_class: u8,
    /// Encoded SCCP address to send to (the received calling address).
    pub to: Arc<[u8]>,
    /// Encoded SCCP address we answer from (the received called address).
    pub from: Arc<[u8]>,
}

/// Encoded addresses shared by the routes that use them: the dialogues of a node answer a
/// few peers from a few addresses, so a route (kept per dialogue) costs two reference
/// counts rather than two allocations.
#[derive(Debug, Default)]
struct Addresses {
    set: HashSet<Arc<[u8]>>,
    scratch: Vec<u8>,
}

/// Distinct addresses kept before those no route uses any more are let go.
const MAX_ADDRESSES: usize = 4096;

impl Addresses {
    fn intern(&mut self, a: &Address<'_>, variant: Variant) -> Result<Arc<[u8]>, SccpError> {
        self.scratch.clear();
        a.encode_variant(&mut self.scratch, variant)?;
        if let Some(x) = self.set.get(self.scratch.as_slice()) {
            return Ok(x.clone());
        }
        if self.set.len() >= MAX_ADDRESSES {
            self.set.retain(|x| Arc::strong_count(x) > 1);
        }
        let x: Arc<[u8]> = Arc::from(self.scratch.as_slice());
        self.set.insert(x.clone());
        Ok(x)
    }

    /// The route answering `u` (received on `assoc` with label `pd`), its addresses encoded
    /// in `variant` (the one `u` was decoded in, so encoding cannot meet a GTI the layout
    /// lacks).
    fn route(
        &mut self,
        assoc: AssocId,
        pd: &ProtocolData<'_>,
        u: &Unitdata<'_>,
        variant: Variant,
    ) -> Result<Route, SccpError> {
        Ok(Route {
            assoc,
            opc: pd.dpc,
            dpc: pd.opc,
            ni: pd.ni,
            sls: pd.sls,
            // Same class back; the return option stays as the sender chose it.
            protocol_class: u.protocol_class,
            to: self.intern(&u.calling, variant)?,
            from: self.intern(&u.called, variant)?,
        })
    }
}

impl Route {
    /// An SCCP message on this route's association and MTP3 label.
    pub fn out(&self, sccp: Vec<u8>) -> Outgoing {
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

    /// Wrap user data in a UDT for this route.
    pub fn udt(&self, data: &[u8]) -> Outgoing {
        let mut sccp = Vec::with_capacity(data.len() + self.to.len() + self.from.len() + 8);
        sccp::encode_udt_raw(&mut sccp, self.protocol_class, &self.to, &self.from, data);
        self.out(sccp)
    }
}

/// Outcome counters, for metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages received, by message type code (Q.713 §2.1: UDT 9, UDTS 10, XUDT 17,
    /// XUDTS 18, LUDT 19, LUDTS 20; anything else counts under its own code).
    pub received: [u64; 32],
    /// Segmented messages reassembled.
    pub reassembled: u64,
    /// Reassemblies failed (timer, limits, inconsistent segments).
    pub reassembly_failed: u64,
    /// UDTS/XUDTS/LUDTS we sent, by return cause.
    pub returned: BTreeMap<u8, u64>,
    /// Service messages received (one of ours came back), by return cause.
    pub returned_to_us: BTreeMap<u8, u64>,
    /// Messages sent in XUDT because they did not fit a UDT, and how many of those were
    /// segmented.
    pub xudt_sent: u64,
    pub segmented_sent: u64,
    /// Messages that could not be sent at all (too long even for 16 segments).
    pub too_long: u64,
    /// Messages relayed to another node after GT translation.
    pub relayed: u64,
    /// SCMG messages received and sent.
    pub scmg_received: u64,
    pub scmg_sent: u64,
}

/// Why a received message did not reach a subsystem (for logs and counters). The protocol's
/// own answer, when there is one, is already among the transmits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("service indicator {0} is not SCCP")]
    NotSccp(u8),
    #[error("SCCP: {0}")]
    Sccp(#[from] SccpError),
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
}

/// What a received message is for.
#[derive(Debug)]
pub enum Received<'a> {
    /// User data for local subsystem `ssn` (whole: reassembled when it came in segments),
    /// and how to answer its sender.
    Data {
        ssn: u8,
        route: Route,
        data: Cow<'a, [u8]>,
    },
    /// One of our messages came back (UDTS/XUDTS/LUDTS, §4.2) from subsystem `ssn`'s
    /// dialogue: the returned user data (its first segment) and the cause.
    Returned {
        ssn: u8,
        data: &'a [u8],
        cause: u8,
        first: bool,
    },
    /// Handled here (relayed, a segment kept, SCMG answered) or nothing to do.
    Done,
}

/// Where a received message goes.
enum Dest {
    Local(u8),
    Relayed,
}

/// SCCP routing control of one node (or one shard of it).
pub struct Scrc {
    cfg: ScrcConfig,
    reassembler: Reassembler,
    /// Where to return a failed reassembly's XUDTS, per message being reassembled.
    reassembly_routes: HashMap<ReassemblyKey, Route>,
    segmenter: Segmenter,
    gt: GtTable,
    scmg: Scmg,
    counters: Counters,
    addresses: Addresses,
}

impl Scrc {
    /// Replace the GT translation rules and the SCMG concerned point codes (a
    /// configuration reload; messages being reassembled keep their routes).
    pub fn reload(&mut self, gt_rules: Vec<GtRule>, scmg_concerned: Vec<u32>) {
        self.gt = GtTable::new(
            self.cfg.variant,
            Some(self.cfg.point_code),
            gt_rules.clone(),
        );
        self.cfg.gt_rules = gt_rules;
        self.scmg.set_concerned(scmg_concerned.clone());
        self.cfg.scmg_concerned = scmg_concerned;
    }

    /// `first_reference`: where segmentation local references start (e.g. the boot time,
    /// so a restart does not reuse the last run's references at once).
    pub fn new(cfg: ScrcConfig, first_reference: u32) -> Scrc {
        let variant = cfg.variant;
        let mut segmenter = Segmenter::new(variant, first_reference);
        segmenter.max_segment = cfg.max_segment;
        let mut reassembler = Reassembler::new(variant, cfg.reassembly);
        reassembler.hop_counter = cfg.hop_counter;
        Scrc {
            reassembler,
            reassembly_routes: HashMap::new(),
            segmenter,
            gt: GtTable::new(variant, Some(cfg.point_code), cfg.gt_rules.clone()),
            scmg: Scmg::new(
                variant,
                cfg.point_code,
                cfg.subsystems.iter().copied(),
                cfg.scmg_concerned.clone(),
            ),
            counters: Counters::default(),
            addresses: Addresses::default(),
            cfg,
        }
    }

    pub fn variant(&self) -> Variant {
        self.cfg.variant
    }
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
    /// Messages being reassembled.
    pub fn reassemblies(&self) -> usize {
        self.reassembler.in_progress()
    }
    /// Return routes kept for messages being reassembled (one per reassembly at most).
    pub fn return_routes(&self) -> usize {
        self.reassembly_routes.len()
    }
    /// When [`Scrc::on_timeout`] next has something to do (T(reass)).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.reassembler.next_deadline()
    }

    /// One MTP transfer (M3UA DATA payload) received on `assoc`.
    pub fn receive<'a>(
        &mut self,
        assoc: AssocId,
        pd: &ProtocolData<'a>,
        now: Instant,
        out: &mut Vec<Outgoing>,
    ) -> Result<Received<'a>, Fault> {
        if pd.si != 3 {
            return Err(Fault::NotSccp(pd.si));
        }
        if let Some(n) = pd
            .data
            .first()
            .and_then(|&t| self.counters.received.get_mut(usize::from(t)))
        {
            *n += 1;
        }
        let variant = self.cfg.variant;
        let u = match Unitdata::decode_variant(pd.data, variant) {
            Ok(u) => u,
            Err(e) => {
                // Refused, and returned when the sender asked for it and enough is readable.
                if let Some(u) = Unitdata::salvage(pd.data, variant, pd.opc) {
                    if let Ok(route) = self.addresses.route(assoc, pd, &u, variant) {
                        self.return_message(&route, &u, cause::UNQUALIFIED, out);
                    }
                }
                return Err(e.into());
            }
        };
        let route = self.addresses.route(assoc, pd, &u, variant)?;
        let ssn = match self.resolve(&route, &u, out)? {
            Dest::Local(ssn) => ssn,
            Dest::Relayed => return Ok(Received::Done),
        };
        if u.is_service() {
            let cause = u.return_cause.unwrap_or(cause::UNQUALIFIED);
            *self.counters.returned_to_us.entry(cause).or_default() += 1;
            if ssn == SSN_SCMG {
                return Err(Fault::Returned(u.type_name(), cause));
            }
            // Only a first (or only) segment carries the transaction portion.
            return Ok(Received::Returned {
                ssn,
                data: u.data,
                cause,
                first: u.segmentation.is_none_or(|s| s.first),
            });
        }
        if u.segmentation.is_none() {
            return self.local(ssn, route, &u, Cow::Borrowed(u.data), out);
        }
        match self.reassembler.receive(pd.opc, pd.data, now)? {
            None => self.local(ssn, route, &u, Cow::Borrowed(u.data), out),
            Some(SegmentOutcome::Pending { .. }) => {
                // Kept until the reassembler reports the message complete or failed.
                let mut calling = Vec::with_capacity(route.to.len());
                u.calling.encode_variant(&mut calling, variant)?;
                let key = ReassemblyKey {
                    opc: pd.opc,
                    calling,
                    local_reference: u.segmentation.map_or(0, |s| s.local_reference),
                };
                self.reassembly_routes.entry(key).or_insert(route);
                Ok(Received::Done)
            }
            Some(SegmentOutcome::Duplicate) => Ok(Received::Done),
            Some(SegmentOutcome::Complete(r)) => {
                self.reassembly_routes.remove(&r.key);
                self.counters.reassembled += 1;
                let whole = r.message(variant)?;
                let route = self.addresses.route(assoc, pd, &whole, variant)?;
                let data = Cow::Owned(whole.data.to_vec());
                self.local(ssn, route, &whole, data, out)
            }
            Some(SegmentOutcome::Failed(f)) => {
                let stored = self.reassembly_routes.remove(&f.key);
                self.counters.reassembly_failed += 1;
                if let Some(x) = f.returned {
                    *self.counters.returned.entry(f.cause).or_default() += 1;
                    out.push(stored.unwrap_or(route).out(x));
                }
                Err(Fault::Reassembly(f.reason, f.cause))
            }
        }
    }

    /// A whole message for local subsystem `ssn`: SCMG is answered here, the rest goes up.
    fn local<'a>(
        &mut self,
        ssn: u8,
        route: Route,
        u: &Unitdata<'_>,
        data: Cow<'a, [u8]>,
        out: &mut Vec<Outgoing>,
    ) -> Result<Received<'a>, Fault> {
        if ssn == SSN_SCMG {
            self.on_scmg(&route, u, out)?;
            return Ok(Received::Done);
        }
        Ok(Received::Data { ssn, route, data })
    }

    /// Routing of the called address (§2.2): a local subsystem, or relayed.
    fn resolve(
        &mut self,
        route: &Route,
        u: &Unitdata<'_>,
        out: &mut Vec<Outgoing>,
    ) -> Result<Dest, Fault> {
        let ssn = if u.called.route_on_ssn || self.gt.gt_rules.is_empty() {
            // Route on SSN names the subsystem (the MTP brought it to our PC); without a
            // translation table a GT-routed message is ours, for the SSN it names or for
            // the default subsystem if it names none.
            match u.called.ssn {
                Some(s) => s,
                None if !u.called.route_on_ssn => self.default_ssn(),
                None => {
                    self.return_message(route, u, cause::UNEQUIPPED_USER, out);
                    return Err(Fault::UnknownSubsystem(None));
                }
            }
        } else {
            // Global title translation: the hop counter goes down by one (§2.3.5.1).
            let hop = match u.relay_hop_counter() {
                Ok(h) => h,
                Err(c) => {
                    self.return_message(route, u, c, out);
                    return Err(Fault::HopCounter);
                }
            };
            match self.gt.route(&u.called)? {
                gt::Route::Local(s) => s,
                gt::Route::NoTranslation(c) => {
                    self.return_message(route, u, c, out);
                    return Err(Fault::NoTranslation(c));
                }
                gt::Route::Remote { pc, called } => {
                    // Relayed on the association it came in on, towards `pc`.
                    let relayed = Unitdata {
                        called: called.address(),
                        hop_counter: hop,
                        ..u.clone()
                    };
                    let mut sccp = Vec::with_capacity(u.data.len() + 48);
                    relayed.encode(&mut sccp, self.cfg.variant)?;
                    self.counters.relayed += 1;
                    out.push(Outgoing {
                        dpc: pc,
                        ..route.out(sccp)
                    });
                    return Ok(Dest::Relayed);
                }
            }
        };
        if ssn == SSN_SCMG || self.cfg.subsystems.contains(&ssn) {
            Ok(Dest::Local(ssn))
        } else {
            self.return_message(route, u, cause::UNEQUIPPED_USER, out);
            Err(Fault::UnknownSubsystem(Some(ssn)))
        }
    }

    fn default_ssn(&self) -> u8 {
        self.cfg.subsystems.first().copied().unwrap_or(0)
    }

    /// SCCP management (§5.3): SST for our subsystem answered with SSA.
    fn on_scmg(
        &mut self,
        route: &Route,
        u: &Unitdata<'_>,
        out: &mut Vec<Outgoing>,
    ) -> Result<(), Fault> {
        self.counters.scmg_received += 1;
        let events = self
            .scmg
            .receive(route.dpc, u)
            .map_err(|e| Fault::Scmg(e.to_string()))?;
        for ev in events {
            match ev {
                ScmgEvent::Send { dpc, sccp } => {
                    self.counters.scmg_sent += 1;
                    out.push(Outgoing {
                        dpc,
                        ..route.out(sccp)
                    });
                }
                other => tracing::info!(?other, "SCCP management"),
            }
        }
        Ok(())
    }

    /// Send a subsystem's user data on `route`, in a UDT or XUDT(s).
    pub fn send(&mut self, route: &Route, data: &[u8], out: &mut Vec<Outgoing>) {
        if route.udt_fits(data.len()) {
            out.push(route.udt(data));
            return;
        }
        let variant = self.cfg.variant;
        let segments = (|| {
            let called = Address::decode_variant(&route.to, 0, variant)?;
            let calling = Address::decode_variant(&route.from, 0, variant)?;
            let u = Unitdata {
                hop_counter: Some(self.cfg.hop_counter),
                ..Unitdata::xudt(route.protocol_class, called, calling, data)
            };
            self.segmenter.segment(&u)
        })();
        match segments {
            Ok(segments) => {
                self.counters.xudt_sent += 1;
                if segments.len() > 1 {
                    self.counters.segmented_sent += 1;
                }
                out.extend(segments.into_iter().map(|sccp| route.out(sccp)));
            }
            Err(e) => {
                self.counters.too_long += 1;
                tracing::warn!(error = %e, len = data.len(), "not sent: too long for SCCP");
            }
        }
    }

    /// Return `u` to its originator with `cause` when it asked for it (§4.2); of a
    /// segmented message only the first segment is returned.
    fn return_message(
        &mut self,
        route: &Route,
        u: &Unitdata<'_>,
        cause: u8,
        out: &mut Vec<Outgoing>,
    ) {
        if u.segmentation.is_some_and(|s| !s.first) {
            return;
        }
        let mut sccp = Vec::with_capacity(u.data.len() + 32);
        if let Ok(true) =
            u.encode_returned(cause, self.cfg.hop_counter, &mut sccp, self.cfg.variant)
        {
            *self.counters.returned.entry(cause).or_default() += 1;
            out.push(route.out(sccp));
        }
    }

    /// Reassemblies whose T(reass) ran out: XUDTS when the first segment asked for return.
    pub fn on_timeout(&mut self, now: Instant, out: &mut Vec<Outgoing>) {
        for f in self.reassembler.expire(now) {
            self.counters.reassembly_failed += 1;
            let route = self.reassembly_routes.remove(&f.key);
            tracing::warn!(reason = f.reason, opc = f.key.opc, "SCCP reassembly failed");
            if let (Some(route), Some(x)) = (route, f.returned) {
                *self.counters.returned.entry(f.cause).or_default() += 1;
                out.push(route.out(x));
            }
        }
    }

    /// Tell the concerned point codes the state of our subsystems (SSA/SSP, §5.3.2): call
    /// when a route towards them comes up, so an STP that marked us prohibited while we
    /// were unreachable learns we are back.
    pub fn announce(&mut self, out: &mut Vec<Outgoing>) {
        let events = self.scmg.announce();
        self.broadcast(events, out);
    }

    /// A local subsystem goes in (`up`) or out of service: SSA/SSP to the concerned point
    /// codes when its state changes (§5.3.2.2, §5.3.3.2).
    pub fn set_subsystem(&mut self, ssn: u8, up: bool, out: &mut Vec<Outgoing>) {
        let events = self.scmg.set_state(ssn, up);
        self.broadcast(events, out);
    }

    /// Our subsystems (the ones SCMG reports on).
    pub fn subsystems(&self) -> Vec<u8> {
        self.scmg.subsystems().collect()
    }

    fn broadcast(&mut self, events: Vec<ScmgEvent>, out: &mut Vec<Outgoing>) {
        for ev in events {
            if let ScmgEvent::Send { dpc, sccp } = ev {
                self.counters.scmg_sent += 1;
                out.push(Outgoing {
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
}
