//! scpd as the SG/server side: a [`PeerAsp`] per association and the [`Router`]'s
//! Application Servers kept in step with them, so NTFY goes out as each AS changes state
//! (AS-INACTIVE on the first ASPUP, AS-ACTIVE, AS-PENDING with T(r), Alternate ASP Active,
//! ASP Failure) and DATA towards an AS is routed to one of its active ASPs. Sans-IO like the
//! rest.
//!
//! Several ASes (RFC 4666 §1.4.2.1: an AS per MSC, each served by that MSC's links): an
//! association belongs to the AS named by the routing context it activates with (ASPAC),
//! else to the one configured for its ASP Identifier or remote address, else to the one AS
//! open to anyone; with none of these ASPAC gets ERR "No Configured AS for ASP" (§3.8.1).
//! The AS of an association is remembered for a while after it is lost, so an answer to a
//! dialogue that came in on it fails over within the same AS only.
//!
//! Routing key management (§3.6, §4.4.2) when offered ([`Rkm`]): REG REQ joins a configured
//! AS (named by its routing context or matching its point codes) or creates one for the
//! key's destination point codes with a routing context from [`Rkm::first_rc`] up; DEREG REQ
//! leaves it. A created AS goes away once no ASP has it registered and it is down (after
//! T(r) when it was active). Without [`Rkm`], RKM messages get ERR "Unsupported Message
//! Class" (RKM is optional, §3.6).

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::asp::{AsConfig, AspState, Handled, PeerAsp};
use super::codec::{ErrorCode, Kind, Message};
use super::pdu::{
    self, dereg_status, reg_status, DeregResult, DeregRsp, MaskedPc, Pdu, RegResult, RegRsp,
    RoutingKey, Seq, TrafficMode,
};
use super::routing::{AsNotice, AsSpec, AsState, AssociationId, Router, Unroutable};

/// Messages to send: (association, one encoded M3UA message or several back to back).
pub type Outbox = Vec<(AssociationId, Vec<u8>)>;

/// One configured server-side Application Server and which ASPs belong to it.
#[derive(Debug, Clone, Default)]
pub struct ServerAs {
    pub name: String,
    /// Routing contexts naming the AS in ASPAC/DATA (the first is stamped on NTFY). Empty:
    /// its ASPs activate without one.
    pub routing_contexts: Vec<u32>,
    pub traffic_mode: TrafficMode,
    /// Point codes behind the AS (an MSC's own): DATA to them that no dialogue ties to an
    /// association goes to this AS. Empty: the default AS for such traffic.
    pub point_codes: Vec<MaskedPc>,
    /// ASPs that belong to it by the ASP Identifier they send in ASPUP...
    pub asp_ids: Vec<u32>,
    /// ...or by the remote address of their association. With neither list, the AS is
    /// open to any ASP.
    pub peers: Vec<IpAddr>,
}

impl ServerAs {
    fn open(&self) -> bool {
        self.asp_ids.is_empty() && self.peers.is_empty()
    }
}

/// Dynamic registration (RKM) policy.
#[derive(Debug, Clone)]
pub struct Rkm {
    /// Whether REG REQ may create ASes; otherwise it can only join configured ones.
    pub dynamic: bool,
    /// Routing contexts of created ASes are the lowest free ones from here up.
    pub first_rc: u32,
    /// At most this many created ASes at once ("Insufficient Resources" beyond).
    pub max_as: usize,
    /// Largest point code of the network's format (0x3fff for 14-bit ITU).
    pub pc_max: u32,
}

/// How the server side is set up.
#[derive(Debug, Clone)]
pub struct SgConfig {
    /// Our own point code: reported available in answer to DAUD, never a routing key's DPC.
    pub local_pc: u32,
    pub t_r: Duration,
    pub ases: Vec<ServerAs>,
    pub rkm: Option<Rkm>,
}

#[derive(Debug)]
struct AsMeta {
    cfg: ServerAs,
    /// Created by REG REQ.
    dynamic: bool,
    /// Associations that registered for it, with their Local-RK-Identifier.
    registrants: BTreeMap<AssociationId, u32>,
    /// Sorted destination point codes (the routing key; a configured AS's point codes).
    key: Vec<MaskedPc>,
}

#[derive(Debug)]
struct Peer {
    asp: PeerAsp,
    addr: Option<IpAddr>,
    /// The AS this ASP is (or is about to be) an ASP of.
    bound: Option<usize>,
}

/// Associations lost whose AS is still remembered (answers to their dialogues).
const GONE_MEMORY: usize = 1024;

#[derive(Debug)]
pub struct Sg {
    local_pc: u32,
    t_r: Duration,
    rkm: Option<Rkm>,
    meta: BTreeMap<usize, AsMeta>,
    peers: BTreeMap<AssociationId, Peer>,
    gone: VecDeque<(AssociationId, usize)>,
    router: Router,
}

impl Sg {
    /// One AS, open to every ASP (the embedded default), without RKM.
    pub fn new(cfg: AsConfig, spec: AsSpec) -> Sg {
        Sg::with_config(SgConfig {
            local_pc: cfg.local_pc,
            t_r: spec.t_r,
            ases: vec![ServerAs {
                name: "default".into(),
                routing_contexts: cfg.routing_contexts,
                traffic_mode: spec.traffic_mode,
                point_codes: spec.dpcs,
                ..ServerAs::default()
            }],
            rkm: None,
        })
    }

    pub fn with_config(cfg: SgConfig) -> Sg {
        let mut sg = Sg {
            local_pc: cfg.local_pc,
            t_r: cfg.t_r,
            rkm: cfg.rkm,
            meta: BTreeMap::new(),
            peers: BTreeMap::new(),
            gone: VecDeque::new(),
            router: Router::new(),
        };
        for a in cfg.ases {
            sg.add_as(a, false);
        }
        sg
    }

    fn add_as(&mut self, cfg: ServerAs, dynamic: bool) -> usize {
        let mut key = cfg.point_codes.clone();
        key.sort_by_key(|p| (p.pc, p.mask));
        key.dedup();
        let i = self.router.add(AsSpec {
            routing_context: cfg.routing_contexts.first().copied(),
            traffic_mode: cfg.traffic_mode,
            dpcs: cfg.point_codes.clone(),
            t_r: self.t_r,
        });
        self.meta.insert(
            i,
            AsMeta {
                cfg,
                dynamic,
                registrants: BTreeMap::new(),
                key,
            },
        );
        i
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    pub fn peer(&self, a: AssociationId) -> Option<&PeerAsp> {
        self.peers.get(&a).map(|p| &p.asp)
    }

    /// The AS association `a` belongs (or, lost lately, belonged) to.
    pub fn as_of(&self, a: AssociationId) -> Option<usize> {
        match self.peers.get(&a) {
            Some(p) => p.bound,
            None => self
                .gone
                .iter()
                .rev()
                .find(|(g, _)| *g == a)
                .map(|(_, i)| *i),
        }
        .filter(|i| self.meta.contains_key(i))
    }

    /// The AS's name (configured, or `rkm-RC` for a registered one).
    pub fn as_name(&self, i: usize) -> Option<&str> {
        self.meta.get(&i).map(|m| m.cfg.name.as_str())
    }

    pub fn traffic_mode(&self, i: usize) -> Option<TrafficMode> {
        self.router.get(i).map(|s| s.spec().traffic_mode)
    }

    pub fn as_state(&self, i: usize) -> Option<AsState> {
        self.router.get(i).map(|s| s.state())
    }

    /// Associations active for AS `i`.
    pub fn active_in(&self, i: usize) -> Vec<AssociationId> {
        self.router
            .get(i)
            .map(|s| s.active().collect())
            .unwrap_or_default()
    }

    /// The AS whose routing context is `rc`.
    pub fn as_with_rc(&self, rc: u32) -> Option<usize> {
        self.meta
            .iter()
            .find(|(_, m)| m.cfg.routing_contexts.contains(&rc))
            .map(|(i, _)| *i)
    }

    /// The AS that serves `dpc` when no dialogue names one.
    pub fn serving(&self, dpc: u32) -> Option<usize> {
        self.router.serving(dpc)
    }

    /// A new association was accepted.
    pub fn connected(&mut self, a: AssociationId) {
        self.connected_from(a, None);
    }

    /// A new association was accepted from `addr`.
    pub fn connected_from(&mut self, a: AssociationId, addr: Option<IpAddr>) {
        let mut asp = PeerAsp::new(AsConfig {
            routing_contexts: Vec::new(),
            local_pc: self.local_pc,
        });
        asp.set_notify(false);
        self.peers.insert(
            a,
            Peer {
                asp,
                addr,
                bound: None,
            },
        );
    }

    /// The AS an ASP belongs to when it activates without a routing context: one it
    /// registered, else one configured for its ASP Identifier or address, else the only
    /// AS open to anyone.
    fn candidate(&self, a: AssociationId) -> Result<usize, ErrorCode> {
        let p = self.peers.get(&a).ok_or(ErrorCode::NoConfiguredAsForAsp)?;
        let id = p.asp.asp_id();
        let find =
            |f: &dyn Fn(&AsMeta) -> bool| self.meta.iter().find(|(_, m)| f(m)).map(|(i, _)| *i);
        if let Some(i) = find(&|m| m.registrants.contains_key(&a))
            .or_else(|| find(&|m| id.is_some_and(|id| m.cfg.asp_ids.contains(&id))))
            .or_else(|| find(&|m| p.addr.is_some_and(|ad| m.cfg.peers.contains(&ad))))
        {
            return Ok(i);
        }
        let mut open = self.meta.iter().filter(|(_, m)| !m.dynamic && m.cfg.open());
        match (open.next(), open.next()) {
            (Some((i, _)), None) => Ok(*i),
            _ => Err(ErrorCode::NoConfiguredAsForAsp),
        }
    }

    /// Whether the ASP on `a` may serve AS `i`.
    fn allowed(&self, a: AssociationId, i: usize) -> bool {
        let (Some(m), Some(p)) = (self.meta.get(&i), self.peers.get(&a)) else {
            return false;
        };
        if m.registrants.contains_key(&a) {
            return true;
        }
        !m.dynamic
            && (m.cfg.open()
                || p.asp.asp_id().is_some_and(|id| m.cfg.asp_ids.contains(&id))
                || p.addr.is_some_and(|ad| m.cfg.peers.contains(&ad)))
    }

    /// The AS an ASPAC with routing contexts `rcs` activates the ASP on `a` for.
    fn resolve(&self, a: AssociationId, rcs: &[u32]) -> Result<usize, ErrorCode> {
        let Some(first) = rcs.first() else {
            return self.candidate(a);
        };
        let i = self
            .as_with_rc(*first)
            .ok_or(ErrorCode::InvalidRoutingContext)?;
        let all_same = rcs
            .iter()
            .all(|rc| self.meta[&i].cfg.routing_contexts.contains(rc));
        if !all_same || !self.allowed(a, i) {
            return Err(ErrorCode::InvalidRoutingContext);
        }
        Ok(i)
    }

    /// One message received on association `a`.
    pub fn handle<'a>(
        &mut self,
        a: AssociationId,
        now: Instant,
        bytes: &'a [u8],
        outbox: &mut Outbox,
    ) -> Handled<'a> {
        if !self.peers.contains_key(&a) {
            self.connected(a);
        }
        let kind = Message::parse(bytes).ok().and_then(|m| m.kind());
        let mut out = Vec::new();
        if matches!(kind, Some(Kind::RegReq | Kind::DeregReq)) && self.rkm.is_some() {
            let h = self.rkm(a, now, bytes, &mut out, outbox);
            if !out.is_empty() {
                outbox.insert(0, (a, out));
            }
            return h;
        }
        let Some(p) = self.peers.get(&a) else {
            return Handled::Managed;
        };
        let (before, old) = (p.asp.state(), p.bound);
        let mut bind = None;
        if kind == Some(Kind::AspAc) && before != AspState::Down {
            // Only a well-formed ASPAC is placed in an AS; PeerAsp answers the others.
            if let Ok(Pdu::AspAc(tm)) = pdu::receive(bytes) {
                let rcs: Vec<u32> = tm
                    .rc
                    .iter()
                    .flat_map(|l| l.iter().collect::<Vec<_>>())
                    .collect();
                match self.resolve(a, &rcs) {
                    Ok(i) => bind = Some(i),
                    Err(code) => {
                        pdu::encode_err(&mut out, code, None, None);
                        outbox.push((a, out));
                        return Handled::Refused {
                            code,
                            reason: format!("ASPAC for routing contexts {rcs:?}"),
                        };
                    }
                }
            }
        }
        let rcs_for = |sg: &Sg, i: Option<usize>| {
            i.and_then(|i| sg.meta.get(&i))
                .map(|m| m.cfg.routing_contexts.clone())
                .unwrap_or_default()
        };
        let rcs = rcs_for(self, bind.or(old));
        let Some(p) = self.peers.get_mut(&a) else {
            return Handled::Managed;
        };
        p.asp.set_routing_contexts(&rcs);
        let h = p.asp.handle(bytes, &mut out);
        let (after, asp_id) = (p.asp.state(), p.asp.asp_id());
        if !out.is_empty() {
            outbox.push((a, out));
        }
        let mut n = Vec::new();
        let mut bound = old;
        if before == AspState::Down && after == AspState::Inactive {
            bound = bound.or_else(|| self.candidate(a).ok());
            if let Some(s) = bound.and_then(|i| self.router.get_mut(i)) {
                s.asp_up(a, asp_id, now, &mut n);
            }
        } else if after == AspState::Active && bind.is_some() && (before != after || bind != old) {
            if bind != old {
                if let Some(s) = old.and_then(|i| self.router.get_mut(i)) {
                    s.asp_down(a, now, &mut n);
                }
                if let Some(s) = bind.and_then(|i| self.router.get_mut(i)) {
                    s.asp_up(a, asp_id, now, &mut n);
                }
            }
            bound = bind;
            if let Some(s) = bound.and_then(|i| self.router.get_mut(i)) {
                s.asp_active(a, now, &mut n);
            }
        } else if before == AspState::Active && after == AspState::Inactive {
            if let Some(s) = bound.and_then(|i| self.router.get_mut(i)) {
                s.asp_inactive(a, now, &mut n);
            }
        } else if before != AspState::Down && after == AspState::Down {
            if let Some(s) = bound.and_then(|i| self.router.get_mut(i)) {
                s.asp_down(a, now, &mut n);
            }
            bound = None;
        }
        let rcs = rcs_for(self, bound);
        if let Some(p) = self.peers.get_mut(&a) {
            p.bound = bound;
            p.asp.set_routing_contexts(&rcs);
        }
        self.apply(n, outbox);
        h
    }

    /// REG REQ / DEREG REQ (§3.6) from the ASP on `a`.
    fn rkm<'a>(
        &mut self,
        a: AssociationId,
        now: Instant,
        bytes: &'a [u8],
        out: &mut Vec<u8>,
        outbox: &mut Outbox,
    ) -> Handled<'a> {
        let pdu = match pdu::receive(bytes) {
            Ok(p) => p,
            Err((e, diag)) => {
                let code = e.error_code();
                pdu::encode_err(out, code, None, diag.then_some(bytes));
                return Handled::Refused {
                    code,
                    reason: e.to_string(),
                };
            }
        };
        if self.peers.get(&a).map(|p| p.asp.state()) != Some(AspState::Inactive)
            && self.peers.get(&a).map(|p| p.asp.state()) != Some(AspState::Active)
        {
            let code = ErrorCode::UnexpectedMessage;
            pdu::encode_err(out, code, None, None);
            return Handled::Refused {
                code,
                reason: format!("{} while ASP-DOWN", pdu.kind().name()),
            };
        }
        match pdu {
            Pdu::RegReq(r) => {
                let results: Vec<RegResult> = r.keys.iter().map(|k| self.register(a, &k)).collect();
                Pdu::RegRsp(RegRsp {
                    results: Seq::Values(&results),
                })
                .encode(out);
            }
            Pdu::DeregReq(d) => {
                let rcs: Vec<u32> =
                    d.rc.iter()
                        .flat_map(|l| l.iter().collect::<Vec<_>>())
                        .collect();
                let mut n = Vec::new();
                let results: Vec<DeregResult> = rcs
                    .iter()
                    .map(|rc| DeregResult {
                        rc: *rc,
                        status: self.deregister(a, *rc, now, &mut n),
                    })
                    .collect();
                Pdu::DeregRsp(DeregRsp {
                    results: Seq::Values(&results),
                })
                .encode(out);
                self.apply(n, outbox);
                self.gc();
            }
            _ => {}
        }
        Handled::Managed
    }

    /// One routing key of a REG REQ: the Registration Result (§3.6.2).
    fn register(&mut self, a: AssociationId, rk: &RoutingKey<'_>) -> RegResult {
        let res = |status, rc| RegResult {
            local_rk_id: rk.local_rk_id,
            status,
            rc,
        };
        let Some(rkm) = self.rkm.clone() else {
            return res(reg_status::PERMISSION_DENIED, 0);
        };
        let tm = match rk.traffic_mode {
            None => None,
            Some(t) => match TrafficMode::from_u32(t) {
                Some(t) => Some(t),
                None => return res(reg_status::UNSUPPORTED_TRAFFIC_MODE, 0),
            },
        };
        if rk.na.is_some() {
            // No network appearances are configured (§3.6.1: the NA must be one agreed).
            return res(reg_status::INVALID_NETWORK_APPEARANCE, 0);
        }
        let mut key = Vec::new();
        for d in rk.dests.iter() {
            if d.dpc.pc > rkm.pc_max || d.dpc.covers(self.local_pc) {
                return res(reg_status::INVALID_DPC, 0);
            }
            // What we send an ASP is SCCP (SI 3) from our own point code: a key that
            // excludes either would never match.
            if d.si.is_some_and(|l| !l.iter().any(|si| si == 3))
                || d.opc
                    .is_some_and(|l| !l.iter().any(|o| o.covers(self.local_pc)))
            {
                return res(reg_status::INVALID_ROUTING_KEY, 0);
            }
            key.push(d.dpc);
        }
        if key.is_empty() {
            return res(reg_status::INVALID_ROUTING_KEY, 0);
        }
        key.sort_by_key(|p| (p.pc, p.mask));
        key.dedup();
        let existing = match rk.rc {
            Some(rc) => match self.as_with_rc(rc) {
                Some(i) => Some(i),
                None => return res(reg_status::NOT_CURRENTLY_PROVISIONED, 0),
            },
            None => self
                .meta
                .iter()
                .find(|(_, m)| m.key == key)
                .map(|(i, _)| *i),
        };
        if let Some(i) = existing {
            let m = &self.meta[&i];
            let Some(&rc) = m.cfg.routing_contexts.first() else {
                return res(reg_status::PERMISSION_DENIED, 0);
            };
            if !m.key.is_empty() && m.key != key {
                // Modifying a routing key is not offered (§4.4.1 allows refusing it).
                return res(reg_status::CHANGE_REFUSED, rc);
            }
            // A created AS is joined by matching its key, which any ASP may do; a configured
            // one only by the ASPs configured for it.
            if !m.dynamic && !self.allowed(a, i) {
                return res(reg_status::PERMISSION_DENIED, 0);
            }
            if tm.is_some_and(|t| Some(t) != self.traffic_mode(i)) {
                return res(reg_status::UNSUPPORTED_TRAFFIC_MODE, 0);
            }
            let m = self.meta.get_mut(&i).expect("found above");
            if m.registrants.contains_key(&a) {
                return res(reg_status::ALREADY_REGISTERED, rc);
            }
            m.registrants.insert(a, rk.local_rk_id);
            return res(reg_status::SUCCESS, rc);
        }
        if !rkm.dynamic {
            return res(reg_status::PERMISSION_DENIED, 0);
        }
        if self.meta.values().filter(|m| m.dynamic).count() >= rkm.max_as {
            return res(reg_status::INSUFFICIENT_RESOURCES, 0);
        }
        let Some(rc) = (rkm.first_rc..=u32::MAX).find(|rc| self.as_with_rc(*rc).is_none()) else {
            return res(reg_status::INSUFFICIENT_RESOURCES, 0);
        };
        let i = self.add_as(
            ServerAs {
                name: format!("rkm-{rc}"),
                routing_contexts: vec![rc],
                traffic_mode: tm.unwrap_or_default(),
                point_codes: key,
                ..ServerAs::default()
            },
            true,
        );
        if let Some(m) = self.meta.get_mut(&i) {
            m.registrants.insert(a, rk.local_rk_id);
        }
        res(reg_status::SUCCESS, rc)
    }

    /// One routing context of a DEREG REQ: the Deregistration Status (§3.6.4).
    fn deregister(
        &mut self,
        a: AssociationId,
        rc: u32,
        now: Instant,
        n: &mut Vec<AsNotice>,
    ) -> u32 {
        let Some(i) = self.as_with_rc(rc) else {
            return dereg_status::INVALID_ROUTING_CONTEXT;
        };
        if !self.meta[&i].registrants.contains_key(&a) {
            return dereg_status::NOT_REGISTERED;
        }
        let p = self.peers.get_mut(&a);
        if let Some(p) = p {
            if p.bound == Some(i) {
                if p.asp.state() == AspState::Active {
                    return dereg_status::ASP_CURRENTLY_ACTIVE;
                }
                p.bound = None;
                if let Some(s) = self.router.get_mut(i) {
                    s.asp_down(a, now, n);
                }
            }
        }
        if let Some(m) = self.meta.get_mut(&i) {
            m.registrants.remove(&a);
        }
        dereg_status::SUCCESS
    }

    /// Remove created ASes nobody has registered that are not (or no longer) carrying or
    /// holding traffic.
    fn gc(&mut self) {
        let dead: Vec<usize> = self
            .meta
            .iter()
            .filter(|(i, m)| {
                m.dynamic
                    && m.registrants.is_empty()
                    && !matches!(self.as_state(**i), Some(AsState::Active | AsState::Pending))
            })
            .map(|(i, _)| *i)
            .collect();
        for i in dead {
            self.meta.remove(&i);
            self.router.remove(i);
            for p in self.peers.values_mut() {
                if p.bound == Some(i) {
                    p.bound = None;
                }
            }
        }
    }

    /// The association is gone.
    pub fn association_lost(&mut self, a: AssociationId, now: Instant, outbox: &mut Outbox) {
        if let Some(i) = self.peers.remove(&a).and_then(|p| p.bound) {
            if self.gone.len() >= GONE_MEMORY {
                self.gone.pop_front();
            }
            self.gone.push_back((a, i));
        }
        for m in self.meta.values_mut() {
            m.registrants.remove(&a);
        }
        let mut n = Vec::new();
        self.router.association_lost(a, now, &mut n);
        self.apply(n, outbox);
        self.gc();
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.router.poll_timeout()
    }

    pub fn on_timeout(&mut self, now: Instant, outbox: &mut Outbox) {
        let mut n = Vec::new();
        self.router.on_timeout(now, &mut n);
        self.apply(n, outbox);
        self.gc();
    }

    /// The association to send DATA for `dpc`/`sls` on, and the RC to stamp on it.
    pub fn route(&self, dpc: u32, sls: u8) -> Result<(AssociationId, Option<u32>), Unroutable> {
        let a = self.router.route(dpc, sls)?;
        Ok((a, self.rc_of(a)))
    }

    /// The same within AS `i`.
    pub fn route_in(
        &self,
        i: usize,
        dpc: u32,
        sls: u8,
    ) -> Result<(AssociationId, Option<u32>), Unroutable> {
        let a = self.router.route_in(i, dpc, sls)?;
        Ok((a, self.rc_of(a)))
    }

    /// Every active association of broadcast-mode AS `i`, with its RC.
    pub fn route_all_in(
        &self,
        i: usize,
        dpc: u32,
    ) -> Result<Vec<(AssociationId, Option<u32>)>, Unroutable> {
        Ok(self
            .router
            .route_all_in(i, dpc)?
            .into_iter()
            .map(|a| (a, self.rc_of(a)))
            .collect())
    }

    fn rc_of(&self, a: AssociationId) -> Option<u32> {
        self.peers.get(&a).and_then(|p| p.asp.routing_context())
    }

    fn apply(&mut self, n: Vec<AsNotice>, outbox: &mut Outbox) {
        for x in n {
            match x {
                AsNotice::Send { to, msg } => outbox.push((to, msg)),
                AsNotice::Overridden(o) => {
                    if let Some(p) = self.peers.get_mut(&o) {
                        p.asp.overridden();
                    }
                }
                AsNotice::AsState { .. } => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::m3ua::codec::{tag, Builder};
    use crate::m3ua::pdu::{DeregReq, List, RegReq, RkDest, RkDests};

    fn two_mscs(rkm: Option<Rkm>) -> Sg {
        Sg::with_config(SgConfig {
            local_pc: 200,
            t_r: Duration::from_secs(2),
            ases: vec![
                ServerAs {
                    name: "msc-a".into(),
                    routing_contexts: vec![10],
                    asp_ids: vec![1, 2],
                    point_codes: vec![MaskedPc::exact(100)],
                    ..ServerAs::default()
                },
                ServerAs {
                    name: "msc-b".into(),
                    routing_contexts: vec![20],
                    peers: vec!["10.0.0.9".parse().unwrap()],
                    point_codes: vec![MaskedPc::exact(101)],
                    ..ServerAs::default()
                },
            ],
            rkm,
        })
    }

    fn rkm() -> Rkm {
        Rkm {
            dynamic: true,
            first_rc: 1000,
            max_as: 2,
            pc_max: 0x3fff,
        }
    }

    fn msg(kind: Kind, f: impl FnOnce(Builder) -> Builder) -> Vec<u8> {
        let mut b = Vec::new();
        f(Builder::new(&mut b, kind)).finish();
        b
    }

    fn up(sg: &mut Sg, a: AssociationId, asp_id: Option<u32>) -> Outbox {
        let mut ob = Outbox::new();
        let m = msg(Kind::AspUp, |b| match asp_id {
            Some(id) => b.param_u32(tag::ASP_IDENTIFIER, id),
            None => b,
        });
        sg.handle(a, Instant::now(), &m, &mut ob);
        ob
    }

    fn ac(sg: &mut Sg, a: AssociationId, rc: Option<u32>) -> (Handled<'static>, Outbox) {
        let mut ob = Outbox::new();
        let m = msg(Kind::AspAc, |b| match rc {
            Some(rc) => b.param_u32(tag::ROUTING_CONTEXT, rc),
            None => b,
        });
        let h = match sg.handle(a, Instant::now(), &m, &mut ob) {
            Handled::Refused { code, reason } => Handled::Refused { code, reason },
            Handled::Managed => Handled::Managed,
            other => panic!("{other:?}"),
        };
        (h, ob)
    }

    fn answers(ob: &Outbox, a: AssociationId) -> Vec<Pdu<'_>> {
        ob.iter()
            .filter(|(to, _)| *to == a)
            .flat_map(|(_, m)| super::super::asp::messages(m))
            .map(|m| Pdu::decode(m).unwrap())
            .collect()
    }

    #[test]
    fn peers_join_the_as_of_their_rc_asp_id_or_address() {
        let mut sg = two_mscs(None);
        // By routing context (from an address msc-b lists).
        sg.connected_from(1, Some("10.0.0.9".parse().unwrap()));
        up(&mut sg, 1, None);
        assert_eq!(ac(&mut sg, 1, Some(20)).0, Handled::Managed);
        assert_eq!(sg.as_name(sg.as_of(1).unwrap()), Some("msc-b"));
        // By ASP Identifier, without a routing context; stamped with the AS's RC.
        sg.connected(2);
        up(&mut sg, 2, Some(2));
        assert_eq!(ac(&mut sg, 2, None).0, Handled::Managed);
        assert_eq!(sg.as_name(sg.as_of(2).unwrap()), Some("msc-a"));
        // By remote address alone.
        sg.connected_from(3, Some("10.0.0.9".parse().unwrap()));
        // msc-b's routing context from elsewhere: refused.
        sg.connected(5);
        up(&mut sg, 5, None);
        assert!(matches!(
            ac(&mut sg, 5, Some(20)).0,
            Handled::Refused {
                code: ErrorCode::InvalidRoutingContext,
                ..
            }
        ));
        up(&mut sg, 3, None);
        ac(&mut sg, 3, None);
        assert_eq!(sg.as_of(3), sg.as_of(1));
        // Nothing says which: ERR No Configured AS for ASP (§3.8.1), state kept.
        sg.connected(4);
        up(&mut sg, 4, Some(77));
        let (h, ob) = ac(&mut sg, 4, None);
        assert!(matches!(
            h,
            Handled::Refused {
                code: ErrorCode::NoConfiguredAsForAsp,
                ..
            }
        ));
        assert!(matches!(answers(&ob, 4)[..], [Pdu::Err(e)] if e.code == Some(0x1a)));
        assert_eq!(sg.peer(4).unwrap().state(), AspState::Inactive);
        // An ASP configured for msc-a may not activate msc-b's RC.
        let (h, _) = ac(&mut sg, 2, Some(20));
        assert!(matches!(
            h,
            Handled::Refused {
                code: ErrorCode::InvalidRoutingContext,
                ..
            }
        ));
        // Routing stays within an AS; failover too.
        let a = sg.as_of(2).unwrap();
        assert_eq!(sg.route_in(a, 100, 5).unwrap(), (2, None));
        let b = sg.as_of(1).unwrap();
        let mut got: Vec<_> = (0..4).map(|s| sg.route_in(b, 101, s).unwrap().0).collect();
        got.sort();
        got.dedup();
        assert_eq!(got, [1, 3]);
        let mut ob = Outbox::new();
        sg.association_lost(2, Instant::now(), &mut ob);
        assert_eq!(
            sg.as_of(2),
            Some(a),
            "the lost association's AS is remembered"
        );
        assert_eq!(sg.route_in(a, 100, 0), Err(Unroutable::AsPending));
        // By DPC when no dialogue names an AS.
        assert_eq!(sg.serving(101), Some(b));
    }

    fn reg(sg: &mut Sg, a: AssociationId, keys: &[RoutingKey<'_>]) -> Vec<RegResult> {
        let m = Pdu::RegReq(RegReq {
            info: None,
            keys: Seq::Values(keys),
        })
        .to_vec();
        let mut ob = Outbox::new();
        assert_eq!(sg.handle(a, Instant::now(), &m, &mut ob), Handled::Managed);
        match &answers(&ob, a)[..] {
            [Pdu::RegRsp(r)] => r.results.iter().collect(),
            other => panic!("{other:?}"),
        }
    }

    fn dereg(sg: &mut Sg, a: AssociationId, rcs: &[u32]) -> Vec<DeregResult> {
        let m = Pdu::DeregReq(DeregReq {
            rc: Some(List::Values(rcs)),
        })
        .to_vec();
        let mut ob = Outbox::new();
        sg.handle(a, Instant::now(), &m, &mut ob);
        match &answers(&ob, a)[..] {
            [Pdu::DeregRsp(r)] => r.results.iter().collect(),
            other => panic!("{other:?}"),
        }
    }

    fn key<'a>(lrk: u32, rc: Option<u32>, dests: &'a [RkDest<'a>]) -> RoutingKey<'a> {
        RoutingKey {
            local_rk_id: lrk,
            rc,
            traffic_mode: None,
            na: None,
            dests: RkDests::Values(dests),
        }
    }

    fn dest(pc: u32) -> RkDest<'static> {
        RkDest {
            dpc: MaskedPc::exact(pc),
            si: Some(List::Values(&[3])),
            opc: None,
        }
    }

    #[test]
    fn registration_creates_joins_and_refuses() {
        let mut sg = two_mscs(Some(rkm()));
        sg.connected(1);
        // Before ASPUP: Unexpected Message.
        let m = Pdu::RegReq(RegReq {
            info: None,
            keys: Seq::Values(&[key(1, None, &[dest(300)])]),
        })
        .to_vec();
        let mut ob = Outbox::new();
        assert!(matches!(
            sg.handle(1, Instant::now(), &m, &mut ob),
            Handled::Refused {
                code: ErrorCode::UnexpectedMessage,
                ..
            }
        ));
        up(&mut sg, 1, None);
        let ok = |lrk, rc| RegResult {
            local_rk_id: lrk,
            status: reg_status::SUCCESS,
            rc,
        };
        // A new key gets a new AS with the first free RC; a configured AS is joined by its
        // point codes; errors per key, in one REG RSP.
        let d300 = [dest(300)];
        let d100 = [dest(100)];
        let own = [dest(200)];
        let wide = [dest(0x4000)];
        let isup = [RkDest {
            si: Some(List::Values(&[5])),
            ..dest(301)
        }];
        let r = reg(
            &mut sg,
            1,
            &[
                key(1, None, &d300),
                key(2, None, &d100),
                key(3, None, &own),
                key(4, None, &wide),
                key(5, None, &isup),
                key(6, Some(4242), &d300),
                RoutingKey {
                    traffic_mode: Some(9),
                    ..key(7, None, &d300)
                },
            ],
        );
        assert_eq!(
            r,
            [
                ok(1, 1000),
                // msc-a is configured for ASP ids 1 and 2 only.
                RegResult {
                    local_rk_id: 2,
                    status: reg_status::PERMISSION_DENIED,
                    rc: 0
                },
                RegResult {
                    local_rk_id: 3,
                    status: reg_status::INVALID_DPC,
                    rc: 0
                },
                RegResult {
                    local_rk_id: 4,
                    status: reg_status::INVALID_DPC,
                    rc: 0
                },
                RegResult {
                    local_rk_id: 5,
                    status: reg_status::INVALID_ROUTING_KEY,
                    rc: 0
                },
                RegResult {
                    local_rk_id: 6,
                    status: reg_status::NOT_CURRENTLY_PROVISIONED,
                    rc: 0
                },
                RegResult {
                    local_rk_id: 7,
                    status: reg_status::UNSUPPORTED_TRAFFIC_MODE,
                    rc: 0
                },
            ]
        );
        // Again: already registered; another ASP joins the same AS.
        assert_eq!(
            reg(&mut sg, 1, &[key(1, None, &d300)])[0].status,
            reg_status::ALREADY_REGISTERED
        );
        sg.connected(2);
        up(&mut sg, 2, Some(1));
        assert_eq!(reg(&mut sg, 2, &[key(9, None, &d300)]), [ok(9, 1000)]);
        // ASP 2 is configured for msc-a: it may register it by RC.
        assert_eq!(reg(&mut sg, 2, &[key(8, Some(10), &d100)]), [ok(8, 10)]);
        // The limit of created ASes.
        let d301 = [dest(301)];
        let d302 = [dest(302)];
        assert_eq!(reg(&mut sg, 1, &[key(10, None, &d301)]), [ok(10, 1001)]);
        assert_eq!(
            reg(&mut sg, 1, &[key(11, None, &d302)])[0].status,
            reg_status::INSUFFICIENT_RESOURCES
        );
        // Activate the created AS with its RC; DATA towards PC 300 goes there.
        assert_eq!(ac(&mut sg, 1, Some(1000)).0, Handled::Managed);
        let i = sg.as_with_rc(1000).unwrap();
        assert_eq!(sg.serving(300), Some(i));
        assert_eq!(sg.route(300, 0).unwrap(), (1, Some(1000)));
        // An ASP that did not register may not activate it.
        sg.connected(3);
        up(&mut sg, 3, None);
        assert!(matches!(
            ac(&mut sg, 3, Some(1001)).0,
            Handled::Refused {
                code: ErrorCode::InvalidRoutingContext,
                ..
            }
        ));
        // DEREG: active, unknown, not registered, success.
        let st = |r: Vec<DeregResult>| r.iter().map(|x| x.status).collect::<Vec<_>>();
        assert_eq!(
            st(dereg(&mut sg, 1, &[1000, 5555, 20, 1001])),
            [
                dereg_status::ASP_CURRENTLY_ACTIVE,
                dereg_status::INVALID_ROUTING_CONTEXT,
                dereg_status::NOT_REGISTERED,
                dereg_status::SUCCESS
            ]
        );
        // The AS created for 1001 is gone with its last registrant, its RC free again.
        assert_eq!(sg.as_with_rc(1001), None);
        assert_eq!(reg(&mut sg, 1, &[key(12, None, &d302)]), [ok(12, 1001)]);
        // Losing the association drops its registrations; the AS it was active in stays
        // while ASP 2 has it registered.
        let mut ob = Outbox::new();
        sg.association_lost(1, Instant::now(), &mut ob);
        assert_eq!(sg.as_with_rc(1000), Some(i));
        assert_eq!(sg.as_with_rc(1001), None);
        assert_eq!(st(dereg(&mut sg, 2, &[1000])), [dereg_status::SUCCESS]);
        // Pending (T(r)) after its active ASP left: removed once T(r) expires.
        assert_eq!(sg.as_state(i), Some(AsState::Pending));
        sg.on_timeout(Instant::now() + Duration::from_secs(3), &mut ob);
        assert_eq!(sg.as_with_rc(1000), None);
    }

    #[test]
    fn without_rkm_registration_is_an_unsupported_class() {
        let mut sg = two_mscs(None);
        sg.connected(1);
        up(&mut sg, 1, None);
        let m = Pdu::RegReq(RegReq {
            info: None,
            keys: Seq::Values(&[key(1, None, &[dest(300)])]),
        })
        .to_vec();
        let mut ob = Outbox::new();
        assert!(matches!(
            sg.handle(1, Instant::now(), &m, &mut ob),
            Handled::Refused {
                code: ErrorCode::UnsupportedMessageClass,
                ..
            }
        ));
        // Static registration only: a new key is refused, a configured AS may be joined.
        let mut sg = two_mscs(Some(Rkm {
            dynamic: false,
            ..rkm()
        }));
        sg.connected_from(1, Some("10.0.0.9".parse().unwrap()));
        up(&mut sg, 1, None);
        let d = [dest(300)];
        assert_eq!(
            reg(&mut sg, 1, &[key(1, None, &d)])[0].status,
            reg_status::PERMISSION_DENIED
        );
        let d = [dest(101)];
        assert_eq!(
            reg(&mut sg, 1, &[key(2, None, &d)])[0],
            RegResult {
                local_rk_id: 2,
                status: reg_status::SUCCESS,
                rc: 20
            }
        );
    }
}
