//! A shard: one signalling stack ([`Node`]) on a worker thread of its own. It sleeps until
//! input arrives or its earliest deadline comes, takes everything waiting, runs it through
//! the stack, then hands the outcome on in one go: the events to the journal as one batch,
//! the messages to the M3UA endpoint under one lock (each association's share queued with
//! the journal batch it waits for), the triggers to decide to the decision broker.

use super::overload::{Overload, Pressure};
use super::Shared;
use crate::m3ua::endpoint::{AssocId, Label};
use crate::m3ua::ProtocolData;
use crate::metrics::stats::{CallCounts, ShardStats};
use crate::node::{Effects, Forward, Node, Note, Query, QueryId, User};
use crate::service::hlr::{HlrRequest, HlrResult};
use crate::service::Answer;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};
use tracing::{error, warn};

/// Most messages taken in one wake-up (whole batches; a control input counts one): what a
/// wake-up produces goes out at its end, so a flood must not hold the answers of the first.
const MAX_MESSAGES: usize = 1024;

/// Batches a shard's queue holds; what bounds it is each association's [`READ_AHEAD`].
const QUEUE: usize = 1024;

/// Bytes an association's reader may have handed to the shards and not yet seen processed.
/// Deep enough that the reader goes on reading while the shards are behind: a backlog left
/// in the kernel sits partly in the peer's send buffer, where no read sees how long it has
/// waited, so overload control would count its wait from when it reached us. Shallow
/// enough that the answers to all of it fit the association's write queue
/// ([`super::net::MAX_QUEUED`]) when its peer has stopped reading them.
pub const READ_AHEAD: usize = 4 << 20;

/// An association's read-ahead: bytes in the shards' queues, and a signal when they fall
/// back under [`READ_AHEAD`].
#[derive(Debug, Default)]
pub struct ReadAhead {
    bytes: std::sync::atomic::AtomicUsize,
    pub drained: tokio::sync::Notify,
}

impl ReadAhead {
    pub fn bytes(&self) -> usize {
        self.bytes.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// A batch's share of its association's read-ahead, given back when the batch is done.
#[derive(Debug)]
struct Ahead {
    of: Arc<ReadAhead>,
    bytes: usize,
}

impl Drop for Ahead {
    fn drop(&mut self) {
        let before = self
            .of
            .bytes
            .fetch_sub(self.bytes, std::sync::atomic::Ordering::AcqRel);
        if before > READ_AHEAD && before - self.bytes <= READ_AHEAD {
            self.of.drained.notify_waiters();
        }
    }
}

/// M3UA DATA for one shard from one read of one association: the payloads back to back.
#[derive(Debug, Default)]
pub struct Batch {
    bytes: Vec<u8>,
    items: Vec<Item>,
    /// The earliest its messages may have reached the socket (overload control).
    since: Option<Instant>,
    ahead: Option<Ahead>,
}

#[derive(Debug)]
struct Item {
    assoc: AssocId,
    opc: u32,
    dpc: u32,
    si: u8,
    ni: u8,
    mp: u8,
    sls: u8,
    end: usize,
}

impl Batch {
    pub fn push(&mut self, assoc: AssocId, pd: &ProtocolData<'_>) {
        self.bytes.extend_from_slice(pd.data);
        self.items.push(Item {
            assoc,
            opc: pd.opc,
            dpc: pd.dpc,
            si: pd.si,
            ni: pd.ni,
            mp: pd.mp,
            sls: pd.sls,
            end: self.bytes.len(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Messages in it.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Say since when its messages may have been waiting: the read, or, when the
    /// association's reads have not drained its socket since, the last read that did; and
    /// count it in the association's read-ahead until it is done.
    pub fn stamp(&mut self, since: Instant, ahead: &Arc<ReadAhead>) {
        self.since = Some(since);
        let bytes = self.bytes.len();
        ahead
            .bytes
            .fetch_add(bytes, std::sync::atomic::Ordering::AcqRel);
        self.ahead = Some(Ahead {
            of: ahead.clone(),
            bytes,
        });
    }

    /// Each message with the association it came on.
    fn messages(&self) -> impl Iterator<Item = (AssocId, ProtocolData<'_>)> {
        let mut start = 0;
        self.items.iter().map(move |i| {
            let data = &self.bytes[start..i.end];
            start = i.end;
            (
                i.assoc,
                ProtocolData {
                    opc: i.opc,
                    dpc: i.dpc,
                    si: i.si,
                    ni: i.ni,
                    mp: i.mp,
                    sls: i.sls,
                    data,
                },
            )
        })
    }
}

/// What else a shard is told, besides data.
pub enum Control {
    /// The data-session server's answer to a held trigger (`None`: none in time).
    Decision(QueryId, Option<Answer>),
    /// A message reassembled in another shard for a dialogue of this one.
    Forward(Forward),
    /// A report another shard took for a call this one follows.
    Note(Note),
    /// An association can carry DATA again: tell the concerned point codes our
    /// subsystems' state (SCMG, first shard).
    Announce,
    /// End every open dialogue, hand on what that sends, then stop; answered with how
    /// many messages went out.
    Shutdown(oneshot::Sender<usize>),
    /// A copy of the shard's counters (a scrape).
    Stats(oneshot::Sender<ShardStats>),
    /// New settings from a configuration reload.
    Reload(Arc<crate::node::Reload>),
    /// A question for a subscriber's HLR (the MAP client).
    Hlr(HlrRequest),
}

/// How the rest of the daemon reaches a shard.
pub struct Handle {
    pub data: mpsc::Sender<Batch>,
    pub ctl: mpsc::UnboundedSender<Control>,
}

/// The receiving ends of a shard's inputs.
pub struct Inbox {
    pub data: mpsc::Receiver<Batch>,
    pub ctl: mpsc::UnboundedReceiver<Control>,
}

/// A shard's channels: what the daemon keeps, what the shard's thread takes.
pub fn channels() -> (Handle, Inbox) {
    // A reader that gets this far ahead of its shard waits (backpressure to the peer).
    let (data_tx, data) = mpsc::channel(QUEUE);
    let (ctl_tx, ctl) = mpsc::unbounded_channel();
    (
        Handle {
            data: data_tx,
            ctl: ctl_tx,
        },
        Inbox { data, ctl },
    )
}

/// Run shard `index` on a thread of its own until it is shut down.
pub fn spawn(
    index: usize,
    node: Node,
    overload: Overload,
    inbox: Inbox,
    shared: Arc<Shared>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("scpd-shard-{index}"))
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("shard runtime");
            let mut shard = Shard {
                index,
                node,
                fx: Effects::default(),
                shared,
                overload,
                calls: CallCounts::default(),
                load: crate::node::Load::Normal,
                load_changes: 0,
                earliest: None,
                hlr: HashMap::new(),
                next_hlr: 0,
            };
            rt.block_on(shard.run(inbox));
        })
}

struct Shard {
    index: usize,
    node: Node,
    fx: Effects,
    shared: Arc<Shared>,
    overload: Overload,
    calls: CallCounts,
    load: crate::node::Load,
    load_changes: u64,
    /// When the earliest message of this wake-up may have reached the socket.
    earliest: Option<Instant>,
    /// Who waits for each question put to an HLR, by request id.
    hlr: HashMap<u64, oneshot::Sender<HlrResult>>,
    next_hlr: u64,
}

impl Shard {
    async fn run(&mut self, mut inbox: Inbox) {
        let mut stopped: Option<oneshot::Sender<usize>> = None;
        while stopped.is_none() {
            let deadline = self.node.next_deadline();
            let mut taken = 0;
            let mut fed = false;
            let now = tokio::select! {
                biased;
                c = inbox.ctl.recv() => match c {
                    Some(c) => {
                        let now = Instant::now();
                        self.control(c, now, &mut stopped);
                        taken += 1;
                        now
                    }
                    None => return,
                },
                b = inbox.data.recv() => match b {
                    Some(b) => {
                        fed = true;
                        taken += b.len();
                        self.data(&b)
                    }
                    None => return,
                },
                _ = super::sleep_until(deadline) => Instant::now(),
            };
            // Everything else already waiting, in the same wake-up, within its budget.
            while taken < MAX_MESSAGES && stopped.is_none() {
                if let Ok(c) = inbox.ctl.try_recv() {
                    self.control(c, now, &mut stopped);
                    taken += 1;
                } else if let Ok(b) = inbox.data.try_recv() {
                    fed = true;
                    self.data(&b);
                    taken += b.len();
                } else {
                    break;
                }
            }
            if self.node.next_deadline().is_some_and(|d| d <= now) {
                self.node.on_timeout(now, super::now_ms(), &mut self.fx);
            }
            if !fed {
                // Nothing waited: calm, unless the journal lags.
                self.watch_load(std::time::Duration::ZERO, now);
            }
            let sent = self.fx.send.len();
            self.flush(now);
            if let Some(done) = stopped.take() {
                let _ = done.send(sent);
                return;
            }
        }
    }

    /// Take on less, or everything again, as the wait of the input about to be taken says
    /// (with the journal's lag); the change is logged once. Measured per batch, not per
    /// wake-up, so that the level changes before the rest of a long wake-up's inputs.
    fn watch_load(&mut self, waited: std::time::Duration, now: Instant) {
        let p = Pressure {
            oldest: waited,
            journal_lag: self.shared.store.lag(),
        };
        if let Some(level) = self.overload.observe(p, now) {
            let (shard, state) = (self.index, level.name());
            match level {
                crate::node::Load::Normal => {
                    tracing::info!(shard, state, "overload over: answering as configured")
                }
                _ => tracing::warn!(
                    shard,
                    state,
                    oldest_ms = p.oldest.as_millis() as u64,
                    journal_lag_ms = p.journal_lag.as_millis() as u64,
                    "overloaded"
                ),
            }
            self.node.set_load(level);
            self.load = level;
            self.load_changes += 1;
        }
    }

    fn stats(&self) -> ShardStats {
        let n = &self.node;
        ShardStats {
            tcaps: User::ALL.map(|u| (n.tcap_counters(u).clone(), n.dialogues(u))),
            sccp: n.sccp_counters().clone(),
            reassemblies: n.reassemblies(),
            calls: self.calls.clone(),
            load: self.load,
            load_changes: self.load_changes,
        }
    }

    /// Take a batch at the load its wait calls for; when it was taken.
    fn data(&mut self, b: &Batch) -> Instant {
        let now = Instant::now();
        let waited = b.since.map_or(std::time::Duration::ZERO, |t| {
            now.saturating_duration_since(t)
        });
        self.watch_load(waited, now);
        let t = b.since.unwrap_or(now);
        self.earliest = Some(self.earliest.map_or(t, |e| e.min(t)));
        let now_ms = super::now_ms();
        for (assoc, pd) in b.messages() {
            if let Err(fault) = self.node.on_data(assoc, &pd, now, now_ms, &mut self.fx) {
                warn!(assoc, shard = self.index, %fault, "message not processed normally");
            }
        }
        now
    }

    fn control(&mut self, c: Control, now: Instant, stopped: &mut Option<oneshot::Sender<usize>>) {
        let now_ms = super::now_ms();
        match c {
            Control::Decision(id, answer) => {
                self.node
                    .on_decision(id, answer.as_ref(), now, now_ms, &mut self.fx)
            }
            Control::Forward(f) => {
                if let Err(fault) = self.node.on_forwarded(f, now, now_ms, &mut self.fx) {
                    warn!(shard = self.index, %fault, "reassembled message not processed normally");
                }
            }
            Control::Note(n) => self.node.on_note(n, now, now_ms, &mut self.fx),
            Control::Announce => self.node.announce_subsystems(&mut self.fx),
            Control::Shutdown(done) => {
                self.node.shutdown(&mut self.fx);
                *stopped = Some(done);
            }
            Control::Stats(reply) => drop(reply.send(self.stats())),
            Control::Reload(r) => self.node.reload(&r),
            Control::Hlr(r) => {
                self.next_hlr += 1;
                let id = self.next_hlr;
                self.hlr.insert(id, r.reply);
                self.node
                    .ask_hlr(id, r.query, r.deadline, now, now_ms, &mut self.fx);
            }
        }
    }

    /// Hand on what the inputs of this wake-up produced.
    fn flush(&mut self, now: Instant) {
        let since = self.earliest.take();
        let fx = &mut self.fx;
        for q in fx.queries.drain(..) {
            let _ = self.shared.queries.send((self.index, q));
        }
        for f in fx.forward.drain(..) {
            if let Some(s) = self.shared.shards.get(f.shard as usize) {
                let _ = s.ctl.send(Control::Forward(f));
            }
        }
        for (id, r) in fx.hlr.drain(..) {
            if let Some(reply) = self.hlr.remove(&id) {
                let _ = reply.send(r);
            }
        }
        for n in fx.notes.drain(..) {
            if let Some(s) = self.shared.shards.get(n.shard as usize) {
                let _ = s.ctl.send(Control::Note(n));
            }
        }
        let batch = if fx.events.is_empty() {
            0
        } else {
            self.calls.count(&fx.events);
            match self.shared.store.append_all(std::mem::take(&mut fx.events)) {
                Ok(n) => n,
                Err(e) => {
                    error!(error = %e, "events not journalled");
                    0
                }
            }
        };
        if fx.send.is_empty() {
            return;
        }
        self.shared.m3ua(batch, |m| {
            m.since = since;
            for o in fx.send.drain(..) {
                let label = Label {
                    origin: o.assoc,
                    opc: o.opc,
                    dpc: o.dpc,
                    ni: o.ni,
                    sls: o.sls,
                };
                m.endpoint.send(&label, &o.sccp, now, &mut m.tx);
            }
        });
    }
}

/// Put each held trigger to the data-session server; its answer (or the lack of one by
/// the deadline) goes back to the shard that holds it.
pub async fn ask(
    mut queries: mpsc::UnboundedReceiver<(usize, Query)>,
    broker: Arc<crate::api::Broker>,
    shared: Arc<Shared>,
) {
    while let Some((shard, q)) = queries.recv().await {
        let (broker, shared) = (broker.clone(), shared.clone());
        tokio::spawn(async move {
            let answer = broker.ask(&q.event, super::now_ms()).await;
            if let Some(s) = shared.shards.get(shard) {
                let _ = s.ctl.send(Control::Decision(q.id, answer));
            }
        });
    }
}

/// Put each question for an HLR to a shard, in turn: its MAP dialogue lives there, and the
/// HLR's answer reaches it by the dialogue's transaction id.
pub async fn ask_hlr(mut requests: mpsc::UnboundedReceiver<HlrRequest>, shared: Arc<Shared>) {
    let mut next = 0;
    while let Some(r) = requests.recv().await {
        next = (next + 1) % shared.shards.len().max(1);
        if let Some(s) = shared.shards.get(next) {
            let _ = s.ctl.send(Control::Hlr(r));
        }
    }
}
