//! TC-users: the application protocols on top of TCAP that serve switch queries (CAMEL,
//! AIN, INAP, WIN), each mapping its protocol to the
//! service model and back. They see dialogues, indications and components
//! ([`crate::tcap::tc`]), never wire formats: [`crate::tcap::sm::Tcap`] does the
//! transaction and component sub-layers.
//!
//! What every such user shares is the query-dialogue core, [`Dialogues`]: a trigger is put
//! to the service engine, answered now or held for the data-session server's decision (with
//! its deadline, the fallback, and ResetTimer where the protocol has one), and a monitored
//! call is followed with its dialogue until it ends; a dialogue that ends otherwise (abort,
//! SCCP return, idle timeout) publishes why.

pub mod ain;
pub mod ain_map;
pub mod camel;
pub mod camel_map;
pub mod hlr;
pub mod inap;
pub mod inap_map;
#[cfg(test)]
mod tests;
pub mod win;
pub mod win_map;

use crate::sccp::scrc::Route;
use crate::service::{Answer, Call, CallState, Decision, Engine, Event, Instruction, Trigger};
use crate::tcap::sm::{TcError, Tcap};
use crate::tcap::tc::{DialogueId, Indication, PAbortCause};
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Which TC-user a dialogue belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum User {
    Camel,
    Ain,
    Inap,
    Win,
    /// The MAP client towards HLRs ([`hlr`]): it asks, it is not asked.
    Map,
}

impl User {
    /// Every TC-user, in the order of their index ([`User::index`]).
    pub const ALL: [User; 5] = [User::Camel, User::Ain, User::Inap, User::Win, User::Map];

    /// Its place in [`User::ALL`] (and in tables kept per user).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The TCAP instance serving it, as metrics label it: ITU on the CAMEL SSN, ANSI on the
    /// AIN SSN, ITU on the INAP SSN, ANSI on the WIN SSN, ITU on the MAP client's.
    pub const fn tcap_label(self) -> &'static str {
        match self {
            User::Camel => "itu",
            User::Ain => "ansi",
            User::Inap => "inap",
            User::Win => "win",
            User::Map => "map",
        }
    }
}

/// Names a trigger held for a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueryId {
    pub user: User,
    pub dialogue: DialogueId,
    /// Which hold of that dialogue id (ids are reused once dialogues end).
    pub seq: u64,
}

/// A trigger for the decision broker: the TRIGGER event as journalled.
#[derive(Debug, Clone)]
pub struct Query {
    pub id: QueryId,
    pub event: Event,
}

/// A report for a call another shard follows: an AIN 0.1 Termination_Notification comes
/// in a dialogue of its own, to whichever shard took it; its EchoData names the one that
/// follows the call.
#[derive(Debug, Clone)]
pub struct Note {
    pub shard: u32,
    pub echo: [u8; 6],
    pub state: Option<CallState>,
}

/// What a TC-user works with while it handles one input.
pub struct Ctx<'a> {
    /// The TCAP of the user's subsystem.
    pub tcap: &'a mut Tcap<Route>,
    pub engine: &'a mut Engine,
    /// Events to journal and publish, in order.
    pub events: &'a mut Vec<Event>,
    /// Triggers to put to the data-session server.
    pub queries: &'a mut Vec<Query>,
    /// Reports for calls other shards follow.
    pub notes: &'a mut Vec<Note>,
    /// Answers to questions put to HLRs, by request id.
    pub hlr: &'a mut Vec<(u64, crate::service::hlr::HlrResult)>,
    pub now: Instant,
    pub now_ms: i64,
}

impl Ctx<'_> {
    /// Publish a call-state change of `call`.
    pub fn report(&mut self, call: &mut Call, state: CallState) {
        let ev = self.engine.state(call, state, self.now_ms);
        self.events.push(ev);
    }

    /// [`Ctx::report`], noting the optional members of the report that did not decode.
    pub fn report_noting(
        &mut self,
        call: &mut Call,
        state: CallState,
        malformed: Box<[crate::service::MalformedMember]>,
    ) {
        let mut ev = self.engine.state(call, state, self.now_ms);
        ev.malformed = malformed;
        self.events.push(ev);
    }
}

/// Why a TCAP message did not reach its TC-user normally, or what the user refused (for
/// logs and counters). The protocol's own answer, when there is one, is already queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
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
    #[error("INAP: {0}")]
    Inap(String),
    #[error("WIN: {0}")]
    Win(String),
    #[error("MAP: {0}")]
    Map(String),
}

/// End an ANSI TCAP transaction with what is queued: a Response when the switch gave
/// permission to end, else a ConversationWithPermission granting it, so that the switch
/// closes it (T1.114.4 §3.2: only the side given permission may end).
pub(crate) fn finish(ctx: &mut Ctx<'_>, d: DialogueId, permission: bool) -> Result<(), Fault> {
    if permission {
        ctx.tcap.end(d, crate::tcap::sm::EndKind::Basic, ctx.now)?;
    } else {
        ctx.tcap.set_permission(d, true)?;
        ctx.tcap.continue_(d, ctx.now)?;
    }
    Ok(())
}

/// A call followed with its dialogue, and the protocol's own state of it.
#[derive(Debug)]
pub struct Followed<S> {
    pub call: Call,
    pub state: S,
}

/// A trigger waiting for its decision.
#[derive(Debug)]
struct Held<H> {
    seq: u64,
    call: Call,
    answer: H,
    deadline: Instant,
    /// When to send ResetTimer, if still undecided.
    reset_at: Option<Instant>,
}

/// A held trigger to answer now: its dialogue, call, instruction, and what the protocol
/// kept to answer it.
pub type Answering<H> = (DialogueId, Call, Instruction, H);

/// A followed call's dialogue still open at shutdown.
pub type Open<S> = (DialogueId, Followed<S>);

/// The query-dialogue core of one TC-user: followed calls (`S`: the protocol's state of
/// each) and triggers held for a decision (`H`: what answering one needs).
pub struct Dialogues<S, H> {
    user: User,
    followed: HashMap<DialogueId, Followed<S>>,
    held: HashMap<DialogueId, Held<H>>,
    /// Held triggers' deadlines and ResetTimer times, in order.
    timers: BTreeSet<(Instant, DialogueId)>,
    holds: u64,
    decision_deadline: Duration,
    reset_after: Option<Duration>,
}

impl<S, H> Dialogues<S, H> {
    /// `decision_deadline`: how long a held trigger waits before the fallback;
    /// `reset_after`: when to send ResetTimer while it waits (protocols that have one).
    pub fn new(user: User, decision_deadline: Duration, reset_after: Option<Duration>) -> Self {
        Dialogues {
            user,
            followed: HashMap::new(),
            held: HashMap::new(),
            timers: BTreeSet::new(),
            holds: 0,
            decision_deadline,
            reset_after,
        }
    }

    /// New decision timing (a configuration reload): for triggers held from now on.
    pub fn set_timing(&mut self, decision_deadline: Duration, reset_after: Option<Duration>) {
        self.decision_deadline = decision_deadline;
        self.reset_after = reset_after;
    }

    /// Calls followed.
    pub fn followed(&self) -> usize {
        self.followed.len()
    }

    /// Triggers waiting for a decision.
    pub fn pending(&self) -> usize {
        self.held.len()
    }

    /// Put a trigger on dialogue `d` to the engine: `Some` to answer now; `None` when it is
    /// held for the data-session server (the query goes out in `ctx.queries`, the answer
    /// comes to [`Dialogues::decided`], the deadline to [`Dialogues::expired`]).
    /// `can_reset`: the switch can be kept waiting with ResetTimer.
    pub fn trigger(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        trigger: Trigger,
        answer: H,
        can_reset: bool,
    ) -> Option<(Call, Instruction)> {
        let (call, decision) = ctx.engine.trigger(trigger, ctx.now_ms, ctx.events);
        let event = match decision {
            Decision::Now(instruction) => return Some((call, instruction)),
            Decision::Pending(event) => event,
        };
        self.holds += 1;
        let deadline = ctx.now + self.decision_deadline;
        let reset_at = self
            .reset_after
            .filter(|_| can_reset)
            .map(|after| ctx.now + after)
            .filter(|r| *r < deadline);
        ctx.queries.push(Query {
            id: QueryId {
                user: self.user,
                dialogue: d,
                seq: self.holds,
            },
            event,
        });
        self.timers.insert((deadline, d));
        if let Some(r) = reset_at {
            self.timers.insert((r, d));
        }
        self.held.insert(
            d,
            Held {
                seq: self.holds,
                call,
                answer,
                deadline,
                reset_at,
            },
        );
        None
    }

    fn unhold(&mut self, d: DialogueId) -> Option<Held<H>> {
        let h = self.held.remove(&d)?;
        self.timers.remove(&(h.deadline, d));
        if let Some(r) = h.reset_at {
            self.timers.remove(&(r, d));
        }
        Some(h)
    }

    /// Follow the call on `d` until its dialogue ends.
    pub fn follow(&mut self, d: DialogueId, call: Call, state: S) {
        self.followed.insert(d, Followed { call, state });
    }

    pub fn get_mut(&mut self, d: DialogueId) -> Option<&mut Followed<S>> {
        self.followed.get_mut(&d)
    }

    pub fn get(&self, d: DialogueId) -> Option<&Followed<S>> {
        self.followed.get(&d)
    }

    /// Stop following `d` (its call ended).
    pub fn unfollow(&mut self, d: DialogueId) -> Option<Followed<S>> {
        self.followed.remove(&d)
    }

    /// The dialogue ended otherwise than by the call ending (abort, SCCP return, idle
    /// timeout): publish `state` for its call, followed or held.
    pub fn closed(&mut self, ctx: &mut Ctx<'_>, d: DialogueId, state: CallState) {
        let call = self.followed.remove(&d).map(|f| f.call);
        if let Some(mut call) = call.or_else(|| self.unhold(d).map(|h| h.call)) {
            ctx.report(&mut call, state);
        }
    }

    /// The data-session server's answer to `id` (`None`: none came, the fallback applies):
    /// the held trigger to answer, with the instruction (the ROUTED event is published).
    /// Late answers (the deadline passed, the dialogue ended) give `None`.
    pub fn decided(
        &mut self,
        ctx: &mut Ctx<'_>,
        id: QueryId,
        answer: Option<&Answer>,
    ) -> Option<Answering<H>> {
        if self.held.get(&id.dialogue).is_none_or(|h| h.seq != id.seq) {
            tracing::debug!(
                dialogue = id.dialogue.0,
                "decision for a trigger no longer held"
            );
            return None;
        }
        let h = self.unhold(id.dialogue)?;
        Some(self.resolve(ctx, id.dialogue, h, answer))
    }

    fn resolve(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        h: Held<H>,
        answer: Option<&Answer>,
    ) -> Answering<H> {
        let mut call = h.call;
        let instruction = ctx
            .engine
            .resolve(&mut call, answer, ctx.now_ms, ctx.events);
        (d, call, instruction, h.answer)
    }

    /// What is due at `ctx.now`: held triggers past their deadline, with the fallback
    /// instruction, and dialogues due a ResetTimer.
    pub fn expired(&mut self, ctx: &mut Ctx<'_>) -> (Vec<Answering<H>>, Vec<DialogueId>) {
        let (mut fallbacks, mut resets) = (Vec::new(), Vec::new());
        while let Some(&(t, d)) = self.timers.first() {
            if t > ctx.now {
                break;
            }
            self.timers.pop_first();
            let Some(h) = self.held.get_mut(&d) else {
                continue;
            };
            if h.deadline <= ctx.now {
                let h = self.unhold(d).expect("held");
                tracing::info!(dialogue = d.0, "no decision in time: fallback");
                fallbacks.push(self.resolve(ctx, d, h, None));
            } else if h.reset_at == Some(t) {
                h.reset_at = None;
                resets.push(d);
            }
        }
        (fallbacks, resets)
    }

    /// When [`Dialogues::expired`] next has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.timers.first().map(|(t, _)| *t)
    }

    /// Shutdown: every held trigger with the fallback instruction (an answer rather than
    /// an unexplained end), and every followed call's dialogue.
    pub fn drain(&mut self, ctx: &mut Ctx<'_>) -> (Vec<Answering<H>>, Vec<Open<S>>) {
        // In dialogue order, so a shutdown's messages come out the same every time.
        let mut held: Vec<DialogueId> = self.held.keys().copied().collect();
        held.sort_unstable();
        let mut answering = Vec::new();
        for d in held {
            if let Some(h) = self.unhold(d) {
                answering.push(self.resolve(ctx, d, h, None));
            }
        }
        let mut followed: Vec<_> = self.followed.drain().collect();
        followed.sort_unstable_by_key(|(d, _)| *d);
        (answering, followed)
    }
}

/// What a TC-user serving switch queries provides, so the core can drive the rest: the
/// decisions, the deadlines, shutdown, and the indications that end or report on a
/// dialogue the same way whatever the protocol.
pub trait QueryUser {
    /// The protocol's state of a followed call.
    type State;
    /// What answering a held trigger needs of it.
    type Held;

    /// The core of this user.
    fn core(&mut self) -> &mut Dialogues<Self::State, Self::Held>;

    /// Answer a trigger (now, or once decided) with its instruction.
    fn answer(&mut self, ctx: &mut Ctx<'_>, a: Answering<Self::Held>) -> Result<(), Fault>;

    /// Keep the switch waiting for a decision (CAP ResetTimer); protocols without one
    /// never ask.
    fn reset_timer(&mut self, _ctx: &mut Ctx<'_>, _d: DialogueId) -> Result<(), Fault> {
        Ok(())
    }

    /// End a followed call's dialogue at shutdown, so the switch is not left waiting.
    fn end_at_shutdown(&mut self, ctx: &mut Ctx<'_>, d: DialogueId);

    /// Who is at the other end, for logs ("gsmSSF", "SSP").
    const PEER: &'static str;

    /// Answer, logging rather than failing (the switch's timer or the idle timer ends a
    /// dialogue that could not be answered).
    fn answer_logged(&mut self, ctx: &mut Ctx<'_>, a: Answering<Self::Held>) {
        let d = a.0;
        if let Err(e) = self.answer(ctx, a) {
            tracing::warn!(error = %e, dialogue = d.0, "decided call not answered");
        }
    }

    /// The data-session server's answer to a held trigger (`None`: none came in time).
    fn decision(&mut self, ctx: &mut Ctx<'_>, id: QueryId, answer: Option<&Answer>) {
        if let Some(a) = self.core().decided(ctx, id, answer) {
            self.answer_logged(ctx, a);
        }
    }

    /// Held triggers: ResetTimer when due, the fallback at the deadline.
    fn on_timeout(&mut self, ctx: &mut Ctx<'_>) {
        let (fallbacks, resets) = self.core().expired(ctx);
        for a in fallbacks {
            self.answer_logged(ctx, a);
        }
        for d in resets {
            if let Err(e) = self.reset_timer(ctx, d) {
                tracing::warn!(error = %e, dialogue = d.0, "ResetTimer not sent");
            }
        }
    }

    /// Shutdown: held triggers get the fallback now, and every followed call's dialogue
    /// ends, so no switch is left waiting.
    fn shutdown(&mut self, ctx: &mut Ctx<'_>) {
        let (held, followed) = self.core().drain(ctx);
        for a in held {
            self.answer_logged(ctx, a);
        }
        // Answering a held trigger may follow its call: end those too.
        let (_, more) = self.core().drain(ctx);
        for (d, _) in followed.into_iter().chain(more) {
            self.end_at_shutdown(ctx, d);
        }
    }

    /// The indications that are the same for every query-serving user: the dialogue ended
    /// otherwise than by the call (abort, SCCP return, idle timeout: its call's end is
    /// published), and the component sub-layer's reports. `false`: not one of those.
    fn ended(&mut self, ctx: &mut Ctx<'_>, ind: &Indication) -> bool {
        let peer = Self::PEER;
        match ind {
            Indication::UAbort { dialogue, reason } => {
                tracing::info!(
                    dialogue = dialogue.0,
                    ?reason,
                    peer,
                    "peer aborted the dialogue"
                );
                self.core().closed(ctx, *dialogue, CallState::Aborted);
            }
            Indication::PAbort { dialogue, cause } => {
                tracing::warn!(
                    dialogue = dialogue.0,
                    ?cause,
                    peer,
                    "dialogue provider-aborted"
                );
                self.core().closed(ctx, *dialogue, CallState::Aborted);
            }
            Indication::Notice { dialogue, cause } => {
                // SCCP could not deliver our message: the switch is out of reach, so the
                // relationship is over. Close without sending (an Abort would come back too).
                tracing::warn!(
                    dialogue = dialogue.0,
                    cause,
                    peer,
                    "SCCP returned our message"
                );
                let _ = ctx.tcap.abort_local(*dialogue);
                self.core().closed(ctx, *dialogue, CallState::Aborted);
            }
            Indication::Timeout { dialogue } => {
                self.core().closed(ctx, *dialogue, CallState::TimedOut);
            }
            Indication::LCancel {
                dialogue,
                invoke_id,
            } => {
                // Class 2 and 4 (all we send): no error within the timer, it succeeded.
                tracing::debug!(dialogue = dialogue.0, invoke_id, "invoke timer expired");
            }
            Indication::LReject {
                dialogue,
                invoke_id,
                problem,
            } => {
                tracing::warn!(
                    dialogue = dialogue.0,
                    ?invoke_id,
                    ?problem,
                    peer,
                    "rejecting a component of the peer"
                );
            }
            Indication::RReject {
                dialogue,
                invoke_id,
                problem,
            } => {
                let call_id = self.core().get(*dialogue).map(|f| f.call.id().to_string());
                tracing::warn!(
                    dialogue = dialogue.0,
                    ?call_id,
                    ?invoke_id,
                    ?problem,
                    peer,
                    "peer rejected a component"
                );
            }
            _ => return false,
        }
        true
    }
}
