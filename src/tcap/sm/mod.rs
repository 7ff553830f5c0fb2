//! The TCAP transaction and component sub-layers as one sans-IO state machine, the same for
//! ITU (Q.774) and ANSI (T1.114.4): received messages, TC-user requests and the current time
//! go in; messages to send, indications and the next deadline come out.
//!
//! ```text
//!   on_message(from, ssn, bytes, now) ─┐                       ┌─> poll_transmit()  (to, bytes)
//!   begin/continue_/end/u_abort/      ─┼─> Tcap<A> (dialogues,─┼─> poll_indication() Indication
//!   invoke/return_result/.. (now)      │    invocations, timers)└─> next_deadline()  Instant
//!   on_notice(returned, cause, now)   ─┤
//!   on_timeout(now)                   ─┘
//! ```
//!
//! `A` is whatever the caller needs to send back to the peer (for scpd, the SCCP route); it
//! is stored per dialogue and handed back with every [`Transmit`].
//!
//! The sub-layers' behaviour is tabled beside the code that implements it: what a received
//! message gets (the transaction sub-layer, Q.774 §3.2.1; T1.114.4 §3) in `received`, the
//! TC-user requests and ANSI permission (T1.114.4 §3.2) in `requests`, the component
//! sub-layer (Q.774 §3.2.2; T1.114.4 §4) in `components`, invoke and idle timers in `timers`.

mod components;
mod received;
mod requests;
mod timers;

use crate::tcap::ansi;
use crate::tcap::dialogues::{Dialogues, PeerTid, Shards};
use crate::tcap::itu::MessageType;
use crate::tcap::tc::*;
use smallvec::SmallVec;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Application-context policy of one subsystem (Q.774 §3.2.2.1 / Q.775 negotiation).
#[derive(Debug, Clone)]
pub struct SsnPolicy {
    /// Accepted ACs; empty accepts any.
    pub accepted: Vec<AppContext>,
    /// The AC named in the AARE refusing an unsupported one (so the peer can fall back);
    /// `None` names the first accepted AC.
    pub fallback: Option<AppContext>,
    /// Accept a Begin without dialogue portion (CAP v1, AIN without AC).
    pub accept_without_ac: bool,
    /// Class of a received operation, to know which received invocations await an answer.
    pub class_of: fn(&Operation) -> OpClass,
}

impl Default for SsnPolicy {
    fn default() -> Self {
        SsnPolicy {
            accepted: Vec::new(),
            fallback: None,
            accept_without_ac: true,
            class_of: |_| OpClass::Class1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TcapConfig {
    pub variant: Variant,
    /// Top octet of every local transaction id.
    pub instance: u8,
    /// Which shard of the instance this is (its low id bits).
    pub shards: Shards,
    pub max_dialogues: usize,
    pub idle_timeout: Duration,
    /// On idle timeout, send an Abort to the peer (when its id is known).
    pub abort_on_idle: bool,
    /// Policies per SSN; an SSN not listed gets `SsnPolicy::default()`.
    pub ssns: Vec<(u8, SsnPolicy)>,
}

impl TcapConfig {
    pub fn new(variant: Variant) -> TcapConfig {
        TcapConfig {
            variant,
            instance: 0,
            shards: Shards::ONE,
            max_dialogues: 10_000,
            idle_timeout: Duration::from_secs(60),
            abort_on_idle: true,
            ssns: Vec::new(),
        }
    }
}

/// A message to send to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit<A> {
    pub to: A,
    pub data: Vec<u8>,
}

/// Outcome counters, for metrics. Every dialogue opened ends in exactly one of
/// `ended_normally`, `user_aborted`, `provider_aborted`, `timed_out` (or is still live).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub opened_incoming: u64,
    pub opened_outgoing: u64,
    /// End/Response sent or received, or prearranged end.
    pub ended_normally: u64,
    /// U-Abort sent or received.
    pub user_aborted: u64,
    /// Dialogues closed by a P-Abort (sent or received), by cause.
    pub provider_aborted: BTreeMap<PAbortCause, u64>,
    pub timed_out: u64,
    /// P-Aborts sent for messages that had no dialogue (unknown id, undecodable, table full).
    pub p_abort_answers: BTreeMap<PAbortCause, u64>,
    /// The cause of the latest of those.
    pub last_p_abort_answer: Option<PAbortCause>,
    /// Begins refused in AC negotiation (unsupported AC, no version1, AC required).
    pub ac_refused: u64,
    /// Rejects we sent for received components, by problem.
    pub rejected_local: BTreeMap<Problem, u64>,
    /// Rejects the peer sent us, by problem.
    pub rejected_remote: BTreeMap<Problem, u64>,
    pub invoke_timeouts: u64,
    /// TC-NOTICEs given (SCCP returned a message of a live dialogue).
    pub notices: u64,
    /// Messages dropped without answer (no id to answer to).
    pub discarded: u64,
    /// Begins refused (P-Abort resourceLimitation) while overloaded: shed load, not faults.
    pub refused_overloaded: u64,
}

impl Counters {
    pub fn opened(&self) -> u64 {
        self.opened_incoming + self.opened_outgoing
    }
    pub fn closed(&self) -> u64 {
        self.ended_normally
            + self.user_aborted
            + self.provider_aborted.values().sum::<u64>()
            + self.timed_out
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TcError {
    #[error("no such dialogue")]
    NoSuchDialogue,
    #[error("request not allowed in this dialogue state: {0}")]
    WrongState(&'static str),
    #[error("the peer withheld permission to end (ANSI): continue, end prearranged or abort")]
    NoPermission,
    #[error("dialogue limit reached")]
    Full,
    #[error("no free invoke id")]
    NoFreeInvokeId,
    #[error("no invocation with this id")]
    UnknownInvoke,
}

/// How to end a dialogue (Q.771 TC-END termination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    Basic,
    Prearranged,
}

/// A TC-INVOKE request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoke {
    pub op: Operation,
    pub class: OpClass,
    /// Invocation timer (Q.774: started when the Invoke is sent).
    pub timeout: Duration,
    pub parameter: Option<Vec<u8>>,
    /// The received invocation this one answers (ITU linked id, ANSI correlation id).
    pub linked_id: Option<i8>,
    /// ANSI InvokeLast, or InvokeNotLast when more invokes answering the same linked one
    /// follow (T1.114.3: "Not Last" tells the peer more responses come). ITU: ignored.
    pub last: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    InitReceived,
    InitSent,
    Active,
}

/// One of our invocations awaiting its outcome; small, two fit inline in their dialogue
/// (what CAP and AIN answers carry), since every open dialogue keeps them for the length of
/// their timers.
#[derive(Debug)]
struct SentInvoke {
    id: i8,
    class: OpClass,
    /// The invocation timer (ms; longer ones are cut to 49 days).
    timeout_ms: u32,
    /// Set when the Invoke has been sent.
    deadline: Option<Instant>,
}

#[derive(Debug)]
struct Dlg<A> {
    to: A,
    ssn: u8,
    state: State,
    /// Shared with every dialogue of the same AC (see [`Tcap::shared_ac`]).
    ac: Option<Arc<AppContext>>,
    /// The dialogue has a dialogue portion (ITU AARQ/AARE): aborts carry ABRT.
    structured: bool,
    /// ITU: the next message must carry the AARE accepting the Begin's AARQ. ANSI: the
    /// next package echoes the Query's dialogue portion.
    answer_dialogue: bool,
    /// ANSI: the peer lets us end (Response).
    peer_permission: bool,
    /// ANSI: permission we give in our next package.
    grant: bool,
    /// ANSI: what we gave in our last package.
    granted: bool,
    /// Our Begin has gone out.
    begun: bool,
    next_invoke: i8,
    sent: SmallVec<[SentInvoke; 2]>,
    /// Received invocations awaiting our final answer, with their operation (ITU results
    /// carry it).
    received: Vec<(i8, Operation)>,
    pending: Vec<Component>,
}

/// The TCAP state machine.
pub struct Tcap<A> {
    cfg: TcapConfig,
    policies: HashMap<u8, SsnPolicy>,
    default_policy: SsnPolicy,
    /// The ACs of the policies, shared by the dialogues that use them.
    acs: Vec<Arc<AppContext>>,
    /// Dialogues are boxed: the table's spare slots then cost a pointer, not a dialogue.
    table: Dialogues<Box<Dlg<A>>>,
    /// Invocation timers: (deadline, dialogue, invoke id).
    timers: BTreeSet<(Instant, u32, i8)>,
    transmits: VecDeque<Transmit<A>>,
    indications: VecDeque<Indication>,
    counters: Counters,
    /// New dialogues are refused (see [`Tcap::set_refusing`]).
    refusing: bool,
    /// While refusing, when the next new dialogue may go on.
    let_through: Option<Instant>,
}

/// While refusing, one new dialogue per this interval goes on to the TC-user, so that its
/// answer can ask the switch to back off (CAP CallGap); the node answers it cheaply.
pub const LET_THROUGH: Duration = Duration::from_millis(100);

/// The neutral form of a received message.
struct In {
    kind: MessageType,
    permission: bool,
    otid: Option<PeerTid>,
    dtid: Option<u32>,
    aarq: bool,
    ac: Option<AppContext>,
    version1: bool,
    /// AARE (result, diagnostic) or ABRT source (as (255, (source, 0))).
    aare: Option<(u8, (u8, u8))>,
    abrt: Option<u8>,
    user_info: Option<Vec<u8>>,
    components: Vec<Result<Component, (Option<i8>, Problem)>>,
    p_abort: Option<PAbortCause>,
}

impl<A: Clone> Tcap<A> {
    pub fn new(cfg: TcapConfig) -> Tcap<A> {
        Tcap {
            policies: cfg.ssns.iter().cloned().collect(),
            default_policy: SsnPolicy::default(),
            acs: cfg
                .ssns
                .iter()
                .flat_map(|(_, p)| p.accepted.iter().chain(&p.fallback))
                .map(|a| Arc::new(a.clone()))
                .collect(),
            table: Dialogues::sharded(
                cfg.instance,
                cfg.shards,
                cfg.max_dialogues,
                cfg.idle_timeout,
            ),
            timers: BTreeSet::new(),
            transmits: VecDeque::new(),
            indications: VecDeque::new(),
            counters: Counters::default(),
            refusing: false,
            let_through: None,
            cfg,
        }
    }

    pub fn variant(&self) -> Variant {
        self.cfg.variant
    }
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
    /// Refuse new dialogues with P-Abort resourceLimitation (ANSI: resource unavailable),
    /// as when the table is full (Q.774 §3.2.1.2): the node is overloaded. One per
    /// [`LET_THROUGH`] still goes on; dialogues already open go on.
    pub fn set_refusing(&mut self, on: bool) {
        if on && !self.refusing {
            self.let_through = None;
        }
        self.refusing = on;
    }
    /// Live dialogues.
    pub fn dialogues(&self) -> usize {
        self.table.len()
    }
    /// Sizes of every per-dialogue structure: (dialogues, idle-deadline index, invoke
    /// timers, invocations of ours, received invocations, queued components). All zero when
    /// nothing is live.
    pub fn footprint(&self) -> [usize; 6] {
        let (mut sent, mut received, mut pending) = (0, 0, 0);
        for id in self.table.ids() {
            let d = &self.table.get(id).expect("listed").user;
            sent += d.sent.len();
            received += d.received.len();
            pending += d.pending.len();
        }
        [
            self.table.len(),
            self.table.deadlines_len(),
            self.timers.len(),
            sent,
            received,
            pending,
        ]
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit<A>> {
        self.transmits.pop_front()
    }
    pub fn poll_indication(&mut self) -> Option<Indication> {
        self.indications.pop_front()
    }
    /// When [`Tcap::on_timeout`] should next be called.
    pub fn next_deadline(&self) -> Option<Instant> {
        let t = self.timers.first().map(|t| t.0);
        match (t, self.table.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn policy(&self, ssn: u8) -> &SsnPolicy {
        self.policies.get(&ssn).unwrap_or(&self.default_policy)
    }

    /// `ac`, shared with the other dialogues that use it when a policy names it.
    fn shared_ac(&self, ac: AppContext) -> Arc<AppContext> {
        match self.acs.iter().find(|a| ***a == ac) {
            Some(a) => a.clone(),
            None => Arc::new(ac),
        }
    }
}

fn ansi_tid(p: PeerTid) -> [u8; 4] {
    let mut r = [0u8; 4];
    let b = p.as_bytes();
    r[4 - b.len()..].copy_from_slice(b);
    r
}

fn ansi_ac(a: &AppContext) -> ansi::ApplicationContext<'_> {
    match a {
        AppContext::Integer(v) => ansi::ApplicationContext::Integer(*v),
        AppContext::Oid(o) => ansi::ApplicationContext::Oid(o),
    }
}
