//! Application Servers, traffic modes and destination availability (RFC 4666 §4.3.2–§4.3.4,
//! §4.5): which association carries DATA for a destination point code.
//!
//! [`ApplicationServer`] is the SG/IPSP-side model of one AS served by several ASPs (one per
//! association): AS state DOWN / INACTIVE / ACTIVE / PENDING with the recovery timer T(r),
//! override (one active ASP; a newly active one takes over and the old one is told
//! "Alternate ASP Active"), loadshare (choice among the active ASPs by SLS) and broadcast.
//! [`Destinations`] is what DUNA/DAVA/SCON/DRST/DUPU received on one association say about
//! point codes behind it; [`Router`] puts both together: `route(dpc, sls)` never picks an
//! association whose ASP is not active or through which the destination is unavailable, and
//! says why when nothing fits. Sans-IO: time is an input, T(r) and the audit timer are
//! deadlines out, NTFY and DAUD are encoded messages addressed to an association.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::asp::AspState;
use super::pdu::{status, List, MaskedPc, Ntfy, Pdu, Ssnm, Status, TrafficMode};

/// Identifies one association (and so one peer ASP) to the caller.
pub type AssociationId = u32;

/// AS state (§4.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsState {
    Down,
    Inactive,
    Active,
    Pending,
}

/// Configuration of one Application Server.
#[derive(Debug, Clone)]
pub struct AsSpec {
    pub routing_context: Option<u32>,
    pub traffic_mode: TrafficMode,
    /// Destination point codes this AS serves (empty: the default AS).
    pub dpcs: Vec<MaskedPc>,
    /// T(r): how long the AS stays PENDING after its last active ASP went away.
    pub t_r: Duration,
}

impl Default for AsSpec {
    fn default() -> Self {
        AsSpec {
            routing_context: None,
            traffic_mode: TrafficMode::Loadshare,
            dpcs: Vec::new(),
            t_r: Duration::from_secs(2),
        }
    }
}

/// Something the AS model wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsNotice {
    /// Send this NTFY (an encoded M3UA message) on the association.
    Send { to: AssociationId, msg: Vec<u8> },
    /// The ASP on this association was overridden and is now ASP-INACTIVE for the AS
    /// (apply it to its [`super::asp::PeerAsp`] with `overridden()`).
    Overridden(AssociationId),
    /// The AS changed state.
    AsState { from: AsState, to: AsState },
}

#[derive(Debug, Clone)]
struct Member {
    state: AspState,
    asp_id: Option<u32>,
}

/// One Application Server and the ASPs (associations) that serve it.
#[derive(Debug, Clone)]
pub struct ApplicationServer {
    spec: AsSpec,
    state: AsState,
    members: BTreeMap<AssociationId, Member>,
    t_r: Option<Instant>,
}

impl ApplicationServer {
    pub fn new(spec: AsSpec) -> ApplicationServer {
        ApplicationServer {
            spec,
            state: AsState::Down,
            members: BTreeMap::new(),
            t_r: None,
        }
    }

    pub fn spec(&self) -> &AsSpec {
        &self.spec
    }

    pub fn state(&self) -> AsState {
        self.state
    }

    pub fn asp_state(&self, a: AssociationId) -> AspState {
        self.members.get(&a).map_or(AspState::Down, |m| m.state)
    }

    /// Associations whose ASP is active for this AS, in a stable order.
    pub fn active(&self) -> impl Iterator<Item = AssociationId> + '_ {
        self.members
            .iter()
            .filter(|(_, m)| m.state == AspState::Active)
            .map(|(a, _)| *a)
    }

    /// ASPUP received (or the ASP otherwise became ASP-INACTIVE from DOWN).
    pub fn asp_up(
        &mut self,
        a: AssociationId,
        asp_id: Option<u32>,
        now: Instant,
        n: &mut Vec<AsNotice>,
    ) {
        let m = self.members.entry(a).or_insert(Member {
            state: AspState::Down,
            asp_id,
        });
        m.asp_id = asp_id.or(m.asp_id);
        m.state = AspState::Inactive;
        self.recompute(now, n);
    }

    /// ASPAC accepted for this AS.
    pub fn asp_active(&mut self, a: AssociationId, now: Instant, n: &mut Vec<AsNotice>) {
        let asp_id = self.members.get(&a).and_then(|m| m.asp_id);
        if self.spec.traffic_mode == TrafficMode::Override {
            // §4.3.4.3: the newcomer takes all traffic; the previous one is told.
            let others: Vec<_> = self.active().filter(|o| *o != a).collect();
            for o in others {
                if let Some(m) = self.members.get_mut(&o) {
                    m.state = AspState::Inactive;
                }
                n.push(AsNotice::Overridden(o));
                n.push(AsNotice::Send {
                    to: o,
                    msg: self.ntfy(Status::other(status::ALTERNATE_ASP_ACTIVE), asp_id),
                });
            }
        }
        self.members
            .entry(a)
            .or_insert(Member {
                state: AspState::Inactive,
                asp_id: None,
            })
            .state = AspState::Active;
        self.recompute(now, n);
    }

    /// ASPIA received (or the ASP was otherwise taken out of traffic).
    pub fn asp_inactive(&mut self, a: AssociationId, now: Instant, n: &mut Vec<AsNotice>) {
        if let Some(m) = self.members.get_mut(&a) {
            if m.state == AspState::Active {
                m.state = AspState::Inactive;
            }
        }
        self.recompute(now, n);
    }

    /// ASPDN received or the association was lost.
    pub fn asp_down(&mut self, a: AssociationId, now: Instant, n: &mut Vec<AsNotice>) {
        if let Some(m) = self.members.get_mut(&a) {
            m.state = AspState::Down;
        }
        self.recompute(now, n);
    }

    /// The association of an ASP that was not down failed: it is down, and the other ASPs
    /// of the AS are told "ASP Failure" with its ASP Identifier (§3.8.2, ETSI SGP-ASPTM-I-009).
    pub fn asp_failed(&mut self, a: AssociationId, now: Instant, n: &mut Vec<AsNotice>) {
        let Some(m) = self.members.get(&a) else {
            return;
        };
        if m.state != AspState::Down {
            let failed_id = m.asp_id;
            let others: Vec<_> = self
                .members
                .iter()
                .filter(|(o, m)| **o != a && m.state != AspState::Down)
                .map(|(o, _)| *o)
                .collect();
            for o in others {
                n.push(AsNotice::Send {
                    to: o,
                    msg: self.ntfy(Status::other(status::ASP_FAILURE), failed_id),
                });
            }
        }
        self.asp_down(a, now, n);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.t_r
    }

    /// T(r) expiry: a PENDING AS with no ASP back becomes INACTIVE or DOWN.
    pub fn on_timeout(&mut self, now: Instant, n: &mut Vec<AsNotice>) {
        if self.t_r.is_some_and(|d| d <= now) {
            self.t_r = None;
            self.recompute(now, n);
        }
    }

    /// The association to send DATA with this SLS on (override: the active ASP; loadshare:
    /// spread by SLS; broadcast: the first, see [`ApplicationServer::active`] for all).
    pub fn pick(&self, sls: u8) -> Result<AssociationId, Unroutable> {
        self.pick_among(sls, |_| true)
    }

    fn pick_among(
        &self,
        sls: u8,
        ok: impl Fn(AssociationId) -> bool,
    ) -> Result<AssociationId, Unroutable> {
        match self.state {
            AsState::Pending => return Err(Unroutable::AsPending),
            AsState::Down | AsState::Inactive => return Err(Unroutable::NoActiveAsp),
            AsState::Active => {}
        }
        let cands: Vec<_> = self.active().filter(|a| ok(*a)).collect();
        if cands.is_empty() {
            return Err(Unroutable::DestinationUnavailable);
        }
        Ok(match self.spec.traffic_mode {
            TrafficMode::Loadshare => cands[usize::from(sls) % cands.len()],
            TrafficMode::Override | TrafficMode::Broadcast => cands[0],
        })
    }

    fn recompute(&mut self, now: Instant, n: &mut Vec<AsNotice>) {
        let active = self.active().count();
        let up = self
            .members
            .values()
            .filter(|m| m.state != AspState::Down)
            .count();
        let next = if active > 0 {
            self.t_r = None;
            AsState::Active
        } else if self.state == AsState::Active
            || (self.state == AsState::Pending && self.t_r.is_some())
        {
            // §4.3.4.3/4: the last active ASP left; hold traffic for T(r).
            self.t_r.get_or_insert(now + self.spec.t_r);
            AsState::Pending
        } else if up > 0 {
            AsState::Inactive
        } else {
            AsState::Down
        };
        if next == self.state {
            return;
        }
        let from = self.state;
        self.state = next;
        n.push(AsNotice::AsState { from, to: next });
        let info = match next {
            AsState::Inactive => status::AS_INACTIVE,
            AsState::Active => status::AS_ACTIVE,
            AsState::Pending => status::AS_PENDING,
            AsState::Down => return,
        };
        let to: Vec<_> = self
            .members
            .iter()
            .filter(|(_, m)| m.state != AspState::Down)
            .map(|(a, _)| *a)
            .collect();
        for a in to {
            n.push(AsNotice::Send {
                to: a,
                msg: self.ntfy(Status::as_state(info), None),
            });
        }
    }

    fn ntfy(&self, status: Status, asp_id: Option<u32>) -> Vec<u8> {
        let rc = self.spec.routing_context.map(|r| [r]);
        Pdu::Ntfy(Ntfy {
            status: Some(status),
            asp_id,
            rc: rc.as_ref().map(|r| List::Values(&r[..])),
            info: None,
        })
        .to_vec()
    }
}

/// Why there is no association for a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unroutable {
    #[error("no application server serves this point code")]
    NoRoute,
    #[error("no ASP of the application server is active")]
    NoActiveAsp,
    #[error("the application server is pending (T(r) running): queue or retry")]
    AsPending,
    #[error("the destination is unavailable through every active association")]
    DestinationUnavailable,
}

/// What the network said about a destination (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestState {
    Available,
    Unavailable,
    Restricted,
    Congested(u8),
}

/// Destination availability learned on one association from SSNM.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    /// Later entries override earlier ones for the point codes they cover.
    entries: Vec<(MaskedPc, DestState)>,
    /// (point code, MTP3 user, cause) from DUPU.
    user_parts: Vec<(u32, u16, u16)>,
}

impl Destinations {
    /// Apply a received DUNA/DAVA/DRST/SCON/DUPU; `false` if it was not one of those.
    pub fn apply(&mut self, pdu: &Pdu<'_>) -> bool {
        let (apc, st) = match pdu {
            Pdu::Duna(s) => (s.apc, DestState::Unavailable),
            Pdu::Dava(s) => (s.apc, DestState::Available),
            Pdu::Drst(s) => (s.apc, DestState::Restricted),
            Pdu::Scon(s) => (
                s.apc,
                match s.congestion {
                    Some(0) => DestState::Available,
                    Some(l) => DestState::Congested(l),
                    None => DestState::Congested(1),
                },
            ),
            Pdu::Dupu(d) => {
                let uc = d
                    .user_cause
                    .unwrap_or(super::pdu::UserCause { cause: 0, user: 0 });
                for pc in d.apc.iter().flat_map(|l| l.iter().collect::<Vec<_>>()) {
                    self.user_parts
                        .retain(|(p, u, _)| !(*p == pc.pc && *u == uc.user));
                    self.user_parts.push((pc.pc, uc.user, uc.cause));
                }
                return true;
            }
            _ => return false,
        };
        for pc in apc.iter().flat_map(|l| l.iter().collect::<Vec<_>>()) {
            // Drop what the new entry covers entirely, then record it.
            self.entries
                .retain(|(e, _)| !(e.mask <= pc.mask && pc.covers(e.pc)));
            if st != DestState::Available || self.status(pc.pc) != DestState::Available {
                self.entries.push((pc, st));
            }
            if st == DestState::Available {
                self.user_parts.retain(|(p, _, _)| !pc.covers(*p));
            }
        }
        true
    }

    pub fn status(&self, pc: u32) -> DestState {
        self.entries
            .iter()
            .rev()
            .find(|(e, _)| e.covers(pc))
            .map_or(DestState::Available, |(_, s)| *s)
    }

    /// DUPU's cause if the MTP3 user `si` at `pc` was reported unavailable.
    pub fn user_part_unavailable(&self, pc: u32, si: u16) -> Option<u16> {
        self.user_parts
            .iter()
            .find(|(p, u, _)| *p == pc && *u == si)
            .map(|(_, _, c)| *c)
    }

    /// Point codes worth auditing (anything not plainly available).
    pub fn audit_list(&self) -> Vec<MaskedPc> {
        self.entries
            .iter()
            .filter(|(_, s)| *s != DestState::Available)
            .map(|(p, _)| *p)
            .collect()
    }

    /// Append a DAUD for the audit list (§4.5.3); `false` when there is nothing to audit.
    pub fn encode_daud(&self, rc: Option<u32>, out: &mut Vec<u8>) -> bool {
        let pcs = self.audit_list();
        if pcs.is_empty() {
            return false;
        }
        let rc = rc.map(|r| [r]);
        Pdu::Daud(Ssnm {
            na: None,
            rc: rc.as_ref().map(|r| List::Values(&r[..])),
            apc: Some(List::Values(&pcs)),
            info: None,
        })
        .encode(out);
        true
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.user_parts.clear();
    }
}

/// Application servers and destination availability per association.
#[derive(Debug, Default)]
pub struct Router {
    /// Keyed by the index [`Router::add`] returned; an index is never reused, so a caller's
    /// memory of "the AS of association a" cannot come to name another AS after a removal.
    ases: BTreeMap<usize, ApplicationServer>,
    next: usize,
    dests: BTreeMap<AssociationId, Destinations>,
    /// Audit (DAUD) period for destinations not available (`None`: no periodic audit).
    pub audit_interval: Option<Duration>,
    audit_next: Option<Instant>,
}

impl Router {
    pub fn new() -> Router {
        Router::default()
    }

    /// Add an AS; returns its index.
    pub fn add(&mut self, spec: AsSpec) -> usize {
        let i = self.next;
        self.next += 1;
        self.ases.insert(i, ApplicationServer::new(spec));
        i
    }

    /// Remove an AS (a dynamically registered one, RFC 4666 §4.4.2).
    pub fn remove(&mut self, i: usize) -> Option<ApplicationServer> {
        self.ases.remove(&i)
    }

    /// The AS with index `i`. Panics on an index [`Router::add`] did not return or that was
    /// removed (see [`Router::get`]).
    pub fn application_server(&self, i: usize) -> &ApplicationServer {
        &self.ases[&i]
    }

    pub fn application_server_mut(&mut self, i: usize) -> &mut ApplicationServer {
        self.ases.get_mut(&i).expect("an AS index from Router::add")
    }

    pub fn get(&self, i: usize) -> Option<&ApplicationServer> {
        self.ases.get(&i)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut ApplicationServer> {
        self.ases.get_mut(&i)
    }

    /// The ASes with their indices, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &ApplicationServer)> {
        self.ases.iter().map(|(i, a)| (*i, a))
    }

    /// The AS with this routing context (or the only AS without one for `None`).
    pub fn by_rc(&self, rc: Option<u32>) -> Option<usize> {
        self.iter()
            .find(|(_, a)| a.spec.routing_context == rc)
            .map(|(i, _)| i)
            .or_else(|| {
                (rc.is_none() && self.ases.len() == 1)
                    .then(|| self.ases.keys().next().copied())
                    .flatten()
            })
    }

    pub fn destinations(&self, a: AssociationId) -> Option<&Destinations> {
        self.dests.get(&a)
    }

    /// SSNM received on association `a`; `false` if `pdu` is not SSNM.
    pub fn ssnm(&mut self, a: AssociationId, pdu: &Pdu<'_>) -> bool {
        self.dests.entry(a).or_default().apply(pdu)
    }

    fn reachable(&self, a: AssociationId, dpc: u32) -> bool {
        self.dests
            .get(&a)
            .is_none_or(|d| d.status(dpc) != DestState::Unavailable)
    }

    /// The association for DATA to `dpc` with `sls`.
    pub fn route(&self, dpc: u32, sls: u8) -> Result<AssociationId, Unroutable> {
        let asi = self.serving(dpc).ok_or(Unroutable::NoRoute)?;
        self.route_in(asi, dpc, sls)
    }

    /// The association for DATA to `dpc` with `sls` within AS `asi` (an answer stays in
    /// the AS its dialogue came from).
    pub fn route_in(&self, asi: usize, dpc: u32, sls: u8) -> Result<AssociationId, Unroutable> {
        let s = self.ases.get(&asi).ok_or(Unroutable::NoRoute)?;
        s.pick_among(sls, |a| self.reachable(a, dpc))
    }

    /// Every association a broadcast-mode AS sends DATA for `dpc` to.
    pub fn route_all(&self, dpc: u32) -> Result<Vec<AssociationId>, Unroutable> {
        let asi = self.serving(dpc).ok_or(Unroutable::NoRoute)?;
        self.route_all_in(asi, dpc)
    }

    /// The same within AS `asi`.
    pub fn route_all_in(&self, asi: usize, dpc: u32) -> Result<Vec<AssociationId>, Unroutable> {
        self.route_in(asi, dpc, 0)?;
        Ok(self.ases[&asi]
            .active()
            .filter(|a| self.reachable(*a, dpc))
            .collect())
    }

    /// The AS that serves `dpc`: one whose point codes cover it, else the first without any.
    pub fn serving(&self, dpc: u32) -> Option<usize> {
        self.iter()
            .find(|(_, a)| a.spec.dpcs.iter().any(|p| p.covers(dpc)))
            .or_else(|| self.iter().find(|(_, a)| a.spec.dpcs.is_empty()))
            .map(|(i, _)| i)
    }

    /// The association is gone: its ASP is down in every AS, what it told us is void.
    pub fn association_lost(&mut self, a: AssociationId, now: Instant, n: &mut Vec<AsNotice>) {
        for s in self.ases.values_mut() {
            s.asp_failed(a, now, n);
        }
        self.dests.remove(&a);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.ases
            .values()
            .filter_map(ApplicationServer::poll_timeout)
            .chain(self.audit_next)
            .min()
    }

    /// Run T(r) for every AS and the periodic audit: DAUDs are [`AsNotice::Send`]s.
    pub fn on_timeout(&mut self, now: Instant, n: &mut Vec<AsNotice>) {
        for s in self.ases.values_mut() {
            s.on_timeout(now, n);
        }
        match (self.audit_interval, self.audit_next) {
            (Some(i), None) => self.audit_next = Some(now + i),
            (Some(i), Some(d)) if d <= now => {
                self.audit_next = Some(now + i);
                for (a, d) in &self.dests {
                    let mut msg = Vec::new();
                    if d.encode_daud(None, &mut msg) {
                        n.push(AsNotice::Send { to: *a, msg });
                    }
                }
            }
            _ => {}
        }
    }
}
