//! Routing key management on the server side (RFC 4666 §3.6, §4.4.2): REG REQ joins or
//! creates an AS, DEREG REQ leaves it, and created ASes nobody registers any more are
//! removed once they are down.

use std::time::Instant;

use super::{Outbox, ServerAs, Sg, TrafficMode};
use crate::m3ua::asp::{AspState, Handled};
use crate::m3ua::codec::ErrorCode;
use crate::m3ua::pdu::{
    self, dereg_status, reg_status, DeregResult, DeregRsp, Pdu, RegResult, RegRsp, RoutingKey, Seq,
};
use crate::m3ua::routing::{AsNotice, AsState, AssociationId};

impl Sg {
    /// REG REQ / DEREG REQ (§3.6) from the ASP on `a`.
    pub(super) fn rkm<'a>(
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
    pub(super) fn gc(&mut self) {
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
}
