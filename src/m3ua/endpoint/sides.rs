//! The per-side machines of the endpoint: what one received message (or a timer of a
//! client or IPSP ASP) does to an association and to the AS model of its side.

use std::net::IpAddr;
use std::time::Instant;

use tracing::{debug, error, info, warn};

use super::{assoc_id, rid, AssocId, Endpoint, Machine, Prior, Received, Side, Transmits};
use crate::m3ua::asp::{self, AspState, Handled};
use crate::m3ua::client::{Asp, Event as AspEvent};
use crate::m3ua::codec::{Kind, Message};
use crate::m3ua::ipsp::{Ipsp, IpspEvent};
use crate::m3ua::pdu::{status, TrafficMode};
use crate::m3ua::routing::AsNotice;
use crate::m3ua::sg::{Outbox, Sg};

impl Endpoint {
    /// One message from a peer ASP on a server-side association (see the module docs for
    /// what it answers).
    pub(super) fn server_receive<'a>(
        &mut self,
        a: AssocId,
        msg: &'a [u8],
        now: Instant,
        out: &mut Transmits,
    ) -> Received<'a> {
        let r = rid(a);
        let state = |sg: &Sg| sg.peer(r).map_or(AspState::Down, |p| p.state());
        let before = state(&self.sg);
        let mut ob = Outbox::new();
        let h = self.sg.handle(r, now, msg, &mut ob);
        if let Handled::Deliver { data, .. } = &h {
            if let Some(x) = self.assocs.get_mut(&a) {
                if !x.origins.contains(&data.opc) && x.origins.len() < 64 {
                    x.origins.push(data.opc);
                }
            }
        }
        let after = state(&self.sg);
        let came_up = before == AspState::Down && after == AspState::Inactive;
        let mut told_as_state = false;
        let mut others = Outbox::new();
        let own_rc = self.sg.peer(r).and_then(|p| p.routing_context());
        let own = out.buf(a);
        for (to, m) in ob {
            if to != r {
                others.push((to, m));
                continue;
            }
            for m in asp::messages(&m) {
                match as_state_ntfy(m) {
                    // The AS model's AS-INACTIVE on the first ASPUP is left out.
                    Some(_) if came_up => {}
                    Some(info) => {
                        // With the routing context this peer activated with (none if none).
                        told_as_state = true;
                        asp::notify(own, info, own_rc);
                    }
                    None => own.extend_from_slice(m),
                }
            }
        }
        if after == AspState::Active && before != AspState::Active {
            let p = self.sg.peer(r);
            let rc = p.and_then(|p| p.routing_context());
            if !told_as_state {
                // The model only notifies on AS state changes; a newcomer to an active
                // loadshare AS is told too.
                asp::notify(own, status::AS_ACTIVE, rc);
            }
            let asked = p.and_then(|p| p.traffic_mode());
            let asi = self.sg.as_of(r);
            let mode = asi.and_then(|i| self.sg.traffic_mode(i));
            if asked.is_some_and(|t| TrafficMode::from_u32(t) != mode) {
                info!(
                    assoc = a,
                    asked,
                    ?mode,
                    "peer asked for another traffic mode; the AS keeps its configured one"
                );
            }
            let as_name = asi.and_then(|i| self.sg.as_name(i)).unwrap_or("?");
            info!(assoc = a, ?rc, application_server = as_name, "ASP active");
        } else if before != after {
            info!(assoc = a, from = ?before, to = ?after, "ASP state");
        }
        self.deliver(Side::Server, others, out);
        if before != after {
            self.flush_held(now, out);
        }
        let peer = self.peer(a);
        match h {
            Handled::Deliver { data, .. } => Received::Data(data),
            Handled::Managed => Received::Handled,
            Handled::PeerReport {
                kind,
                code_or_status,
            } => {
                info!(assoc = a, msg = kind.name(), code_or_status, "peer report");
                Received::Handled
            }
            Handled::Refused { code, reason } => {
                warn!(assoc = a, ?peer, ?code, %reason, "M3UA message refused with ERR");
                Received::Handled
            }
        }
    }

    fn asp(&mut self, a: AssocId) -> Option<&mut Asp> {
        match &mut self.assocs.get_mut(&a)?.machine {
            Machine::Client(asp) => Some(asp),
            _ => None,
        }
    }

    fn ipsp_machine(&mut self, a: AssocId) -> Option<&mut Ipsp> {
        match &mut self.assocs.get_mut(&a)?.machine {
            Machine::Ipsp(i) => Some(i),
            _ => None,
        }
    }

    /// Run `f` on the client or IPSP machine of `a` (with `a`'s output buffer), then tell
    /// the AS model of its side if that changed the machine's state.
    pub(super) fn drive<R>(
        &mut self,
        a: AssocId,
        now: Instant,
        out: &mut Transmits,
        f: impl FnOnce(&mut Machine, &mut Vec<u8>) -> R,
    ) -> Option<R> {
        let x = self.assocs.get_mut(&a)?;
        let prior = x.machine.prior();
        let r = f(&mut x.machine, out.buf(a));
        self.changed(a, prior, now, out);
        Some(r)
    }

    /// What one message on a client-side (from an SG) or IPSP association meant.
    pub(super) fn asp_received<'a>(
        &mut self,
        a: AssocId,
        ev: Option<IpspEvent<'a>>,
    ) -> Received<'a> {
        let peer = self.peer(a);
        let client = Side::of(a) == Side::Client;
        match ev {
            None => Received::Handled,
            Some(IpspEvent::Local(AspEvent::Deliver { data, .. }))
            | Some(IpspEvent::Remote(Handled::Deliver { data, .. })) => Received::Data(data),
            Some(IpspEvent::Local(AspEvent::Failed(why))) => Received::Close(why),
            Some(IpspEvent::Local(AspEvent::Refused { code, reason }))
            | Some(IpspEvent::Remote(Handled::Refused { code, reason })) => {
                warn!(assoc = a, ?peer, ?code, %reason, "M3UA message refused with ERR");
                Received::Handled
            }
            Some(IpspEvent::Local(ev)) if client => {
                self.client_event(a, peer, ev);
                Received::Handled
            }
            Some(other) => {
                debug!(assoc = a, event = ?other, "M3UA (IPSP)");
                Received::Handled
            }
        }
    }

    /// What else our ASP towards an SG made of a message: logged, and SSNM (§4.5) noted
    /// as what is reachable through that SG.
    fn client_event(&mut self, a: AssocId, peer: Option<IpAddr>, ev: AspEvent<'_>) {
        match ev {
            AspEvent::StateChanged { from, to } => {
                info!(assoc = a, ?peer, ?from, ?to, "ASP state");
            }
            AspEvent::Network(pdu) => {
                info!(assoc = a, ?peer, msg = pdu.kind().name(), detail = ?pdu, "destination state from the SG");
                self.client.ssnm(rid(a), &pdu);
            }
            AspEvent::Registered { rc } => {
                info!(assoc = a, ?peer, rc, "routing key registered");
            }
            AspEvent::RegistrationRefused { status } => {
                error!(assoc = a, ?peer, status, "the SG refused to register our routing key (RFC 4666 §3.6.2 status); not activating");
            }
            AspEvent::PeerError {
                code,
                gave_up: Some(k),
            } => {
                let request = k.name();
                error!(
                    assoc = a,
                    ?peer,
                    code,
                    request,
                    "the SG refused our request"
                );
            }
            other => debug!(assoc = a, event = ?other, "M3UA"),
        }
    }

    /// Tell the AS model of `a`'s side when its machine changed state since `prior`.
    fn changed(&mut self, a: AssocId, prior: Prior, now: Instant, out: &mut Transmits) {
        match prior {
            Prior::None => {}
            Prior::Client(before) => self.client_state(a, before, now, out),
            Prior::Ipsp(before) => self.ipsp_state(a, before, now, out),
        }
    }

    /// Tell the client-side AS model when our ASP on `a` changed state since `before`.
    fn client_state(&mut self, a: AssocId, before: AspState, now: Instant, out: &mut Transmits) {
        let Some(asp) = self.asp(a) else {
            return;
        };
        let (after, asp_id) = (asp.state(), asp.config().asp_id);
        if before == after {
            return;
        }
        let s = self.client.application_server_mut(0);
        let mut n = Vec::new();
        let r = rid(a);
        match after {
            AspState::Inactive if before == AspState::Down => s.asp_up(r, asp_id, now, &mut n),
            AspState::Inactive => s.asp_inactive(r, now, &mut n),
            AspState::Active => s.asp_active(r, now, &mut n),
            AspState::Down => s.asp_down(r, now, &mut n),
        }
        self.client_notices(n, out);
        self.flush_held(now, out);
    }

    /// Notices of the client-side AS model: NTFYs are the SG's business, not ours to send;
    /// DAUDs from the audit timer (§4.5.3) go out.
    pub(super) fn client_notices(&self, n: Vec<AsNotice>, out: &mut Transmits) {
        for x in n {
            match x {
                AsNotice::Send { to, msg } => {
                    let daud = Message::parse(&msg).ok().and_then(|m| m.kind()) == Some(Kind::Daud);
                    let a = assoc_id(Side::Client, to);
                    if daud && self.assocs.contains_key(&a) {
                        out.buf(a).extend_from_slice(&msg);
                    }
                }
                AsNotice::AsState { from, to } => info!(?from, ?to, "AS towards the SGs"),
                AsNotice::Overridden(_) => {}
            }
        }
    }

    /// Tell the IPSP AS model when `a` starts or stops carrying traffic (§4.3.1: its ASP,
    /// or in double exchange both, active) since `before`.
    fn ipsp_state(&mut self, a: AssocId, before: bool, now: Instant, out: &mut Transmits) {
        let Some(ipsp) = self.ipsp_machine(a) else {
            return;
        };
        let after = ipsp.traffic_ready();
        if before == after {
            return;
        }
        info!(
            assoc = a,
            local = ?ipsp.local_state(),
            remote = ?ipsp.remote_state(),
            ready = after,
            "IPSP state"
        );
        let s = self.ipsp.application_server_mut(0);
        let mut n = Vec::new();
        if after {
            s.asp_up(rid(a), None, now, &mut n);
            s.asp_active(rid(a), now, &mut n);
        } else {
            s.asp_inactive(rid(a), now, &mut n);
        }
        ipsp_notices(n);
        self.flush_held(now, out);
    }
}

/// Notices of the IPSP AS model: each IPSP association's own machine talks to its peer,
/// so only the AS state is logged.
pub(super) fn ipsp_notices(n: Vec<AsNotice>) {
    for x in n {
        if let AsNotice::AsState { from, to } = x {
            info!(?from, ?to, "AS of the IPSP associations");
        }
    }
}

/// The status information of an AS state change NTFY.
fn as_state_ntfy(m: &[u8]) -> Option<u16> {
    let m = Message::parse(m).ok()?;
    if m.kind() != Some(Kind::Ntfy) {
        return None;
    }
    match m.status().ok()?? {
        (status::TYPE_AS_STATE_CHANGE, info) => Some(info),
        _ => None,
    }
}
