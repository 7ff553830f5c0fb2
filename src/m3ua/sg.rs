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

mod rkm;

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::asp::{AsConfig, AspState, Handled, PeerAsp};
use super::codec::{ErrorCode, Kind, Message};
use super::pdu::{self, MaskedPc, Pdu, TrafficMode};
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
mod tests;
