//! The signalling node: one stack of the sans-IO layers, wired bottom to top. What arrives
//! in M3UA DATA goes up SCCP routing control → TCAP → the TC-user of its subsystem → the
//! service, and the answers come back down. The caller passes the received Protocol Data
//! and the time, and gets back the messages to send (each tagged with the association its
//! dialogue came in on), the call events to journal and the triggers to put to the
//! data-session server ([`Effects`]); [`Node::next_deadline`] says when to call
//! [`Node::on_timeout`]. The runtime runs one node per shard.
//!
//! - **SCCP** ([`Scrc`]): routing, relay, reassembly, return on error, SCMG.
//! - **TCAP**: [`crate::tcap::sm::Tcap`] once per TC-user, so that the SSN alone says
//!   whose a dialogue is — ITU (Q.774) for the CAMEL and the INAP SSN, ANSI (T1.114) for
//!   the AIN and the WIN SSN: AC negotiation by the subsystem's policy, P-Abort answers
//!   (including resourceLimitation when the dialogue table is full), invoke timers, idle
//!   timeout.
//! - **TC-users** ([`crate::tcuser`]): CAMEL, AIN, INAP and WIN, on the query-dialogue core.
//!
//! SCCP answers go to the calling address of the received message, from its called address
//! (INTERFACES.md: "SCCP answers with the calling and called addresses swapped"); the MTP3
//! routing label is swapped likewise.

#[cfg(test)]
mod ain_tests;
mod config;
#[cfg(test)]
mod decision_tests;
#[cfg(test)]
mod hlr_fuzz;
#[cfg(test)]
mod hlr_tests;
mod refusals;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod win_tests;

use crate::m3ua::ProtocolData;
use crate::sccp;
pub use crate::sccp::scrc::{AssocId, Counters as SccpCounters, Outgoing, Route, ANY_ASSOC};
use crate::sccp::scrc::{Fault as SccpFault, Received, Scrc, ScrcConfig};
use crate::service::hlr::{HlrQuery, HlrResult};
use crate::service::{Answer, Engine, Event, SubscriberTable};
use crate::tcap::dialogues::Shards;
#[cfg(test)]
use crate::tcap::itu::{MessageType, TcMessage};
use crate::tcap::sm::{Counters, SsnPolicy, Tcap, TcapConfig};
use crate::tcap::tc::{AppContext, Indication, Variant};
use crate::tcuser::ain::Ain;
use crate::tcuser::camel::{Camel, Gap};
use crate::tcuser::hlr::Hlr;
use crate::tcuser::inap::Inap;
use crate::tcuser::win::Win;
use crate::tcuser::{Ctx, Fault as TcFault, QueryUser};
pub use crate::tcuser::{Note, Query, QueryId, User};
pub use config::{NodeConfig, Reload, StackConfig};
use refusals::Refusals;
use std::time::{Duration, Instant};

/// How much a node takes on (the runtime decides, [`Node::set_load`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Load {
    /// Everything as configured.
    #[default]
    Normal,
    /// Triggers get the cheapest safe answer, marked `shed` ([`Engine::set_shedding`]).
    Shed,
    /// New dialogues are refused with the TCAP abort for a full table; open ones go on.
    Refuse,
}

impl Load {
    pub fn name(self) -> &'static str {
        match self {
            Load::Normal => "normal",
            Load::Shed => "shedding",
            Load::Refuse => "refusing",
        }
    }
}

/// What handling produced. Reused across calls to avoid reallocating.
#[derive(Debug, Default)]
pub struct Effects {
    pub send: Vec<Outgoing>,
    pub events: Vec<Event>,
    /// Triggers to put to the data-session server (policy `decide`); the answer (or `None`
    /// when there is none) goes to [`Node::on_decision`].
    pub queries: Vec<Query>,
    /// Reassembled messages whose dialogue another shard owns: hand each to that shard's
    /// [`Node::on_forwarded`].
    pub forward: Vec<Forward>,
    /// Reports for calls another shard follows: hand each to that shard's
    /// [`Node::on_note`].
    pub notes: Vec<Note>,
    /// Answers to the questions put to HLRs ([`Node::ask_hlr`]), by request id.
    pub hlr: Vec<(u64, HlrResult)>,
}

/// A whole TCAP message for another shard's dialogue (segments are reassembled wherever
/// they arrive, the dialogue lives where its id says).
#[derive(Debug, Clone)]
pub struct Forward {
    pub shard: u32,
    pub ssn: u8,
    pub route: Route,
    pub tcap: Vec<u8>,
}

impl Effects {
    /// The events as they are published (tests compare the gRPC form).
    #[cfg(test)]
    pub fn published(&self) -> Vec<crate::proto::CallEvent> {
        self.events
            .iter()
            .map(|e| crate::proto::CallEvent::of(0, e))
            .collect()
    }

    pub fn clear(&mut self) {
        self.send.clear();
        self.events.clear();
        self.queries.clear();
        self.forward.clear();
        self.notes.clear();
        self.hlr.clear();
    }
}

/// Why a received message was not processed normally (for logs and counters). The
/// protocol's own answer, when there is one, is already in [`Effects::send`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error(transparent)]
    Sccp(#[from] SccpFault),
    #[error(transparent)]
    Tc(#[from] TcFault),
}

impl From<crate::tcap::sm::TcError> for Fault {
    fn from(e: crate::tcap::sm::TcError) -> Fault {
        Fault::Tc(TcFault::Request(e))
    }
}

impl From<crate::sccp::SccpError> for Fault {
    fn from(e: crate::sccp::SccpError) -> Fault {
        Fault::Sccp(SccpFault::Sccp(e))
    }
}

/// The TC-users of one stack.
struct Users {
    camel: Camel,
    ain: Ain,
    inap: Inap,
    win: Win,
    hlr: Hlr,
}

impl Users {
    fn indication(
        &mut self,
        user: User,
        ctx: &mut Ctx<'_>,
        ind: &Indication,
        rejects_queued: bool,
    ) -> Result<(), TcFault> {
        match user {
            User::Camel => self.camel.indication(ctx, ind, rejects_queued),
            User::Ain => self.ain.indication(ctx, ind, rejects_queued),
            User::Inap => self.inap.indication(ctx, ind, rejects_queued),
            User::Win => self.win.indication(ctx, ind, rejects_queued),
            User::Map => self.hlr.indication(ctx, ind),
        }
    }

    fn decision(&mut self, ctx: &mut Ctx<'_>, id: QueryId, answer: Option<&Answer>) {
        match id.user {
            User::Camel => self.camel.decision(ctx, id, answer),
            User::Ain => self.ain.decision(ctx, id, answer),
            User::Inap => self.inap.decision(ctx, id, answer),
            User::Win => self.win.decision(ctx, id, answer),
            User::Map => {}
        }
    }

    fn on_timeout(&mut self, user: User, ctx: &mut Ctx<'_>) {
        match user {
            User::Camel => self.camel.on_timeout(ctx),
            User::Ain => self.ain.on_timeout(ctx),
            User::Inap => self.inap.on_timeout(ctx),
            User::Win => self.win.on_timeout(ctx),
            // Its deadlines are invoke timers: TCAP's TC-L-CANCEL.
            User::Map => {}
        }
    }

    fn shutdown(&mut self, user: User, ctx: &mut Ctx<'_>) {
        match user {
            User::Camel => self.camel.shutdown(ctx),
            User::Ain => self.ain.shutdown(ctx),
            User::Inap => self.inap.shutdown(ctx),
            User::Win => self.win.shutdown(ctx),
            User::Map => self.hlr.shutdown(ctx),
        }
    }

    fn pending(&self) -> usize {
        self.camel.pending() + self.ain.pending() + self.inap.pending() + self.win.pending()
    }

    fn next_deadline(&self) -> Option<Instant> {
        [
            self.camel.next_deadline(),
            self.ain.next_deadline(),
            self.inap.next_deadline(),
            self.win.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn set_deadline(&mut self, decision_deadline: Duration, reset_timer: Option<(Duration, u32)>) {
        self.camel.set_timing(decision_deadline, reset_timer);
        self.inap.set_timing(decision_deadline, reset_timer);
        self.ain.set_deadline(decision_deadline);
        self.win.set_deadline(decision_deadline);
    }
}

pub struct Node {
    scrc: Scrc,
    /// One TCAP per TC-user, by [`User::index`].
    tcaps: [Tcap<Route>; 5],
    users: Users,
    engine: Engine,
    /// The call gapping asked while refusing.
    gap: Gap,
    /// Each TC-user's subsystem, by [`User::index`] (`None`: not served).
    ssns: [Option<u8>; 5],
    shards: Shards,
    /// Indications of one step, reused.
    batch: Vec<Indication>,
    /// The time of the last input (the state machines need one to end dialogues at
    /// shutdown), and its wall-clock time (ms since the epoch) for events at shutdown.
    last_now: Option<Instant>,
    last_now_ms: i64,
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
        // The INAP and WIN SSNs, unless another subsystem already has that number.
        let inap_ssn = stack
            .inap_ssn
            .filter(|s| *s != cfg.camel_ssn && Some(*s) != cfg.ain_ssn);
        let win_ssn = stack
            .win_ssn
            .filter(|s| *s != cfg.camel_ssn && Some(*s) != cfg.ain_ssn && Some(*s) != inap_ssn);
        let map_ssn = stack.hlr.as_ref().map(|h| h.ssn).filter(|s| {
            *s != cfg.camel_ssn
                && Some(*s) != cfg.ain_ssn
                && Some(*s) != inap_ssn
                && Some(*s) != win_ssn
        });
        let ssns = [Some(cfg.camel_ssn), cfg.ain_ssn, inap_ssn, win_ssn, map_ssn];
        let policy = |user: User| match user {
            User::Camel => SsnPolicy {
                accepted: stack.camel_acs.iter().map(|a| AppContext::oid(a)).collect(),
                fallback: Some(AppContext::oid(&stack.camel_fallback_ac)),
                accept_without_ac: stack.camel_accept_without_ac,
                class_of: crate::tcuser::camel::class_of,
            },
            User::Ain => SsnPolicy {
                // AIN 0.1/0.2 SSPs send no application context (GR-1299).
                accepted: Vec::new(),
                fallback: None,
                accept_without_ac: true,
                class_of: crate::tcuser::ain::class_of,
            },
            User::Inap => SsnPolicy {
                accepted: stack.inap_acs.iter().map(|a| AppContext::oid(a)).collect(),
                fallback: Some(AppContext::oid(crate::inap::ac::SSP_TO_SCP)),
                // ETS 300 374-1 switches often open without a dialogue portion.
                accept_without_ac: true,
                class_of: crate::tcuser::inap::class_of,
            },
            User::Win => SsnPolicy {
                // ANSI-41 MSCs send no application context (TIA/EIA-41-D §6.4.1).
                accepted: Vec::new(),
                fallback: None,
                accept_without_ac: true,
                class_of: crate::tcuser::win::class_of,
            },
            // We begin the dialogues; a TC-BEGIN here gets a U-Abort from the user.
            User::Map => SsnPolicy {
                accepted: Vec::new(),
                fallback: None,
                accept_without_ac: false,
                class_of: |_| crate::tcap::tc::OpClass::Class1,
            },
        };
        let tcaps = User::ALL.map(|user| {
            let mut c = TcapConfig::new(match user {
                User::Camel | User::Inap | User::Map => Variant::Itu,
                User::Ain | User::Win => Variant::Ansi,
            });
            c.instance = cfg.instance;
            c.shards = cfg.shards;
            c.max_dialogues = cfg.max_dialogues;
            c.idle_timeout = cfg.dialogue_idle;
            c.abort_on_idle = stack.abort_on_idle;
            c.ssns = ssns[user.index()]
                .map(|ssn| (ssn, policy(user)))
                .into_iter()
                .collect();
            Tcap::new(c)
        });
        let scrc = Scrc::new(
            ScrcConfig {
                point_code: cfg.point_code,
                network_indicator: cfg.network_indicator,
                subsystems: ssns.iter().flatten().copied().collect(),
                variant: stack.sccp_variant,
                hop_counter: stack.hop_counter,
                reassembly: stack.reassembly,
                max_segment: stack.max_segment,
                gt_rules: stack.gt_rules,
                // SCCP management speaks for the node once: in the first shard.
                scmg_concerned: if cfg.shards.index == 0 {
                    stack.scmg_concerned
                } else {
                    Vec::new()
                },
            },
            // Segmentation references of the shards apart.
            (boot_ms as u32).wrapping_add(cfg.shards.index << 24),
        );
        let mut engine = Engine::new(subscribers, cfg.instance, boot_ms);
        engine.set_shard(cfg.shards.index as usize, cfg.shards.count as usize);
        let users = Users {
            camel: Camel::new(
                stack.invoke_timeout,
                stack.decision_deadline,
                stack.reset_timer,
            ),
            ain: Ain::new(
                &stack.ain,
                stack.invoke_timeout,
                stack.decision_deadline,
                cfg.max_dialogues,
                cfg.shards,
            ),
            inap: Inap::new(
                stack.invoke_timeout,
                stack.decision_deadline,
                stack.reset_timer,
            ),
            win: Win::new(
                crate::tcuser::win_map::scp_address(cfg.point_code, win_ssn.unwrap_or(0)),
                stack.decision_deadline,
                cfg.max_dialogues,
            ),
            hlr: Hlr::new(
                stack.hlr.clone().filter(|_| map_ssn.is_some()),
                crate::tcuser::hlr::Network {
                    variant: stack.sccp_variant,
                    point_code: cfg.point_code,
                    network_indicator: cfg.network_indicator,
                },
            ),
        };
        Node {
            scrc,
            tcaps,
            users,
            engine,
            gap: Gap::DEFAULT,
            ssns,
            shards: cfg.shards,
            batch: Vec::new(),
            last_now: None,
            last_now_ms: boot_ms,
        }
    }

    pub fn open_dialogues(&self) -> usize {
        self.tcaps.iter().map(|t| t.dialogues()).sum()
    }

    /// Open TCAP dialogues of `user`'s subsystem.
    pub fn dialogues(&self, user: User) -> usize {
        self.tcaps[user.index()].dialogues()
    }

    /// TCAP outcome counters of `user`'s subsystem (dialogues opened/ended/aborted/timed
    /// out, P-Abort answers, AC refusals, rejects, invoke timeouts, notices).
    pub fn tcap_counters(&self, user: User) -> &Counters {
        self.tcaps[user.index()].counters()
    }

    pub fn sccp_counters(&self) -> &SccpCounters {
        self.scrc.counters()
    }

    /// Messages being reassembled.
    pub fn reassemblies(&self) -> usize {
        self.scrc.reassemblies()
    }

    /// Triggers waiting for a decision.
    pub fn pending_decisions(&self) -> usize {
        self.users.pending()
    }

    /// WIN calls followed by their BillingID.
    #[cfg(test)]
    pub(crate) fn win_calls(&self) -> usize {
        self.users.win.followed()
    }

    /// Take on less (or everything again) while overloaded.
    pub fn set_load(&mut self, load: Load) {
        self.engine.set_shedding(load >= Load::Shed);
        for t in &mut self.tcaps {
            t.set_refusing(load == Load::Refuse);
        }
        let gap = (load == Load::Refuse).then_some(self.gap);
        self.users.camel.set_gap(gap);
        self.users.inap.set_gap(gap);
    }

    /// The call gapping asked of CAMEL and INAP switches while refusing (`[overload]`).
    pub fn set_gap(&mut self, gap: Gap) {
        self.gap = gap;
    }

    /// Apply a configuration reload (see [`Reload`]).
    pub fn reload(&mut self, r: &Reload) {
        self.users.set_deadline(r.decision_deadline, r.reset_timer);
        let mut engine = self.engine.config().clone();
        engine.fallback = r.fallback;
        engine.anchor_ttl_ms = r.anchor_ttl_ms;
        self.engine.configure(engine);
        // SCCP management speaks for the node once: in the first shard.
        let concerned = if self.shards.index == 0 {
            r.scmg_concerned.clone()
        } else {
            Vec::new()
        };
        self.scrc.reload(r.gt_rules.clone(), concerned);
    }

    /// The service engine (the runtime configures routing numbers and decisions on it).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// When [`Node::on_timeout`] next has something to do (invoke timers, dialogue idle
    /// timers, reassembly timers, decision deadlines).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.tcaps
            .iter()
            .map(|t| t.next_deadline())
            .chain([self.scrc.next_deadline(), self.users.next_deadline()])
            .flatten()
            .min()
    }

    fn stamp(&mut self, now: Instant, now_ms: i64) {
        self.last_now = Some(now);
        self.last_now_ms = now_ms;
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
        self.stamp(now, now_ms);
        match self.scrc.receive(assoc, pd, now, &mut fx.send)? {
            Received::Data { ssn, route, data } => {
                if let std::borrow::Cow::Owned(tcap) = data {
                    // Reassembled here: its dialogue may live in another shard.
                    if let Some(shard) = self.elsewhere(&tcap) {
                        fx.forward.push(Forward {
                            shard,
                            ssn,
                            route,
                            tcap,
                        });
                        return Ok(());
                    }
                    return self.deliver(ssn, route, &tcap, now, now_ms, fx);
                }
                self.deliver(ssn, route, &data, now, now_ms, fx)
            }
            Received::Returned {
                ssn,
                data,
                cause,
                first,
            } => {
                // One of our messages came back (Q.714 §4.2): TC-NOTICE to its dialogue.
                if first {
                    let user = self.user_of(ssn);
                    self.tcaps[user.index()].on_notice(data, cause);
                    self.run_user(user, now, now_ms, fx)?;
                }
                let kind = match pd.data.first() {
                    Some(&t) => sccp::type_name(t),
                    None => "?",
                };
                Err(SccpFault::Returned(kind, cause).into())
            }
            Received::Done => Ok(()),
        }
    }

    /// A whole TCAP message another shard reassembled for a dialogue of this one.
    pub fn on_forwarded(
        &mut self,
        f: Forward,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        self.stamp(now, now_ms);
        self.deliver(f.ssn, f.route, &f.tcap, now, now_ms, fx)
    }

    /// A report another shard took for a call this one follows.
    pub fn on_note(&mut self, n: Note, now: Instant, now_ms: i64, fx: &mut Effects) {
        self.stamp(now, now_ms);
        self.with_user(User::Ain, now, now_ms, fx, |users, ctx| {
            users.ain.notified(ctx, n.echo, n.state)
        });
    }

    /// The shard owning the dialogue `tcap` continues, when it is not this one.
    fn elsewhere(&self, tcap: &[u8]) -> Option<u32> {
        if self.shards.count <= 1 {
            return None;
        }
        match crate::tcap::tid::received(tcap) {
            crate::tcap::tid::Addressed::Ours(tid) => {
                Shards::owner(self.shards.count, tid).filter(|s| *s != self.shards.index)
            }
            _ => None,
        }
    }

    /// A whole TCAP message for local subsystem `ssn`, up through its TCAP and TC-user.
    fn deliver(
        &mut self,
        ssn: u8,
        route: Route,
        tcap: &[u8],
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        let user = self.user_of(ssn);
        let t = &mut self.tcaps[user.index()];
        let before = Refusals::of(t.counters());
        t.on_message(route, ssn, tcap, now);
        let handled = self.run_user(user, now, now_ms, fx);
        let c = self.tcaps[user.index()].counters();
        match Refusals::of(c).since(&before, c, tcap) {
            Some(f) => Err(f.into()),
            None => handled,
        }
    }

    /// Which TC-user serves subsystem `ssn` (SCCP only delivers our subsystems).
    fn user_of(&self, ssn: u8) -> User {
        User::ALL
            .into_iter()
            .find(|u| self.ssns[u.index()] == Some(ssn))
            .unwrap_or(User::Camel)
    }

    /// Hand every pending TCAP indication of `user`'s TCAP to it, then send what TCAP
    /// queued.
    fn run_user(
        &mut self,
        user: User,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        let tcap = &mut self.tcaps[user.index()];
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
            let handled = self.with_user(user, now, now_ms, fx, |users, ctx| {
                users.indication(user, ctx, ind, rejects_queued)
            });
            if let Err(e) = handled {
                if result.is_ok() {
                    result = Err(e.into());
                }
            }
        }
        batch.clear();
        self.batch = batch;
        if user == User::Map {
            self.with_user(user, now, now_ms, fx, |users, ctx| users.hlr.settle(ctx));
        }
        self.flush(fx);
        result
    }

    /// Run `f` with the TC-users and the context of `user`'s TCAP.
    fn with_user<T>(
        &mut self,
        user: User,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
        f: impl FnOnce(&mut Users, &mut Ctx<'_>) -> T,
    ) -> T {
        let mut ctx = Ctx {
            tcap: &mut self.tcaps[user.index()],
            engine: &mut self.engine,
            events: &mut fx.events,
            queries: &mut fx.queries,
            notes: &mut fx.notes,
            hlr: &mut fx.hlr,
            now,
            now_ms,
        };
        f(&mut self.users, &mut ctx)
    }

    /// Send what TCAP queued, each in a UDT or XUDT(s) on its route.
    fn flush(&mut self, fx: &mut Effects) {
        for tcap in &mut self.tcaps {
            while let Some(t) = tcap.poll_transmit() {
                self.scrc.send(&t.to, &t.data, &mut fx.send);
            }
        }
    }

    /// The data-session server's answer to `id` (`None`: none came, the fallback applies).
    /// Late answers (the deadline passed, or the dialogue ended) are ignored.
    pub fn on_decision(
        &mut self,
        id: QueryId,
        answer: Option<&Answer>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) {
        self.stamp(now, now_ms);
        self.with_user(id.user, now, now_ms, fx, |users, ctx| {
            users.decision(ctx, id, answer)
        });
        self.flush(fx);
    }

    /// Ask the HLR of `query`'s subscriber (MAP, [`crate::tcuser::hlr`]); the answer to
    /// request `id` comes in [`Effects::hlr`] by `deadline`.
    pub fn ask_hlr(
        &mut self,
        id: u64,
        query: HlrQuery,
        deadline: Instant,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) {
        self.stamp(now, now_ms);
        self.with_user(User::Map, now, now_ms, fx, |users, ctx| {
            users.hlr.ask(ctx, id, query, deadline)
        });
        self.flush(fx);
    }

    /// Timers: decision deadlines and ResetTimers, invoke timers (TC-L-CANCEL), dialogues
    /// that went quiet (U-Abort and a DIALOGUE_TIMED_OUT event), and reassemblies whose
    /// T(reass) ran out (XUDTS when the first segment asked for return on error).
    pub fn on_timeout(&mut self, now: Instant, now_ms: i64, fx: &mut Effects) {
        self.stamp(now, now_ms);
        for user in User::ALL {
            self.with_user(user, now, now_ms, fx, |users, ctx| {
                users.on_timeout(user, ctx)
            });
        }
        self.flush(fx);
        for t in &mut self.tcaps {
            t.on_timeout(now);
        }
        for user in User::ALL {
            if let Err(e) = self.run_user(user, now, now_ms, fx) {
                tracing::warn!(error = %e, "timer handling");
            }
        }
        self.scrc.on_timeout(now, &mut fx.send);
    }

    /// Tell the concerned point codes the state of our subsystems (SSA/SSP, Q.714 §5.3.2):
    /// call when a route towards them comes up, so an STP that marked us prohibited while
    /// we were unreachable learns we are back.
    pub fn announce_subsystems(&mut self, fx: &mut Effects) {
        self.scrc.announce(&mut fx.send);
    }

    /// A local subsystem goes in (`up`) or out of service: SSA/SSP to the concerned point
    /// codes when its state changes (Q.714 §5.3.2.2, §5.3.3.2).
    pub fn set_subsystem(&mut self, ssn: u8, up: bool, fx: &mut Effects) {
        self.scrc.set_subsystem(ssn, up, &mut fx.send);
    }

    /// Shutdown: the concerned point codes are told our subsystems are going out of service
    /// (SSP) first, so STPs stop routing new queries here; then undecided triggers get the
    /// fallback and every open dialogue ends (the switch continues the call without us,
    /// TS 23.078 §4.5.2), so no switch is left waiting.
    pub fn shutdown(&mut self, fx: &mut Effects) {
        for ssn in self.scrc.subsystems() {
            self.set_subsystem(ssn, false, fx);
        }
        // A followed call implies a message was handled, so there is a last time.
        let Some(now) = self.last_now else { return };
        let now_ms = self.last_now_ms;
        for user in User::ALL {
            self.with_user(user, now, now_ms, fx, |users, ctx| {
                users.shutdown(user, ctx)
            });
        }
        self.flush(fx);
    }
}
