//! scpd as the SG/server side for one Application Server: a [`PeerAsp`] per association and
//! the [`Router`]'s AS model kept in step with them, so NTFY goes out as the AS changes state
//! (AS-INACTIVE on the first ASPUP, AS-ACTIVE, AS-PENDING with T(r), Alternate ASP Active,
//! ASP Failure) and DATA towards the AS is routed to an active ASP. Sans-IO like the rest.

use std::collections::BTreeMap;
use std::time::Instant;

use super::asp::{AsConfig, AspState, Handled, PeerAsp};
use super::routing::{AsNotice, AsSpec, AssociationId, Router, Unroutable};

/// Messages to send: (association, one encoded M3UA message or several back to back).
pub type Outbox = Vec<(AssociationId, Vec<u8>)>;

#[derive(Debug)]
pub struct Sg {
    cfg: AsConfig,
    peers: BTreeMap<AssociationId, PeerAsp>,
    router: Router,
}

impl Sg {
    pub fn new(cfg: AsConfig, spec: AsSpec) -> Sg {
        let mut router = Router::new();
        router.add(spec);
        Sg {
            cfg,
            peers: BTreeMap::new(),
            router,
        }
    }

    pub fn router(&self) -> &Router {
        &self.router
    }

    pub fn peer(&self, a: AssociationId) -> Option<&PeerAsp> {
        self.peers.get(&a)
    }

    /// A new association was accepted.
    pub fn connected(&mut self, a: AssociationId) {
        let mut p = PeerAsp::new(self.cfg.clone());
        p.set_notify(false);
        self.peers.insert(a, p);
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
        let Some(p) = self.peers.get_mut(&a) else {
            return Handled::Managed;
        };
        let before = p.state();
        let mut out = Vec::new();
        let h = p.handle(bytes, &mut out);
        let (after, asp_id) = (p.state(), p.asp_id());
        if !out.is_empty() {
            outbox.push((a, out));
        }
        let mut n = Vec::new();
        let s = self.router.application_server_mut(0);
        match (before, after) {
            (AspState::Down, AspState::Inactive) => s.asp_up(a, asp_id, now, &mut n),
            (_, AspState::Active) if before != AspState::Active => s.asp_active(a, now, &mut n),
            (AspState::Active, AspState::Inactive) => s.asp_inactive(a, now, &mut n),
            (_, AspState::Down) if before != AspState::Down => s.asp_down(a, now, &mut n),
            _ => {}
        }
        self.apply(n, outbox);
        h
    }

    /// The association is gone.
    pub fn association_lost(&mut self, a: AssociationId, now: Instant, outbox: &mut Outbox) {
        self.peers.remove(&a);
        let mut n = Vec::new();
        self.router.association_lost(a, now, &mut n);
        self.apply(n, outbox);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.router.poll_timeout()
    }

    pub fn on_timeout(&mut self, now: Instant, outbox: &mut Outbox) {
        let mut n = Vec::new();
        self.router.on_timeout(now, &mut n);
        self.apply(n, outbox);
    }

    /// The association to send DATA for `dpc`/`sls` on, and the RC to stamp on it.
    pub fn route(&self, dpc: u32, sls: u8) -> Result<(AssociationId, Option<u32>), Unroutable> {
        let a = self.router.route(dpc, sls)?;
        Ok((a, self.peers.get(&a).and_then(PeerAsp::routing_context)))
    }

    fn apply(&mut self, n: Vec<AsNotice>, outbox: &mut Outbox) {
        for x in n {
            match x {
                AsNotice::Send { to, msg } => outbox.push((to, msg)),
                AsNotice::Overridden(o) => {
                    if let Some(p) = self.peers.get_mut(&o) {
                        p.overridden();
                    }
                }
                AsNotice::AsState { .. } => {}
            }
        }
    }
}
