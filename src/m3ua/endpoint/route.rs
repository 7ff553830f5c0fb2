//! Where an SCCP message goes as M3UA DATA (RFC 4666 §3.3.1), and what waits while its AS
//! is AS-PENDING (§4.3.4.3: T(r) lets the ASPs of an AS come back before traffic is lost).

use std::time::Instant;

use tracing::{debug, info, warn};

use super::{assoc_id, rid, AssocId, Endpoint, Label, Side, Transmits};
use crate::m3ua::asp::{self, AspState};
use crate::m3ua::codec::{Builder, Kind, Message, ProtocolData};
use crate::m3ua::pdu::TrafficMode;
use crate::m3ua::routing::{AsState, AssociationId, DestState, Unroutable};

/// Messages held while their AS is pending, at most this many.
const MAX_HELD: usize = 10_000;

/// A message held while its AS is pending.
#[derive(Debug)]
pub(super) struct Held {
    label: Label,
    sccp: Vec<u8>,
}

/// Where a message goes and the routing context to stamp on it.
type Targets = Vec<(AssocId, Option<u32>)>;

impl Endpoint {
    /// Route one SCCP message as M3UA DATA: back on `label.origin` while usable, else over
    /// another active ASP of the same AS, else of another side; held while the AS is
    /// pending (T(r)), else dropped and logged (see the module docs).
    pub fn send(&mut self, label: &Label, sccp: &[u8], _now: Instant, out: &mut Transmits) {
        match self.route(label) {
            Ok(targets) => {
                if targets.first().is_some_and(|(t, _)| *t != label.origin) {
                    debug!(
                        from = label.origin,
                        to = targets[0].0,
                        dpc = label.dpc,
                        "routed over another association"
                    );
                }
                for (t, rc) in targets {
                    encode_data(out.buf(t), label, sccp, rc);
                }
            }
            Err(Unroutable::AsPending) if self.held.len() < MAX_HELD => {
                debug!(
                    assoc = label.origin,
                    dpc = label.dpc,
                    "AS pending: message held"
                );
                self.held.push_back(Held {
                    label: *label,
                    sccp: sccp.to_vec(),
                });
            }
            Err(e) => warn!(
                assoc = label.origin,
                dpc = label.dpc,
                sls = label.sls,
                reason = %e,
                "message not sent"
            ),
        }
    }

    /// What was queued for the lost association `lost` but not written (encoded M3UA):
    /// the DATA in it is routed again (from `lost`, so within the AS it belonged to), the
    /// rest (NTFY, DAUD...) dropped.
    pub fn reroute(&mut self, lost: AssocId, unwritten: &[u8], now: Instant, out: &mut Transmits) {
        let mut rerouted = 0;
        for m in asp::messages(unwritten) {
            let Ok(msg) = Message::parse(m) else { continue };
            if msg.kind() != Some(Kind::Data) {
                continue;
            }
            let Ok(pd) = msg.protocol_data() else {
                continue;
            };
            let label = Label {
                origin: lost,
                opc: pd.opc,
                dpc: pd.dpc,
                ni: pd.ni,
                sls: pd.sls,
            };
            rerouted += 1;
            self.send(&label, pd.data, now, out);
        }
        if rerouted > 0 {
            info!(
                assoc = lost,
                messages = rerouted,
                "routed again what was queued for the lost association"
            );
        }
        self.flush_held(now, out);
    }

    /// Route the held messages again (after an ASP or AS state change).
    pub(super) fn flush_held(&mut self, now: Instant, out: &mut Transmits) {
        if self.held.is_empty() {
            return;
        }
        for h in std::mem::take(&mut self.held) {
            self.send(&h.label, &h.sccp, now, out);
        }
    }

    /// Where `label`'s message goes.
    fn route(&self, label: &Label) -> Result<Targets, Unroutable> {
        if let Some(rc) = self.usable(label.origin, label.dpc) {
            return Ok(vec![(label.origin, rc)]);
        }
        let first = Side::of(label.origin);
        let err = match self.route_side(first, label) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        for side in [Side::Server, Side::Client, Side::Ipsp] {
            if side != first && self.assocs.keys().any(|k| Side::of(*k) == side) {
                if let Ok(t) = self.route_side(side, label) {
                    return Ok(t);
                }
            }
        }
        Err(err)
    }

    /// Whether `a` is live and active for its AS, and may carry DATA to `dpc`: then the
    /// routing context to stamp. A broadcast AS's message goes to all its ASPs instead.
    fn usable(&self, a: AssocId, dpc: u32) -> Option<Option<u32>> {
        let x = self.assocs.get(&a)?;
        let r = rid(a);
        match Side::of(a) {
            Side::Server => {
                let p = self.sg.peer(r)?;
                let mode = self.sg.as_of(r).and_then(|i| self.sg.traffic_mode(i));
                (p.state() == AspState::Active && mode != Some(TrafficMode::Broadcast))
                    .then(|| p.routing_context())
            }
            Side::Client => {
                let active = self.client.application_server(0).asp_state(r) == AspState::Active;
                // §4.5.1: not through an SG that reported the destination unavailable.
                let reachable = self
                    .client
                    .destinations(r)
                    .is_none_or(|d| d.status(dpc) != DestState::Unavailable);
                (active && reachable).then(|| x.client_rc())
            }
            Side::Ipsp => {
                let s = self.ipsp.application_server(0);
                let mode = s.spec().traffic_mode;
                (s.asp_state(r) == AspState::Active && mode != TrafficMode::Broadcast)
                    .then_some(self.ipsp_rc)
            }
        }
    }

    fn client_rc(&self, a: AssocId) -> Option<u32> {
        self.assocs.get(&a).and_then(|x| x.client_rc())
    }

    /// Where `label`'s message goes on `side` by its AS model.
    fn route_side(&self, side: Side, label: &Label) -> Result<Targets, Unroutable> {
        let (dpc, sls) = (label.dpc, label.sls);
        match side {
            Side::Server => {
                // The AS the dialogue came in on; for anything else the AS serving the DPC.
                let from = (Side::of(label.origin) == Side::Server)
                    .then(|| self.sg.as_of(rid(label.origin)))
                    .flatten();
                let i = from
                    .or_else(|| self.sg.serving(dpc))
                    .ok_or(Unroutable::NoRoute)?;
                let mode = self.sg.traffic_mode(i);
                let server = |(a, rc)| (assoc_id(Side::Server, a), rc);
                if mode == Some(TrafficMode::Broadcast) {
                    let all = self.sg.route_all_in(i, dpc)?;
                    return Ok(all.into_iter().map(server).collect());
                }
                // Prefer an ASP that has carried traffic from the DPC: another link of the
                // same MSC, before another MSC sharing the AS.
                let known: Vec<AssociationId> = match self.sg.as_state(i) {
                    Some(AsState::Active) => self
                        .sg
                        .active_in(i)
                        .into_iter()
                        .filter(|a| {
                            self.assocs
                                .get(&assoc_id(Side::Server, *a))
                                .is_some_and(|x| x.origins.contains(&dpc))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if !known.is_empty() {
                    let a = match mode {
                        Some(TrafficMode::Loadshare) => known[usize::from(sls) % known.len()],
                        _ => known[0],
                    };
                    let rc = self.sg.peer(a).and_then(|p| p.routing_context());
                    return Ok(vec![server((a, rc))]);
                }
                Ok(vec![server(self.sg.route_in(i, dpc, sls)?)])
            }
            Side::Client => {
                let a = assoc_id(Side::Client, self.client.route(dpc, sls)?);
                Ok(vec![(a, self.client_rc(a))])
            }
            Side::Ipsp => {
                let s = self.ipsp.application_server(0);
                let ipsp = |a| (assoc_id(Side::Ipsp, a), self.ipsp_rc);
                if s.spec().traffic_mode == TrafficMode::Broadcast {
                    return Ok(self.ipsp.route_all(dpc)?.into_iter().map(ipsp).collect());
                }
                Ok(vec![ipsp(self.ipsp.route(dpc, sls)?)])
            }
        }
    }
}

/// Wrap an SCCP message in M3UA DATA (RFC 4666 §3.3.1).
pub(super) fn encode_data(buf: &mut Vec<u8>, label: &Label, sccp: &[u8], rc: Option<u32>) {
    let mut b = Builder::new(buf, Kind::Data);
    if let Some(rc) = rc {
        b = b.param_u32(crate::m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&ProtocolData {
        opc: label.opc,
        dpc: label.dpc,
        si: 3,
        ni: label.ni,
        mp: 0,
        sls: label.sls,
        data: sccp,
    })
    .finish();
}
