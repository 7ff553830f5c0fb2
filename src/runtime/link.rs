//! One M3UA association (TCP or SCTP, any role): a reader and a writer task. The reader
//! waits for the socket, takes every message already received, runs them all through the
//! M3UA endpoint under one lock, and hands the DATA to the shards, one batch per shard. The
//! writer takes everything queued for the association, waits until the journal holds the
//! events those answers follow from, and writes it all with one call.

use super::dispatch::Dispatch;
use super::net::{LinkTx, Queue, Write, HIGH_WATER};
use super::shard::{Batch, ReadAhead, READ_AHEAD};
use super::Shared;
use crate::lab::pcap_out::{
    tap as pcap,
    Direction::{In, Out},
};
use crate::m3ua::codec::tag;
use crate::m3ua::endpoint::{AssocId, Received, Role, Side};
use crate::m3ua::{Builder, ErrorCode, Kind};
use crate::store;
use crate::transport::tcp::FrameError;
use crate::transport::{Link, LinkWriter};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

/// Most bytes one write takes.
const MAX_WRITE: usize = 256 * 1024;

/// How long an ending association's writer may take to write what is queued (it fails at
/// once when the peer is gone; this bounds a peer that is there but does not read).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// Run the association until it ends. Returns whether it reached ASP-ACTIVE (client side;
/// IPSP: carried traffic; the server side returns `false`).
pub async fn association(
    link: Link,
    peer: String,
    role: Role,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> bool {
    let addr = link.peer_addr().map(|a| a.ip());
    let (mut rd, wr) = link.split();
    let (tx, rx) = mpsc::unbounded_channel();
    let queue = Arc::new(Queue::default());
    let id = shared.m3ua(0, |m| {
        let id = m.endpoint.connected(&role, addr, Instant::now(), &mut m.tx);
        m.links.insert(
            id,
            LinkTx {
                tx,
                queue: queue.clone(),
            },
        );
        id
    });
    info!(assoc = id, %peer, side = ?role.side(), "association up");
    let mut writer = tokio::spawn(write(
        wr,
        rx,
        queue.clone(),
        (shared.store.clone(), shared.latency.clone()),
        id,
        peer.clone(),
    ));
    let mut written: Option<Vec<u8>> = None;
    let mut dispatch = Dispatch::new(shared.variant, shared.shards.len(), shared.win_ssn);
    let mut batches: Vec<Batch> = (0..shared.shards.len()).map(|_| Batch::default()).collect();
    let ahead = Arc::new(ReadAhead::default());
    let mut was_active = false;
    let mut drained = Instant::now();
    loop {
        // A peer that does not read what we send is not read from either. What it sent
        // meanwhile waited on its own account, not ours: overload control counts from the
        // moment reading resumes.
        let paused = queue.bytes() > HIGH_WATER;
        while queue.bytes() > HIGH_WATER && written.is_none() {
            let drained = queue.drained.notified();
            tokio::pin!(drained);
            drained.as_mut().enable();
            if queue.bytes() <= HIGH_WATER {
                break;
            }
            tokio::select! {
                _ = drained => {}
                w = &mut writer => written = Some(w.unwrap_or_default()),
                _ = stop.changed() => break,
            }
        }
        if written.is_some() || *stop.borrow() {
            break;
        }
        if paused {
            drained = Instant::now();
        }
        // The shards are this far behind: the socket holds the rest (its wait still counts,
        // from the last read that drained it).
        while ahead.bytes() > READ_AHEAD {
            let done = ahead.drained.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if ahead.bytes() <= READ_AHEAD {
                break;
            }
            tokio::select! {
                _ = done => {}
                _ = stop.changed() => break,
            }
        }
        if *stop.borrow() {
            break;
        }
        let ready = tokio::select! {
            r = rd.ready() => r,
            w = &mut writer => {
                written = Some(w.unwrap_or_default());
                break;
            }
            _ = stop.changed() => break,
        };
        match ready {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                lost(&shared, id, &peer, e);
                break;
            }
        }
        // Every message already here, through the endpoint under one lock.
        let now = Instant::now();
        // What this read took arrived after the last read that drained the socket: under
        // load, an upper bound on how long it waited there (overload control).
        if !rd.backlogged() {
            drained = now;
        }
        let mut closing = None;
        let taken = shared.m3ua(0, |m| loop {
            let msg = match rd.take() {
                Ok(Some(msg)) => msg,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e),
            };
            pcap(id, &peer, In, msg.bytes);
            match m
                .endpoint
                .receive(id, msg.stream, msg.bytes, now, &mut m.tx)
            {
                Received::Data(pd) => batches[dispatch.shard(&pd)].push(id, &pd),
                Received::Handled => {}
                Received::Close(why) => {
                    closing = Some(why);
                    return Ok(());
                }
            }
        });
        for (s, b) in batches.iter_mut().enumerate() {
            if !b.is_empty() {
                b.stamp(drained, &ahead);
                let _ = shared.shards[s].data.send(std::mem::take(b)).await;
            }
        }
        if let Err(e) = taken {
            lost(&shared, id, &peer, e);
            break;
        }
        if let Some(why) = closing {
            warn!(assoc = id, %peer, why, "giving up on the association");
            break;
        }
        if !was_active && role.side() != Side::Server {
            was_active = shared.net.lock().expect("m3ua").endpoint.is_active(id);
        }
    }
    // Gone: the endpoint is told, and what the writer did not write is routed again.
    shared.m3ua(0, |m| {
        m.links.remove(&id);
        m.endpoint.disconnected(id, Instant::now(), &mut m.tx);
    });
    let unwritten = match written {
        Some(w) => w,
        None => match tokio::time::timeout(FLUSH_TIMEOUT, &mut writer).await {
            Ok(w) => w.unwrap_or_default(),
            Err(_) => {
                writer.abort();
                warn!(assoc = id, %peer, "peer did not take what was queued for it");
                Vec::new()
            }
        },
    };
    if !unwritten.is_empty() {
        shared.m3ua(0, |m| {
            m.endpoint
                .reroute(id, &unwritten, Instant::now(), &mut m.tx)
        });
    }
    info!(assoc = id, %peer, "association down");
    was_active
}

/// The association's byte stream broke: say why; after an impossible M3UA length a TCP
/// stream cannot be re-synchronised (RFC 4666 §3.8.1 Protocol Error), so ERR goes out first.
fn lost(shared: &Shared, id: AssocId, peer: &str, e: FrameError) {
    match e {
        FrameError::Framing(e) => {
            warn!(assoc = id, %peer, error = %e, "framing lost; closing association");
            let mut err = Vec::new();
            Builder::new(&mut err, Kind::Err)
                .param_u32(tag::ERROR_CODE, ErrorCode::ProtocolError as u32)
                .finish();
            shared.m3ua(0, |m| m.tx.buf(id).extend_from_slice(&err));
        }
        FrameError::Io(e) => info!(assoc = id, %peer, error = %e, "association read ended"),
    }
}

/// Write what is queued for association `id` until the queue closes (the association is
/// gone) or the endpoint gives up on it; what could not be written is returned, to be
/// routed again.
async fn write(
    mut wr: LinkWriter,
    mut rx: mpsc::UnboundedReceiver<Write>,
    queue: Arc<Queue>,
    (store, latency): (store::Writer, Arc<crate::metrics::stats::AnswerLatency>),
    id: AssocId,
    peer: String,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    loop {
        let Some(first) = rx.recv().await else {
            return Vec::new();
        };
        out.clear();
        let mut wait = 0;
        let mut earliest: Option<Instant> = None;
        let mut close = None;
        let mut next = Some(first);
        while let Some(w) = next.take() {
            match w {
                Write::Bytes(b, n, since) => {
                    out.extend_from_slice(&b);
                    wait = wait.max(n);
                    earliest = match (earliest, since) {
                        (Some(e), Some(s)) => Some(e.min(s)),
                        (e, s) => e.or(s),
                    };
                }
                Write::Close(why) => close = Some(why),
            }
            if close.is_none() && out.len() < MAX_WRITE {
                next = rx.try_recv().ok();
            }
        }
        // Journal first, then answer.
        if wait > 0 {
            store.committed(wait).await;
        }
        let n = out.len();
        pcap(id, &peer, Out, &out);
        if let Err(e) = wr.send(&out).await {
            info!(assoc = id, %peer, error = %e, "association write failed");
            rx.close();
            while let Ok(w) = rx.try_recv() {
                if let Write::Bytes(b, _, _) = w {
                    queue.written(b.len());
                    out.extend_from_slice(&b);
                }
            }
            queue.written(n);
            return out;
        }
        queue.written(n);
        if let Some(t) = earliest {
            latency.observe(t.elapsed());
        }
        if let Some(why) = close {
            warn!(assoc = id, %peer, why, "giving up on the association");
            return Vec::new();
        }
    }
}
