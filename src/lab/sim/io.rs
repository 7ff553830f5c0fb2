//! The load generator's I/O loop: one task on a thread of its own that writes what is due
//! and reads the SCP's answers at the same time, in large chunks ([`Inbox`]), pacing its
//! reads when the SCP is the bottleneck. The same loop serves TCP and SCTP ([`super::wire`]).

use super::conn::{asp_ac_msg, asp_up_msg, closed, is_ack, tcp_connect};
use super::engine::Engine;
use super::report::SimReport;
use super::wire::{sctp_connect, WireRead, WireWrite};
use super::{SimError, SimTransport};
use crate::m3ua::{self, Kind};
use std::time::{Duration, Instant};

/// While saturated (see [`Engine::saturated`]), read at most this often.
const PACE: Duration = Duration::from_millis(1);
/// ... and only with at least this many calls in flight.
pub(super) const PACE_MIN_CALLS: u32 = 64;

/// How much the load generator asks of each read.
const READ_CHUNK: usize = 64 * 1024;

/// The receive side of the load generator: the byte stream read in large chunks, every
/// complete M3UA message of a chunk handled before the next read.
pub(super) struct Inbox {
    buf: Vec<u8>,
    /// Unhandled bytes: `buf[start..end]`.
    start: usize,
    end: usize,
}

impl Inbox {
    fn new() -> Inbox {
        Inbox {
            buf: vec![0; 2 * READ_CHUNK],
            start: 0,
            end: 0,
        }
    }

    /// The next complete message in the buffer, if any; an impossible length is an error
    /// (framing cannot be recovered).
    pub(super) fn next(&mut self) -> Result<Option<&[u8]>, SimError> {
        let avail = &self.buf[self.start..self.end];
        match m3ua::codec::frame_len(avail) {
            Ok(Some(len)) if avail.len() >= len => {
                let at = self.start;
                self.start += len;
                Ok(Some(&self.buf[at..at + len]))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(SimError::M3ua(format!("framing lost: {e}"))),
        }
    }

    /// Where the next read goes: the partial message left (at most one, short) moved to the
    /// front, and at least a chunk of room after it.
    pub(super) fn room(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < READ_CHUNK {
            self.buf.resize(self.end + READ_CHUNK, 0);
        }
        &mut self.buf[self.end..]
    }

    pub(super) fn filled(&mut self, n: usize) {
        self.end += n;
    }
}

/// ASP activation for the load generator, on its own reader: ASPUP → ASPUP_ACK,
/// ASPAC → ASPAC_ACK, NTFYs skipped; whatever follows stays in `inbox`.
async fn activate(
    rd: &mut impl WireRead,
    wr: &mut impl WireWrite,
    inbox: &mut Inbox,
    rc: Option<u32>,
    timeout: Duration,
) -> Result<(), SimError> {
    let mut b = Vec::new();
    for kind in [Kind::AspUpAck, Kind::AspAcAck] {
        b.clear();
        if kind == Kind::AspUpAck {
            asp_up_msg(&mut b);
        } else {
            asp_ac_msg(&mut b, rc);
        }
        wr.write_all(&b).await?;
        let deadline = tokio::time::Instant::now() + timeout;
        'ack: loop {
            while let Some(m) = inbox.next()? {
                if is_ack(m, kind)? {
                    break 'ack;
                }
            }
            match tokio::time::timeout_at(deadline, rd.read(inbox)).await {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return Err(closed()),
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(SimError::Timeout(kind.name())),
            }
        }
    }
    Ok(())
}

/// The load generator's one task: it writes and reads at the same time, so that neither
/// side's socket buffers filling up can stall the other. Each turn starts the calls and
/// disconnects that are due, encoding them all into one buffer, then waits for whichever
/// comes first: the socket taking (part of) what is pending, a chunk to read (every message
/// in it handled before the next read), or the next timer.
pub(super) async fn play(
    eng: Engine,
    cancelled: tokio::sync::oneshot::Receiver<()>,
) -> Result<SimReport, SimError> {
    match eng.load.transport.clone() {
        SimTransport::Tcp => {
            let (rd, wr) = tcp_connect(eng.cfg.to).await?.into_split();
            play_on(eng, rd, wr, cancelled).await.map(|(rep, _, _)| rep)
        }
        SimTransport::Sctp(to) => {
            let (rd, wr) = sctp_connect(&to).await?;
            let (mut rep, rd, wr) = play_on(eng, rd, wr, cancelled).await?;
            rep.sctp = Some(super::report::SctpReport {
                sent: wr.stats,
                received: rd.stats,
            });
            Ok(rep)
        }
    }
}

async fn play_on<R: WireRead, W: WireWrite>(
    mut eng: Engine,
    mut rd: R,
    mut wr: W,
    mut cancelled: tokio::sync::oneshot::Receiver<()>,
) -> Result<(SimReport, R, W), SimError> {
    let mut inbox = Inbox::new();
    activate(
        &mut rd,
        &mut wr,
        &mut inbox,
        eng.cfg.routing_context,
        eng.cfg.timeout,
    )
    .await?;
    for e in rd.take_errors() {
        eng.error(e);
    }
    // Messages that came right behind ASPAC_ACK.
    eng.drain(&mut inbox, Instant::now())?;
    // eng.out[..written] has been written.
    let mut written = 0;
    let sweep_every =
        (eng.cfg.timeout / 4).clamp(Duration::from_millis(10), Duration::from_millis(100));
    let mut next_sweep = Instant::now() + sweep_every;
    let mut next_progress = eng.start + Duration::from_secs(1);
    let timer = tokio::time::sleep_until(tokio::time::Instant::from_std(next_sweep));
    tokio::pin!(timer);
    let mut last_read = Instant::now();
    loop {
        let now = Instant::now();
        eng.start_due(now);
        eng.disconnect_due(now);
        if now >= next_sweep {
            eng.sweep(now);
            next_sweep = now + sweep_every;
        }
        if eng.load.progress && now >= next_progress {
            eng.progress(now);
            next_progress += Duration::from_secs(1);
        }
        let pending = written < eng.out.len();
        if !pending && eng.calls.is_empty() && !eng.may_start(now) {
            break;
        }
        let mut wake = next_sweep;
        if eng.load.progress {
            wake = wake.min(next_progress);
        }
        if let Some(d) = eng.next_start(now) {
            wake = wake.min(d);
        }
        if let Some((d, _)) = eng.held.front() {
            wake = wake.min(*d);
        }
        // Saturated (the window is full of calls waiting on the SCP): nothing is gained by
        // reading each answer the moment it comes, and a wake-up per answer would cost the
        // sim more CPU than all its encoding and decoding. Reading at most every PACE lets
        // answers gather into one read and their replies into one write. The thread
        // sleeps rather than waits in the runtime, which would wake it at every segment
        // that arrives; nothing else runs on it. (First-answer latencies measured while
        // saturated, queueing at the SCP, include up to PACE of this.)
        if !pending && eng.saturated(now) && now < last_read + PACE {
            std::thread::sleep(wake.min(last_read + PACE).saturating_duration_since(now));
            continue;
        }
        let wake = tokio::time::Instant::from_std(wake);
        if timer.deadline() != wake {
            timer.as_mut().reset(wake);
        }
        tokio::select! {
            biased;
            // A partial write is cancel-safe: what it took is counted, the rest stays.
            r = wr.write(&eng.out[written..]), if pending => {
                written += r?;
                if written == eng.out.len() {
                    eng.out.clear();
                    written = 0;
                } else if written >= READ_CHUNK && written * 2 >= eng.out.len() {
                    eng.out.drain(..written);
                    written = 0;
                }
            }
            r = rd.read(&mut inbox) => {
                for e in rd.take_errors() {
                    eng.error(e);
                }
                if !r? {
                    return Err(closed());
                }
                last_read = Instant::now();
                eng.drain(&mut inbox, last_read)?;
            }
            () = &mut timer => {}
            _ = &mut cancelled => return Err(SimError::M3ua("cancelled".into())),
        }
    }
    Ok((eng.finish(), rd, wr))
}
