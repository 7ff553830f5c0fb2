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
//! # Transaction sub-layer (Q.774 §3.2.1, Figures A.3/A.4; T1.114.4 §3)
//!
//! States: idle (no entry), initiation received, initiation sent, active. What a received
//! message gets:
//!
//! | received | condition | answer | to the TC-user |
//! | --- | --- | --- | --- |
//! | undecodable, type unknown | otid readable | P-Abort unrecognizedMessageType [ANSI 1] | — |
//! | undecodable, bad BER | otid readable | P-Abort badlyFormattedTransactionPortion [ANSI 3] | — |
//! | undecodable, ids wrong for the type | otid readable | P-Abort incorrectTransactionPortion [ANSI 2] | — |
//! | undecodable, any | dtid names a live dialogue | (as above) | TC-P-ABORT, dialogue closed |
//! | undecodable | no otid readable | discarded | — |
//! | Begin [Query] | table full | P-Abort resourceLimitation [ANSI 6 resourceUnavailable] | — |
//! | Begin with AARQ | protocol version lacks version1 | Abort + AARE reject, provider no-common-dialogue-portion | — |
//! | Begin with AARQ | AC not accepted for the SSN | Abort + AARE reject-permanent, user application-context-name-not-supported, naming the fallback AC | — |
//! | Begin without AARQ | SSN refuses dialogues without AC | Abort (no reason) | — |
//! | Begin [Query] | otherwise | — | TC-BEGIN, state initiation received |
//! | Continue [Conversation] | dtid unknown | P-Abort unrecognizedTransactionID [ANSI 4 unassignedRespondingTransactionID] to its otid | — |
//! | End / Abort [Response / Abort] | dtid unknown | discarded (no otid to answer) | — |
//! | Continue | initiation sent | — (peer tid learnt, AARE checked) | TC-CONTINUE, state active |
//! | End [Response] | live | — | TC-END, dialogue closed |
//! | Response | we had withheld permission | — | TC-P-ABORT permissionToReleaseProblem, dialogue closed |
//! | Abort with P-Abort cause | live | — | TC-P-ABORT(cause), dialogue closed |
//! | Abort with ABRT / user info / nothing | live | — | TC-U-ABORT, dialogue closed |
//! | Abort with AARE user ac-not-supported | initiation sent | — | TC-U-ABORT AcNotSupported{supported AC} |
//! | Abort with AARE provider diagnostic / ABRT provider | live | — | TC-P-ABORT |
//! | (idle timer) | dialogue quiet for `idle_timeout` | Abort (ITU: ABRT user if the dialogue has a dialogue portion) if `abort_on_idle` and the peer id is known | Timeout, dialogue closed |
//!
//! Requests: TC-END basic sends End [Response]; TC-END prearranged closes locally and sends
//! nothing; TC-U-ABORT sends Abort (nothing in initiation sent: the peer has no id for us
//! yet).
//!
//! # ANSI permission (T1.114.4 §3.2)
//!
//! A Query/Conversation *with permission* lets the receiver end the transaction with a
//! Response; *without permission* does not. scpd keeps the permission the peer last gave
//! (`permission` in TC-BEGIN/TC-CONTINUE): a TC-END basic request on a dialogue whose peer
//! withheld permission is refused with [`TcError::NoPermission`] — the user may continue,
//! end prearranged or abort instead. What we give is set by [`Tcap::set_permission`]
//! (default: with permission). A Response received after we withheld permission closes the
//! dialogue with TC-P-ABORT permissionToReleaseProblem (cause 5) to the user; nothing can be
//! sent back, the peer has already released its id.
//!
//! # Component sub-layer (Q.774 §3.2.2; T1.114.4 §4)
//!
//! | received component | condition | Reject sent (next message) | to the TC-user |
//! | --- | --- | --- | --- |
//! | undecodable | codec fault | the codec's problem (general/mistyped/…) | TC-L-REJECT |
//! | Invoke | id of a received invocation still awaiting our answer | invoke duplicateInvokeID | TC-L-REJECT |
//! | Invoke | linked id names no invocation of ours in progress | invoke unrecognizedLinkedID | TC-L-REJECT |
//! | ReturnResult(L/NL) | id names no invocation of ours | returnResult unrecognizedInvokeID | TC-L-REJECT |
//! | ReturnResult | our invocation is class 2 or 4 | returnResult returnResultUnexpected | TC-L-REJECT |
//! | ReturnError | id names no invocation of ours | returnError unrecognizedInvokeID | TC-L-REJECT |
//! | ReturnError | our invocation is class 3 or 4 | returnError returnErrorUnexpected | TC-L-REJECT |
//! | Reject | — | — | TC-R-REJECT (the named invocation of ours ends) |
//! | (invoke timer) | no final answer within the timeout | — | TC-L-CANCEL |
//!
//! Rejects found in a TC-END [Response] cannot be sent; only TC-L-REJECT is given. A received
//! Invoke's class comes from [`SsnPolicy::class_of`]; classes 1 and 3 are remembered until we
//! answer them (return result last, return error or reject) so that duplicates are caught.

use crate::ber::{Tag, Tlv, Writer};
use crate::tcap::ansi::{self, AnsiMessage, PackageType};
use crate::tcap::dialogues::{Dialogues, PeerTid, Shards};
use crate::tcap::itu::{self, DialogueOut, DialoguePdu, MessageType, TcMessage};
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
    pub linked_id: Option<i8>,
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
}

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

fn local_tid(b: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(b).ok().map(u32::from_be_bytes)
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
            cfg,
        }
    }

    pub fn variant(&self) -> Variant {
        self.cfg.variant
    }
    pub fn counters(&self) -> &Counters {
        &self.counters
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

    // ---------------------------------------------------------------- received messages

    /// A TCAP message received from `from` (whatever the caller needs to answer it) for
    /// subsystem `ssn`.
    pub fn on_message(&mut self, from: A, ssn: u8, data: &[u8], now: Instant) {
        let msg = match self.cfg.variant {
            Variant::Itu => self.parse_itu(&from, data),
            Variant::Ansi => self.parse_ansi(&from, data),
        };
        let Some(msg) = msg else { return };
        match msg.kind {
            MessageType::Unidirectional => {
                let components = msg.components.into_iter().filter_map(Result::ok).collect();
                self.indications.push_back(Indication::Uni {
                    ac: msg.ac,
                    components,
                });
            }
            MessageType::Begin => self.on_begin(from, ssn, msg, now),
            MessageType::Continue | MessageType::End | MessageType::Abort => {
                self.on_subsequent(from, msg, now)
            }
        }
    }

    fn parse_itu(&mut self, from: &A, data: &[u8]) -> Option<In> {
        let m = match TcMessage::decode(data) {
            Ok(m) => m,
            Err(e) => {
                let cause = PAbortCause::from_itu(e.p_abort_cause() as u8);
                let (otid, dtid) = salvage_itu(data);
                self.refuse(from, otid, dtid.and_then(local_tid), cause);
                return None;
            }
        };
        let mut msg = In {
            kind: m.kind,
            permission: true,
            otid: m.otid.and_then(PeerTid::new),
            dtid: m.dtid.and_then(local_tid),
            aarq: false,
            ac: m.application_context().map(AppContext::oid),
            version1: m.version1(),
            aare: None,
            abrt: None,
            user_info: m.user_info.map(<[u8]>::to_vec),
            components: m
                .component_pdus()
                .map(|c| {
                    c.map(Component::from_itu)
                        .map_err(|f| (f.invoke_id, Problem::from_itu(f.problem)))
                })
                .collect(),
            p_abort: m.p_abort.map(PAbortCause::from_itu),
        };
        match m.dialogue {
            Some(DialoguePdu::Aarq { .. }) => msg.aarq = true,
            Some(DialoguePdu::Aare {
                result, diagnostic, ..
            }) => msg.aare = Some((result, diagnostic)),
            Some(DialoguePdu::Abrt { source }) => msg.abrt = Some(source),
            _ => {}
        }
        Some(msg)
    }

    fn parse_ansi(&mut self, from: &A, data: &[u8]) -> Option<In> {
        let m = match AnsiMessage::decode(data) {
            Ok(m) => m,
            Err(e) => {
                let cause = PAbortCause::from_ansi(e.p_abort_cause() as u8);
                let (mut otid, mut dtid) = (None, None);
                if let Some((p, ids)) = ansi::peek_transaction_id(data) {
                    if ids.len() == p.transaction_id_len() {
                        let mut rest = ids;
                        if p.has_originating_id() {
                            otid = PeerTid::new(&rest[..4]);
                            rest = &rest[4..];
                        }
                        if p.has_responding_id() {
                            dtid = local_tid(&rest[..4]);
                        }
                    }
                    // T1.114.4: nothing goes back for a refused Unidirectional or Abort.
                    if matches!(p, PackageType::Abort | PackageType::Unidirectional) {
                        otid = None;
                    }
                }
                self.refuse(from, otid, dtid, cause);
                return None;
            }
        };
        let kind = match m.package {
            PackageType::Unidirectional => MessageType::Unidirectional,
            PackageType::QueryWithPermission | PackageType::QueryWithoutPermission => {
                MessageType::Begin
            }
            PackageType::ConversationWithPermission
            | PackageType::ConversationWithoutPermission => MessageType::Continue,
            PackageType::Response => MessageType::End,
            PackageType::Abort => MessageType::Abort,
        };
        let (p_abort, user_info) = match m.abort {
            Some(ansi::AbortReason::Provider(c)) => (Some(PAbortCause::from_ansi(c)), None),
            Some(ansi::AbortReason::User(u)) => (None, Some(u.to_vec())),
            None => (None, None),
        };
        let ac = m
            .dialogue
            .and_then(|d| d.application_context)
            .map(|a| match a {
                ansi::ApplicationContext::Integer(v) => AppContext::Integer(v),
                ansi::ApplicationContext::Oid(o) => AppContext::oid(o),
            });
        Some(In {
            kind,
            permission: m.package.permission().unwrap_or(true),
            otid: m.ids.originating.and_then(|o| PeerTid::new(&o)),
            dtid: m.ids.responding.map(u32::from_be_bytes),
            aarq: ac.is_some(),
            ac,
            version1: true,
            aare: None,
            abrt: None,
            user_info: user_info.or_else(|| {
                m.dialogue
                    .and_then(|d| d.user_information)
                    .map(<[u8]>::to_vec)
            }),
            components: m
                .components()
                .map(|c| {
                    c.map(Component::from_ansi).map_err(|f| {
                        (
                            f.correlation_id.map(|v| v as i8),
                            Problem::from_ansi(f.problem),
                        )
                    })
                })
                .collect(),
            p_abort,
        })
    }

    /// An undecodable message: P-Abort to its otid if readable, TC-P-ABORT to the dialogue
    /// its dtid names if any.
    fn refuse(&mut self, from: &A, otid: Option<PeerTid>, dtid: Option<u32>, cause: PAbortCause) {
        if let Some(local) = dtid.filter(|l| self.table.get(*l).is_some()) {
            let d = self.close(local).expect("live");
            *self.counters.provider_aborted.entry(cause).or_default() += 1;
            self.indications.push_back(Indication::PAbort {
                dialogue: DialogueId(local),
                cause,
            });
            if let Some(o) = otid {
                self.send_p_abort(d.user.to, o, cause);
                return;
            }
        }
        match otid {
            Some(o) => {
                *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                self.counters.last_p_abort_answer = Some(cause);
                self.send_p_abort(from.clone(), o, cause);
            }
            None => self.counters.discarded += 1,
        }
    }

    fn send_p_abort(&mut self, to: A, peer: PeerTid, cause: PAbortCause) {
        let mut data = Vec::with_capacity(16);
        match self.cfg.variant {
            Variant::Itu => {
                let mut w = Writer::new(&mut data);
                w.constructed(itu::tags::ABORT, |w| {
                    w.primitive(itu::tags::DTID, peer.as_bytes());
                    w.integer(itu::tags::P_ABORT_CAUSE, cause.to_itu().into());
                });
            }
            Variant::Ansi => {
                let mut r = [0u8; 4];
                let b = peer.as_bytes();
                r[4 - b.len()..].copy_from_slice(b);
                ansi::encode_abort(
                    &mut data,
                    r,
                    None,
                    Some(ansi::AbortReason::Provider(cause.to_ansi())),
                );
            }
        }
        self.transmits.push_back(Transmit { to, data });
    }

    fn on_begin(&mut self, from: A, ssn: u8, msg: In, now: Instant) {
        let otid = msg.otid.expect("decoder checked");
        // Q.774 §3.2.2.1: dialogue portion checks, then AC negotiation.
        if msg.aarq && !msg.version1 {
            self.counters.ac_refused += 1;
            let ac = msg.ac.clone();
            self.send_refusal(from, otid, ac.as_ref(), (2, 2));
            return;
        }
        let policy = self.policy(ssn);
        let refusal = match &msg.ac {
            Some(ac) if !policy.accepted.is_empty() && !policy.accepted.contains(ac) => {
                let supported = policy
                    .fallback
                    .clone()
                    .or_else(|| policy.accepted.first().cloned());
                Some((supported, (1, 2)))
            }
            None if !policy.accept_without_ac => Some((None, (1, 1))),
            _ => None,
        };
        if let Some((supported, diagnostic)) = refusal {
            self.counters.ac_refused += 1;
            self.send_refusal(from, otid, supported.as_ref(), diagnostic);
            return;
        }
        let dlg = Box::new(Dlg {
            to: from.clone(),
            ssn,
            state: State::InitReceived,
            ac: msg.ac.clone().map(|a| self.shared_ac(a)),
            structured: msg.aarq && self.cfg.variant == Variant::Itu,
            answer_dialogue: msg.aarq,
            peer_permission: msg.permission,
            grant: true,
            granted: true,
            begun: false,
            next_invoke: 1,
            sent: SmallVec::new(),
            received: Vec::new(),
            pending: Vec::new(),
        });
        let local = match self.table.open(otid, now, dlg) {
            Ok(l) => l,
            Err(_) => {
                let cause = PAbortCause::ResourceLimitation;
                *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                self.counters.last_p_abort_answer = Some(cause);
                self.send_p_abort(from, otid, cause);
                return;
            }
        };
        self.counters.opened_incoming += 1;
        let (components, extra) = self.process_components(local, msg.components, false);
        self.indications.push_back(Indication::Begin {
            dialogue: DialogueId(local),
            ssn,
            ac: msg.ac,
            user_info: msg.user_info,
            permission: msg.permission,
            components,
        });
        self.indications.extend(extra);
    }

    /// Refuse a Begin in AC negotiation: ITU Abort with an AARE reject-permanent carrying
    /// `diagnostic` ((1, 2) user ac-not-supported, (2, 2) provider no-common-dialogue-portion)
    /// and the AC we support; a bare Abort when there is no AC to name. ANSI: Abort with a
    /// dialogue portion naming the AC (T1.114 has no AARE; our choice).
    fn send_refusal(&mut self, to: A, otid: PeerTid, ac: Option<&AppContext>, diag: (u8, u8)) {
        let mut data = Vec::with_capacity(64);
        match self.cfg.variant {
            Variant::Itu => {
                let oid = match ac {
                    Some(AppContext::Oid(o)) => Some(o.as_slice()),
                    _ => None,
                };
                let dialogue = oid.map(|ac| DialogueOut::Aare {
                    ac,
                    result: 1,
                    diagnostic: diag,
                });
                itu::encode(
                    &mut data,
                    MessageType::Abort,
                    None,
                    Some(otid.as_bytes()),
                    dialogue,
                    |_| {},
                );
            }
            Variant::Ansi => {
                let d = ac.map(|a| ansi::DialoguePortion {
                    version: Some(ansi::version::SUPPORTED),
                    application_context: Some(ansi_ac(a)),
                    ..Default::default()
                });
                ansi::encode_abort(&mut data, ansi_tid(otid), d.as_ref(), None);
            }
        }
        self.transmits.push_back(Transmit { to, data });
    }

    fn on_subsequent(&mut self, from: A, msg: In, now: Instant) {
        let live = msg.dtid.filter(|l| self.table.get(*l).is_some());
        let Some(local) = live else {
            // Q.774 §3.2.1.2: unknown dtid. Only a Continue has an otid to answer.
            match (msg.kind, msg.otid) {
                (MessageType::Continue, Some(o)) => {
                    let cause = PAbortCause::UnrecognizedTransactionId;
                    *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                    self.counters.last_p_abort_answer = Some(cause);
                    self.send_p_abort(from, o, cause);
                }
                _ => self.counters.discarded += 1,
            }
            return;
        };
        self.table.touch(local, now);
        let id = DialogueId(local);
        match msg.kind {
            MessageType::Abort => {
                let d = self.close(local).expect("live");
                let ind = match (msg.p_abort, msg.aare, msg.abrt) {
                    (Some(cause), _, _) => Err(cause),
                    (None, Some((_, (2, _))), _) => Err(PAbortCause::NoCommonDialoguePortion),
                    (None, Some((_, (1, 2))), _) if d.user.state == State::InitSent => {
                        let supported = msg.ac.clone().unwrap_or(AppContext::Oid(Vec::new()));
                        Ok(UAbortReason::AcNotSupported { supported })
                    }
                    (None, _, Some(1)) => Err(PAbortCause::AbnormalDialogue),
                    _ => Ok(UAbortReason::User(msg.user_info.clone())),
                };
                match ind {
                    Ok(reason) => {
                        self.counters.user_aborted += 1;
                        self.indications.push_back(Indication::UAbort {
                            dialogue: id,
                            reason,
                        });
                    }
                    Err(cause) => {
                        *self.counters.provider_aborted.entry(cause).or_default() += 1;
                        self.indications.push_back(Indication::PAbort {
                            dialogue: id,
                            cause,
                        });
                    }
                }
            }
            MessageType::Continue => {
                let (state, first_ac) = {
                    let d = &mut self.table.get_mut(local).expect("live").user;
                    (d.state, d.ac.as_deref().cloned())
                };
                if state == State::InitSent {
                    let otid = msg.otid.expect("decoder checked");
                    self.table.set_peer(local, otid);
                }
                let d = &mut self.table.get_mut(local).expect("live").user;
                d.peer_permission = msg.permission;
                d.to = from;
                let mut ac = None;
                if state == State::InitSent {
                    d.state = State::Active;
                    if first_ac.is_some() || msg.ac.is_some() {
                        ac = msg.ac.clone().or(first_ac);
                        let shared =
                            ac.clone()
                                .map(|a| match self.acs.iter().find(|x| ***x == a) {
                                    Some(x) => x.clone(),
                                    None => Arc::new(a),
                                });
                        self.table.get_mut(local).expect("live").user.ac = shared;
                    }
                } else if state == State::InitReceived {
                    // The peer cannot know our id before we answer; treat as active.
                    d.state = State::Active;
                }
                let (components, extra) = self.process_components(local, msg.components, false);
                self.indications.push_back(Indication::Continue {
                    dialogue: id,
                    ac,
                    permission: msg.permission,
                    components,
                });
                self.indications.extend(extra);
            }
            MessageType::End => {
                let withheld = {
                    let d = &self.table.get(local).expect("live").user;
                    self.cfg.variant == Variant::Ansi && !d.granted && d.state != State::InitSent
                };
                let (components, extra) = self.process_components(local, msg.components, true);
                self.close(local);
                if withheld {
                    let cause = PAbortCause::PermissionToReleaseProblem;
                    *self.counters.provider_aborted.entry(cause).or_default() += 1;
                    self.indications.push_back(Indication::PAbort {
                        dialogue: id,
                        cause,
                    });
                } else {
                    self.counters.ended_normally += 1;
                    self.indications.push_back(Indication::End {
                        dialogue: id,
                        components,
                    });
                    self.indications.extend(extra);
                }
            }
            _ => unreachable!("only subsequent messages here"),
        }
    }

    /// Component sub-layer on receipt: the components to deliver, and the TC-L-REJECT /
    /// TC-R-REJECT indications that follow them. Rejects to send are queued on the
    /// dialogue unless `closing`.
    fn process_components(
        &mut self,
        local: u32,
        comps: Vec<Result<Component, (Option<i8>, Problem)>>,
        closing: bool,
    ) -> (Vec<Component>, Vec<Indication>) {
        let dialogue = DialogueId(local);
        let mut out = Vec::with_capacity(comps.len());
        let mut extra = Vec::new();
        let ssn = self.table.get(local).expect("live").user.ssn;
        let class_of = self.policy(ssn).class_of;
        let mut cancel_timers = Vec::new();
        {
            let d = &mut self.table.get_mut(local).expect("live").user;
            for c in comps {
                let problem = match &c {
                    Err((id, p)) => Some((*id, *p)),
                    Ok(Component::Invoke {
                        invoke_id,
                        linked_id,
                        op,
                        ..
                    }) => {
                        if linked_id.is_some_and(|l| !d.sent.iter().any(|s| s.id == l)) {
                            Some((*invoke_id, Problem::UnrecognizedLinkedId))
                        } else if invoke_id.is_some_and(|i| d.received.iter().any(|r| r.0 == i)) {
                            Some((*invoke_id, Problem::DuplicateInvokeId))
                        } else {
                            if let Some(i) = invoke_id {
                                if class_of(op).result_expected() && !closing {
                                    d.received.push((*i, op.clone()));
                                }
                            }
                            None
                        }
                    }
                    Ok(Component::ReturnResult {
                        invoke_id, last, ..
                    }) => match d.sent.iter().position(|s| s.id == *invoke_id) {
                        None => Some((Some(*invoke_id), Problem::ResultUnrecognizedInvokeId)),
                        Some(i) if !d.sent[i].class.result_expected() => {
                            cancel_timers.push(d.sent.swap_remove(i));
                            Some((Some(*invoke_id), Problem::ReturnResultUnexpected))
                        }
                        Some(i) => {
                            if *last {
                                cancel_timers.push(d.sent.swap_remove(i));
                            }
                            None
                        }
                    },
                    Ok(Component::ReturnError { invoke_id, .. }) => {
                        match d.sent.iter().position(|s| s.id == *invoke_id) {
                            None => Some((Some(*invoke_id), Problem::ErrorUnrecognizedInvokeId)),
                            Some(i) if !d.sent[i].class.error_expected() => {
                                cancel_timers.push(d.sent.swap_remove(i));
                                Some((Some(*invoke_id), Problem::ReturnErrorUnexpected))
                            }
                            Some(i) => {
                                cancel_timers.push(d.sent.swap_remove(i));
                                None
                            }
                        }
                    }
                    Ok(Component::Reject { invoke_id, problem }) => {
                        if problem.names_an_invoke() {
                            if let Some(i) =
                                invoke_id.and_then(|id| d.sent.iter().position(|s| s.id == id))
                            {
                                cancel_timers.push(d.sent.swap_remove(i));
                            }
                        }
                        *self.counters.rejected_remote.entry(*problem).or_default() += 1;
                        extra.push(Indication::RReject {
                            dialogue,
                            invoke_id: *invoke_id,
                            problem: *problem,
                        });
                        continue;
                    }
                };
                match problem {
                    None => out.push(c.expect("checked")),
                    Some((invoke_id, problem)) => {
                        *self.counters.rejected_local.entry(problem).or_default() += 1;
                        if !closing {
                            d.pending.push(Component::Reject { invoke_id, problem });
                        }
                        extra.push(Indication::LReject {
                            dialogue,
                            invoke_id,
                            problem,
                        });
                    }
                }
            }
        }
        for s in cancel_timers {
            if let Some(t) = s.deadline {
                self.timers.remove(&(t, local, s.id));
            }
        }
        (out, extra)
    }

    /// SCCP returned one of our messages (UDTS/XUDTS): TC-NOTICE to its dialogue (the
    /// returned message's otid is ours).
    pub fn on_notice(&mut self, returned: &[u8], cause: u8) {
        let ours = match self.cfg.variant {
            Variant::Itu => salvage_itu(returned)
                .0
                .and_then(|t| local_tid(t.as_bytes())),
            Variant::Ansi => ansi::peek_transaction_id(returned)
                .filter(|(p, ids)| p.has_originating_id() && ids.len() >= 4)
                .and_then(|(_, ids)| local_tid(&ids[..4])),
        };
        match ours.filter(|l| self.table.get(*l).is_some()) {
            Some(l) => {
                self.counters.notices += 1;
                self.indications.push_back(Indication::Notice {
                    dialogue: DialogueId(l),
                    cause,
                })
            }
            None => self.counters.discarded += 1,
        }
    }

    /// Expire invoke timers and idle dialogues due at `now`.
    pub fn on_timeout(&mut self, now: Instant) {
        while let Some(&(t, local, id)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.pop_first();
            if let Some(d) = self.table.get_mut(local) {
                d.user.sent.retain(|s| s.id != id);
            }
            self.counters.invoke_timeouts += 1;
            self.indications.push_back(Indication::LCancel {
                dialogue: DialogueId(local),
                invoke_id: id,
            });
        }
        for d in self.table.expire(now) {
            self.forget_timers(d.local, &d.user);
            self.counters.timed_out += 1;
            if self.cfg.abort_on_idle && d.peer.is_known() {
                let mut data = Vec::with_capacity(48);
                match self.cfg.variant {
                    Variant::Itu => itu::encode(
                        &mut data,
                        MessageType::Abort,
                        None,
                        Some(d.peer.as_bytes()),
                        d.user.structured.then_some(DialogueOut::Abrt { source: 0 }),
                        |_| {},
                    ),
                    Variant::Ansi => ansi::encode_abort(&mut data, ansi_tid(d.peer), None, None),
                }
                self.transmits.push_back(Transmit {
                    to: d.user.to,
                    data,
                });
            }
            self.indications.push_back(Indication::Timeout {
                dialogue: DialogueId(d.local),
            });
        }
    }

    fn forget_timers(&mut self, local: u32, d: &Dlg<A>) {
        for s in &d.sent {
            if let Some(t) = s.deadline {
                self.timers.remove(&(t, local, s.id));
            }
        }
    }

    fn close(&mut self, local: u32) -> Option<crate::tcap::dialogues::Dialogue<Box<Dlg<A>>>> {
        let d = self.table.close(local)?;
        self.forget_timers(local, &d.user);
        Some(d)
    }

    // ---------------------------------------------------------------- requests

    /// Open a dialogue we will begin (state idle until [`Tcap::begin`]); invokes may be
    /// queued on it meanwhile. Counts against the dialogue limit and the idle timer.
    pub fn open(
        &mut self,
        to: A,
        ssn: u8,
        ac: Option<AppContext>,
        now: Instant,
    ) -> Result<DialogueId, TcError> {
        let structured = ac.is_some() && self.cfg.variant == Variant::Itu;
        let dlg = Box::new(Dlg {
            to,
            ssn,
            state: State::InitSent,
            ac: ac.map(|a| self.shared_ac(a)),
            structured,
            answer_dialogue: false,
            peer_permission: true,
            grant: true,
            granted: true,
            begun: false,
            next_invoke: 1,
            sent: SmallVec::new(),
            received: Vec::new(),
            pending: Vec::new(),
        });
        let local = self
            .table
            .open_outgoing(now, dlg)
            .map_err(|_| TcError::Full)?;
        self.counters.opened_outgoing += 1;
        Ok(DialogueId(local))
    }

    fn dlg(&mut self, id: DialogueId) -> Result<&mut Dlg<A>, TcError> {
        self.table
            .get_mut(id.0)
            .map(|d| &mut *d.user)
            .ok_or(TcError::NoSuchDialogue)
    }

    /// ANSI: the permission to end we give the peer with our next Query/Conversation.
    pub fn set_permission(&mut self, id: DialogueId, grant: bool) -> Result<(), TcError> {
        self.dlg(id)?.grant = grant;
        Ok(())
    }

    /// TC-INVOKE: queue an Invoke; returns its invoke id (allocated among the free ones).
    pub fn invoke(&mut self, id: DialogueId, inv: Invoke) -> Result<i8, TcError> {
        let d = self.dlg(id)?;
        if let Some(l) = inv.linked_id {
            if !d.received.iter().any(|r| r.0 == l) {
                return Err(TcError::UnknownInvoke);
            }
        }
        let mut iid = d.next_invoke;
        let mut tries = 0;
        while d.sent.iter().any(|s| s.id == iid) {
            iid = iid.wrapping_add(1);
            tries += 1;
            if tries > 256 {
                return Err(TcError::NoFreeInvokeId);
            }
        }
        d.next_invoke = iid.wrapping_add(1);
        d.sent.push(SentInvoke {
            id: iid,
            class: inv.class,
            timeout_ms: u32::try_from(inv.timeout.as_millis()).unwrap_or(u32::MAX),
            deadline: None,
        });
        d.pending.push(Component::Invoke {
            invoke_id: Some(iid),
            linked_id: inv.linked_id,
            op: inv.op,
            parameter: inv.parameter,
            last: true,
        });
        Ok(iid)
    }

    /// TC-RESULT-L / TC-RESULT-NL for a received invocation. `op` may be left out when the
    /// invocation is remembered (ITU results repeat the operation).
    pub fn return_result(
        &mut self,
        id: DialogueId,
        invoke_id: i8,
        last: bool,
        op: Option<Operation>,
        parameter: Option<Vec<u8>>,
    ) -> Result<(), TcError> {
        let itu = self.cfg.variant == Variant::Itu;
        let d = self.dlg(id)?;
        let pos = d.received.iter().position(|r| r.0 == invoke_id);
        let op = match (itu, op, pos) {
            (false, _, _) => None,
            (true, Some(o), _) => Some(o),
            (true, None, Some(p)) => Some(d.received[p].1.clone()),
            (true, None, None) if parameter.is_some() => return Err(TcError::UnknownInvoke),
            (true, None, None) => None,
        };
        if last {
            if let Some(p) = pos {
                d.received.swap_remove(p);
            }
        }
        d.pending.push(Component::ReturnResult {
            invoke_id,
            last,
            op,
            parameter,
        });
        Ok(())
    }

    /// TC-U-ERROR for a received invocation.
    pub fn return_error(
        &mut self,
        id: DialogueId,
        invoke_id: i8,
        error: ErrorCode,
        parameter: Option<Vec<u8>>,
    ) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        d.received.retain(|r| r.0 != invoke_id);
        d.pending.push(Component::ReturnError {
            invoke_id,
            error,
            parameter,
        });
        Ok(())
    }

    /// TC-U-REJECT: reject a received component.
    pub fn reject(
        &mut self,
        id: DialogueId,
        invoke_id: Option<i8>,
        problem: Problem,
    ) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        if let Some(i) = invoke_id {
            d.received.retain(|r| r.0 != i);
        }
        d.pending.push(Component::Reject { invoke_id, problem });
        Ok(())
    }

    /// TC-U-CANCEL: forget one of our invocations (no answer will be accepted for it).
    pub fn cancel(&mut self, id: DialogueId, invoke_id: i8) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        let pos = d
            .sent
            .iter()
            .position(|s| s.id == invoke_id)
            .ok_or(TcError::UnknownInvoke)?;
        let s = d.sent.swap_remove(pos);
        d.pending.retain(
            |c| !matches!(c, Component::Invoke { invoke_id: Some(i), .. } if *i == invoke_id),
        );
        if let Some(t) = s.deadline {
            self.timers.remove(&(t, id.0, invoke_id));
        }
        Ok(())
    }

    /// TC-BEGIN [TC-QUERY] with the queued components.
    pub fn begin(&mut self, id: DialogueId, now: Instant) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        if d.state != State::InitSent || d.begun {
            return Err(TcError::WrongState("begin"));
        }
        d.begun = true;
        self.send(id, MessageType::Begin, now);
        Ok(())
    }

    /// TC-CONTINUE [TC-CONVERSATION] with the queued components.
    pub fn continue_(&mut self, id: DialogueId, now: Instant) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        match d.state {
            State::InitSent => {
                return Err(TcError::WrongState("continue before the peer answered"))
            }
            State::InitReceived => d.state = State::Active,
            State::Active => {}
        }
        self.send(id, MessageType::Continue, now);
        Ok(())
    }

    /// TC-END [TC-RESPONSE]: basic sends the queued components; prearranged closes locally.
    pub fn end(&mut self, id: DialogueId, kind: EndKind, now: Instant) -> Result<(), TcError> {
        let ansi = self.cfg.variant == Variant::Ansi;
        let d = self.dlg(id)?;
        if kind == EndKind::Basic {
            if d.state == State::InitSent {
                return Err(TcError::WrongState("basic end before the peer answered"));
            }
            if ansi && !d.peer_permission {
                return Err(TcError::NoPermission);
            }
            self.send(id, MessageType::End, now);
        }
        self.close(id.0);
        self.counters.ended_normally += 1;
        Ok(())
    }

    /// TC-U-ABORT, with the user's abort information (ITU: ABRT user-information contents;
    /// ANSI: User Abort Information contents).
    pub fn u_abort(
        &mut self,
        id: DialogueId,
        user_info: Option<Vec<u8>>,
        _now: Instant,
    ) -> Result<(), TcError> {
        let variant = self.cfg.variant;
        let d = self.close(id.0).ok_or(TcError::NoSuchDialogue)?;
        self.counters.user_aborted += 1;
        if d.user.state == State::InitSent || !d.peer.is_known() {
            return Ok(());
        }
        let mut data = Vec::with_capacity(64);
        match variant {
            Variant::Itu => {
                let mut w = Writer::new(&mut data);
                w.constructed(itu::tags::ABORT, |w| {
                    w.primitive(itu::tags::DTID, d.peer.as_bytes());
                    if d.user.structured {
                        write_abrt(w, user_info.as_deref());
                    }
                });
            }
            Variant::Ansi => ansi::encode_abort(
                &mut data,
                ansi_tid(d.peer),
                None,
                user_info.as_deref().map(ansi::AbortReason::User),
            ),
        }
        self.transmits.push_back(Transmit {
            to: d.user.to,
            data,
        });
        Ok(())
    }

    /// Close a dialogue locally and send nothing: the TC-user's answer to a TC-NOTICE when
    /// the peer cannot be reached (an Abort would only come back too). Counted as a user
    /// abort.
    pub fn abort_local(&mut self, id: DialogueId) -> Result<(), TcError> {
        self.close(id.0).ok_or(TcError::NoSuchDialogue)?;
        self.counters.user_aborted += 1;
        Ok(())
    }

    /// Encode and queue a Begin/Continue/End with the pending components; start the invoke
    /// timers of the Invokes it carries.
    fn send(&mut self, id: DialogueId, kind: MessageType, now: Instant) {
        let variant = self.cfg.variant;
        let local = id.0;
        let entry = self.table.touch(local, now).expect("checked by caller");
        let peer = entry.peer;
        let d = &mut entry.user;
        let pending = std::mem::take(&mut d.pending);
        let mut data = Vec::with_capacity(64 + pending.iter().map(param_len).sum::<usize>());
        let otid = local.to_be_bytes();
        let answer = std::mem::replace(&mut d.answer_dialogue, false);
        match variant {
            Variant::Itu => {
                let oid = match d.ac.as_deref() {
                    Some(AppContext::Oid(o)) => Some(o.as_slice()),
                    _ => None,
                };
                let dialogue = match (kind, oid) {
                    (MessageType::Begin, Some(ac)) => Some(DialogueOut::Aarq { ac }),
                    (_, Some(ac)) if answer => Some(DialogueOut::Aare {
                        ac,
                        result: 0,
                        diagnostic: (1, 0),
                    }),
                    _ => None,
                };
                itu::encode(
                    &mut data,
                    kind,
                    (kind != MessageType::End).then_some(&otid[..]),
                    (kind != MessageType::Begin).then(|| peer.as_bytes()),
                    dialogue,
                    |w| pending.iter().for_each(|c| c.encode_itu(w)),
                );
            }
            Variant::Ansi => {
                let grant = d.grant;
                let package = match kind {
                    MessageType::Begin if grant => PackageType::QueryWithPermission,
                    MessageType::Begin => PackageType::QueryWithoutPermission,
                    MessageType::Continue if grant => PackageType::ConversationWithPermission,
                    MessageType::Continue => PackageType::ConversationWithoutPermission,
                    _ => PackageType::Response,
                };
                d.granted = grant;
                let ids = ansi::TransactionIds {
                    originating: package.has_originating_id().then_some(otid),
                    responding: package.has_responding_id().then(|| ansi_tid(peer)),
                };
                let dialogue =
                    d.ac.as_deref()
                        .filter(|_| kind == MessageType::Begin || answer)
                        .map(|a| ansi::DialoguePortion {
                            version: Some(ansi::version::SUPPORTED),
                            application_context: Some(ansi_ac(a)),
                            ..Default::default()
                        });
                ansi::encode(&mut data, package, ids, dialogue.as_ref(), |w| {
                    pending.iter().for_each(|c| c.encode_ansi(w))
                });
            }
        }
        // Invocation timers start as the Invoke leaves (Q.774 ISM "operation sent").
        if kind != MessageType::End {
            for c in &pending {
                if let Component::Invoke {
                    invoke_id: Some(i), ..
                } = c
                {
                    if let Some(s) = d.sent.iter_mut().find(|s| s.id == *i) {
                        let t = now + Duration::from_millis(u64::from(s.timeout_ms));
                        s.deadline = Some(t);
                        self.timers.insert((t, local, *i));
                    }
                }
            }
        }
        let to = d.to.clone();
        self.transmits.push_back(Transmit { to, data });
    }
}

fn param_len(c: &Component) -> usize {
    match c {
        Component::Invoke { parameter, .. }
        | Component::ReturnResult { parameter, .. }
        | Component::ReturnError { parameter, .. } => parameter.as_ref().map_or(0, Vec::len) + 8,
        Component::Reject { .. } => 8,
    }
}

fn write_abrt(w: &mut Writer<'_>, user_info: Option<&[u8]>) {
    w.constructed(itu::tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, itu::DIALOGUE_AS_ID);
            w.constructed(Tag::ctx_cons(0), |w| {
                w.constructed(itu::tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), 0);
                    if let Some(u) = user_info {
                        w.constructed(Tag::ctx_cons(30), |w| w.raw(u));
                    }
                })
            });
        });
    });
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

/// The otid and dtid of an ITU message that may not decode (Q.774 §3.2.1.2 answers only
/// when the otid can be read).
fn salvage_itu(data: &[u8]) -> (Option<PeerTid>, Option<&[u8]>) {
    let Ok((top, _)) = Tlv::parse(data, 0) else {
        return (None, None);
    };
    if !top.tag.constructed {
        return (None, None);
    }
    let mut r = crate::ber::Reader::new(top.value);
    let (mut otid, mut dtid) = (None, None);
    for _ in 0..2 {
        match r.next_tlv() {
            Ok(Some(t)) if t.tag.is(itu::tags::OTID) => otid = PeerTid::new(t.value),
            Ok(Some(t)) if t.tag.is(itu::tags::DTID) => dtid = Some(t.value),
            _ => break,
        }
    }
    (otid, dtid)
}
