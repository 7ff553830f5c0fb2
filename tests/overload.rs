//! Overload control (issue 14), against the real daemon: a switch offers about three times
//! what scpd sustains, for 10 s, and every query is still answered inside the switch's
//! timer — the overflow shed (Continue at once, the event marked `shed`) or refused (TCAP
//! P-Abort resourceLimitation) — memory stays bounded, and once the burst is over the
//! daemon goes back to monitoring calls by itself.
//!
//! The switch is a lean one written here rather than `scpd sim`: its messages are
//! templates with the transaction ids patched in, so that on a machine whose cores it
//! shares with the daemon it costs far less than the daemon and three times the daemon's
//! rate is really offered. It plays an MSC whose subscriber is monitored: InitialDP in a
//! Begin; on the TC-CONTINUE arming the disconnect report, an EventReportBCSM
//! (oDisconnect); the daemon's End closes the call. Each answer's latency counts from
//! when the switch meant to send its query (open loop), so whatever held the query up on
//! either side counts against the daemon.
//!
//! 1. sustained: a closed loop of 256 calls in flight for 3 s measures the daemon's rate S;
//! 2. burst: 3 S calls per second for 10 s;
//! 3. after: S/10 calls per second for 8 s; the last 2 s must all be monitored again.
//!
//! `OVERLOAD_TRACE=1 cargo test --test overload -- --nocapture` prints, per quarter second
//! of the plan, the worst latency, how late the switch itself wrote, and what the answers
//! were.

mod common;
mod m3ua_harness;
use m3ua_harness::*;
use scpd::tcap::itu::MessageType;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::*};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Our transaction ids: BASE + call index, four octets.
const BASE: u32 = 0x1000_0000;
/// Most calls the run can start (preallocated bookkeeping).
const MAX_CALLS: usize = 2_000_000;
/// The switch's patience in this test: every answer must come sooner.
const TIMER: Duration = Duration::from_secs(1);
/// The daemon's resident memory must stay under this throughout (debug build, two shards;
/// it idles near 40 MiB).
const RSS_BOUND_KIB: u64 = 256 * 1024;

/// A message template and where in it the transaction ids go.
struct Template {
    bytes: Vec<u8>,
    /// Per id, every place it sits (the InitialDP's callReferenceNumber repeats the otid).
    at: Vec<Vec<usize>>,
}

impl Template {
    /// Frame `send` through an association over a throwaway socket pair and find the
    /// `markers` (four-octet ids) in what it wrote.
    fn capture(markers: &[u32], send: impl FnOnce(&mut Assoc)) -> Template {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (mut s, _) = l.accept().unwrap();
        let mut a = Assoc::new(c, None);
        send(&mut a);
        drop(a);
        let bytes = common::read_m3ua(&mut s).unwrap();
        let at = markers
            .iter()
            .map(|m| {
                let m = m.to_be_bytes();
                let hits: Vec<usize> = (0..bytes.len() - 3)
                    .filter(|&i| bytes[i..i + 4] == m)
                    .collect();
                assert!(!hits.is_empty(), "marker {m:02x?} in {bytes:02x?}");
                hits
            })
            .collect();
        Template { bytes, at }
    }

    fn put(&self, out: &mut Vec<u8>, ids: &[[u8; 4]]) {
        let start = out.len();
        out.extend_from_slice(&self.bytes);
        for (at, id) in self.at.iter().zip(ids) {
            for a in at {
                out[start + a..start + a + 4].copy_from_slice(id);
            }
        }
    }
}

/// What the reader saw of each call.
const NONE: u8 = 0;
const MONITORED: u8 = 1;
const CONTINUED: u8 = 2;
const REFUSED: u8 = 3;

struct Shared {
    /// When call i was meant to go out (µs since `t0`), stored before it is written.
    due: Vec<AtomicU64>,
    /// When call i's Begin was written (µs since `t0`; for the trace).
    written: Vec<AtomicU64>,
    /// Calls not finished (closed loop).
    in_flight: AtomicI64,
    /// Calls finished (first answer an End or Abort, or the End after the report).
    finished: AtomicU64,
    stop: AtomicBool,
    t0: Instant,
}

/// The reader's record: per call, the first answer's kind and latency (µs).
struct Seen {
    kind: Vec<u8>,
    latency_us: Vec<u32>,
    /// Aborts of a dialogue already answered, Ends nobody expected, other surprises.
    odd: Vec<String>,
}

fn read_answers(s: TcpStream, shared: Arc<Shared>, reports: mpsc::Sender<(u32, [u8; 4])>) -> Seen {
    let mut r = BufReader::with_capacity(256 * 1024, s);
    let mut seen = Seen {
        kind: vec![NONE; MAX_CALLS],
        latency_us: vec![u32::MAX; MAX_CALLS],
        odd: Vec::new(),
    };
    while let Ok(b) = common::read_m3ua(&mut r) {
        let Some(t) = Answer::parse(&b) else {
            if b.get(2..4) == Some(&[1, 1]) {
                seen.odd.push(format!("unexpected DATA {b:02x?}"));
            }
            continue;
        };
        let Some(i) =
            Some(u32::from_be_bytes(t.dtid).wrapping_sub(BASE) as usize).filter(|&i| i < MAX_CALLS)
        else {
            seen.odd
                .push(format!("answer for a call we did not start: {t:?}"));
            continue;
        };
        let now = shared.t0.elapsed().as_micros() as u64;
        let first = seen.kind[i] == NONE;
        if first {
            let due = shared.due[i].load(Acquire);
            seen.latency_us[i] = now.saturating_sub(due).min(u32::MAX as u64 - 1) as u32;
        }
        let done = match (t.kind, first) {
            (MessageType::Continue, true) => {
                seen.kind[i] = MONITORED;
                match t.otid {
                    Some(scp) => {
                        let _ = reports.send((i as u32, scp));
                    }
                    None => seen
                        .odd
                        .push(format!("TC-CONTINUE without a 4-octet id: {t:?}")),
                }
                false
            }
            (MessageType::End, true) => {
                seen.kind[i] = CONTINUED;
                true
            }
            (MessageType::Abort, true) if t.p_abort == Some(PABORT_RESOURCE_LIMITATION) => {
                seen.kind[i] = REFUSED;
                true
            }
            (MessageType::End, false) if seen.kind[i] == MONITORED => true,
            _ => {
                seen.odd
                    .push(format!("call {i}: {:?} after {}", t.kind, seen.kind[i]));
                false
            }
        };
        if done {
            shared.in_flight.fetch_sub(1, Relaxed);
            shared.finished.fetch_add(1, Relaxed);
        }
    }
    seen
}

/// Q.773 P-AbortCause resourceLimitation.
const PABORT_RESOURCE_LIMITATION: u8 = 4;

/// What the switch needs of an answer, read by hand so that reading costs it little: the
/// TCAP message type, the transaction ids (four octets, as the daemon allocates them) and
/// a P-Abort cause.
#[derive(Debug)]
struct Answer {
    kind: MessageType,
    otid: Option<[u8; 4]>,
    dtid: [u8; 4],
    p_abort: Option<u8>,
}

impl Answer {
    /// An M3UA DATA (RFC 4666 §3.3.1) carrying a UDT (Q.713 §4.10) carrying TCAP
    /// (Q.773 §4.2: Continue 0x65, End 0x64, Abort 0x67; otid 0x48, dtid 0x49, cause 0x4a).
    fn parse(m: &[u8]) -> Option<Answer> {
        if m.get(2..4)? != [1, 1] {
            return None;
        }
        let mut p = 8;
        let pd = loop {
            let tag = u16::from_be_bytes(m.get(p..p + 2)?.try_into().ok()?);
            let len = u16::from_be_bytes(m.get(p + 2..p + 4)?.try_into().ok()?) as usize;
            if tag == 0x0210 {
                break m.get(p + 4 + 12..p + len)?;
            }
            p += len.div_ceil(4) * 4;
        };
        if pd.first()? != &0x09 {
            return None;
        }
        let data = 4 + *pd.get(4)? as usize;
        let len = *pd.get(data)? as usize;
        let tcap = pd.get(data + 1..data + 1 + len)?;
        let kind = match tcap.first()? {
            0x65 => MessageType::Continue,
            0x64 => MessageType::End,
            0x67 => MessageType::Abort,
            _ => return None,
        };
        let mut e = if *tcap.get(1)? & 0x80 != 0 {
            2 + (*tcap.get(1)? & 0x7f) as usize
        } else {
            2
        };
        let mut a = Answer {
            kind,
            otid: None,
            dtid: [0; 4],
            p_abort: None,
        };
        while e + 2 <= tcap.len() {
            let (tag, len) = (tcap[e], tcap[e + 1] as usize);
            let v = tcap.get(e + 2..e + 2 + len)?;
            match tag {
                0x48 => a.otid = v.try_into().ok(),
                0x49 => a.dtid = v.try_into().ok()?,
                0x4a => a.p_abort = v.first().copied(),
                _ => break,
            }
            e += 2 + len;
        }
        Some(a)
    }
}

/// One phase of the switch's plan.
#[derive(Clone, Copy, Debug)]
enum Plan {
    /// Keep this many calls in flight, for this long.
    Closed(i64, Duration),
    /// Start calls at this rate, for this long.
    Open(f64, Duration),
}

struct Switch {
    s: TcpStream,
    shared: Arc<Shared>,
    reports: mpsc::Receiver<(u32, [u8; 4])>,
    begin: Template,
    report: Template,
    next: u32,
    /// The first call whose Begin is not written yet.
    unwritten: u32,
    out: Vec<u8>,
}

impl Switch {
    /// Queue the disconnect reports the reader asked for.
    fn take_reports(&mut self) {
        while let Ok((i, scp)) = self.reports.try_recv() {
            self.report
                .put(&mut self.out, &[(BASE + i).to_be_bytes(), scp]);
        }
    }

    fn start_call(&mut self, due: Duration) {
        let i = self.next;
        self.shared.due[i as usize].store(due.as_micros() as u64, Release);
        self.shared.in_flight.fetch_add(1, Relaxed);
        self.begin.put(&mut self.out, &[(BASE + i).to_be_bytes()]);
        self.next += 1;
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            self.s.write_all(&self.out).expect("write to the daemon");
            self.out.clear();
            let now = self.shared.t0.elapsed().as_micros() as u64;
            for i in self.unwritten..self.next {
                self.shared.written[i as usize].store(now, Relaxed);
            }
            self.unwritten = self.next;
        }
    }

    /// Play `plan`; the index of the first call after it.
    fn play(&mut self, plan: Plan) -> u32 {
        let start = self.shared.t0.elapsed();
        let first = self.next;
        let tick = Duration::from_micros(500);
        loop {
            let now = self.shared.t0.elapsed();
            let (len, more) = match plan {
                Plan::Closed(window, len) => {
                    let room = window - self.shared.in_flight.load(Relaxed);
                    (len, room.max(0) as u32)
                }
                Plan::Open(rate, len) => {
                    let due = ((now - start).min(len).as_secs_f64() * rate) as u32;
                    (len, (first + due).saturating_sub(self.next))
                }
            };
            if now - start >= len {
                break;
            }
            self.take_reports();
            for _ in 0..more {
                let due = match plan {
                    Plan::Closed(..) => now,
                    Plan::Open(rate, _) => {
                        start + Duration::from_secs_f64((self.next - first) as f64 / rate)
                    }
                };
                self.start_call(due);
            }
            self.flush();
            std::thread::sleep(tick);
        }
        self.next
    }

    /// Keep answering reports until every call is finished or `patience` is over.
    fn drain(&mut self, patience: Duration) {
        let until = Instant::now() + patience;
        while self.shared.in_flight.load(Relaxed) > 0 && Instant::now() < until {
            self.take_reports();
            self.flush();
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Lower every thread of the daemon to nice 10 (Linux nice values are per thread; threads
/// started later inherit their creator's), so that the switch's two threads, which need
/// little CPU but need it on time, are not starved by a daemon that uses every core.
fn yield_to_the_switch(pid: u32) {
    for t in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let tid: u32 = t.unwrap().file_name().to_string_lossy().parse().unwrap();
        // SAFETY: setpriority on a thread of our own child process.
        let r = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, 10) };
        assert_eq!(r, 0, "setpriority {tid}");
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(v: &mut [u32], p: f64) -> u32 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[((v.len() - 1) as f64 * p) as usize]
}

#[test]
fn three_times_the_sustained_rate_is_answered_in_time_shed_and_recovered() {
    let mut d = Daemon::start("overload", "");
    d.monitor(SUBSCRIBER);
    // The switch is another machine in life; here it shares the cores, so it goes first.
    yield_to_the_switch(d.child.id());
    let a = Assoc::asp(&d.m3ua, 0x0e, None);
    a.s.set_nodelay(true).unwrap();

    let begin = Template::capture(&[0xa1b2_c3d4], |a| a.begin(&Call::new(0xa1b2_c3d4)));
    let report = Template::capture(&[0xa1b2_c3d4, 0x5e6f_7a8b], |a| {
        let mut c = Call::new(0xa1b2_c3d4);
        c.scp = Some(0x5e6f_7a8bu32.to_be_bytes().to_vec());
        a.report(&c, true)
    });

    let shared = Arc::new(Shared {
        due: (0..MAX_CALLS).map(|_| AtomicU64::new(0)).collect(),
        written: (0..MAX_CALLS).map(|_| AtomicU64::new(0)).collect(),
        in_flight: AtomicI64::new(0),
        finished: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        t0: Instant::now(),
    });
    let (reports_tx, reports) = mpsc::channel();
    let reader = {
        let s = a.s.try_clone().unwrap();
        let shared = shared.clone();
        std::thread::spawn(move || read_answers(s, shared, reports_tx))
    };
    let rss_max = {
        let (pid, shared) = (d.child.id(), shared.clone());
        std::thread::spawn(move || {
            let mut max = 0;
            while !shared.stop.load(Relaxed) {
                max = max.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(50));
            }
            max
        })
    };
    let mut sw = Switch {
        s: a.s.try_clone().unwrap(),
        shared: shared.clone(),
        reports,
        begin,
        report,
        next: 0,
        unwritten: 0,
        out: Vec::with_capacity(1 << 20),
    };

    // 1. What the daemon sustains: a closed loop, its first second a warm-up.
    sw.play(Plan::Closed(256, Duration::from_secs(1)));
    let before = shared.finished.load(Relaxed);
    let t = Instant::now();
    sw.play(Plan::Closed(256, Duration::from_secs(3)));
    let sustained = (shared.finished.load(Relaxed) - before) as f64 / t.elapsed().as_secs_f64();
    sw.drain(Duration::from_secs(5));
    eprintln!("sustained: {sustained:.0} calls/s");
    assert!(
        sustained > 100.0,
        "the daemon sustains {sustained:.0} calls/s"
    );

    // 2. The burst, and 3. the calm after it.
    let burst_start = sw.next;
    let burst_end = sw.play(Plan::Open(3.0 * sustained, Duration::from_secs(10)));
    let after_end = sw.play(Plan::Open(sustained / 10.0, Duration::from_secs(8)));
    let burst_offered = (burst_end - burst_start) as f64 / 10.0;
    sw.drain(Duration::from_secs(5));
    shared.stop.store(true, Relaxed);
    let rss_max = rss_max.join().unwrap();
    let log_before_stop = d.log();
    common::stop_gracefully(&mut d.child);
    let seen = reader.join().unwrap();

    // Every query answered in time.
    let calls = sw.next as usize;
    let unanswered: Vec<usize> = (0..calls).filter(|&i| seen.kind[i] == NONE).collect();
    let count = |r: std::ops::Range<u32>, k: u8| r.filter(|&i| seen.kind[i as usize] == k).count();
    let lat = |r: std::ops::Range<u32>| -> Vec<u32> {
        r.map(|i| seen.latency_us[i as usize])
            .filter(|&l| l != u32::MAX)
            .collect()
    };
    let mut burst_lat = lat(burst_start..burst_end);
    let (p50, p99, max) = (
        percentile(&mut burst_lat, 0.5),
        percentile(&mut burst_lat, 0.99),
        percentile(&mut burst_lat, 1.0),
    );
    let summary = format!(
        "sustained {sustained:.0}/s; burst offered {burst_offered:.0}/s: {} monitored, {} shed, \
         {} refused, latency p50 {p50} µs p99 {p99} µs max {max} µs; after: {} monitored, \
         {} shed, {} refused; RSS max {rss_max} KiB",
        count(burst_start..burst_end, MONITORED),
        count(burst_start..burst_end, CONTINUED),
        count(burst_start..burst_end, REFUSED),
        count(burst_end..after_end, MONITORED),
        count(burst_end..after_end, CONTINUED),
        count(burst_end..after_end, REFUSED),
    );
    eprintln!("{summary}");
    if std::env::var_os("OVERLOAD_TRACE").is_some() {
        let mut b = std::collections::BTreeMap::<u64, (u32, u64, [u32; 4])>::new();
        for i in 0..calls {
            let due = shared.due[i].load(Relaxed);
            let e = b.entry(due / 250_000).or_default();
            e.0 = e.0.max(seen.latency_us[i]);
            e.1 = e.1.max(shared.written[i].load(Relaxed).saturating_sub(due));
            e.2[seen.kind[i] as usize] += 1;
        }
        for (t, (max, w, k)) in b {
            eprintln!(
                "{:6.2}s max {max:7} µs (written after {w:7} µs) mon {:5} shed {:5} ref {:5}",
                t as f64 / 4.0,
                k[1],
                k[2],
                k[3]
            );
        }
    }
    assert!(
        burst_offered > 2.5 * sustained,
        "the switch could not offer three times the sustained rate: {summary}"
    );
    assert!(
        seen.odd.is_empty(),
        "{:?}",
        &seen.odd[..seen.odd.len().min(5)]
    );
    assert!(
        unanswered.is_empty(),
        "{} queries never answered (first {:?}): {summary}",
        unanswered.len(),
        &unanswered[..unanswered.len().min(5)]
    );
    let mut all = lat(0..calls as u32);
    let worst = percentile(&mut all, 1.0);
    assert!(
        (worst as u128) < TIMER.as_micros(),
        "an answer took {worst} µs: {summary}"
    );
    // The overflow was shed, not queued: some answers were the cheap ones.
    let shed = count(0..calls as u32, CONTINUED);
    assert!(
        shed + count(burst_start..burst_end, REFUSED) > 0,
        "nothing shed: {summary}"
    );
    assert!(rss_max < RSS_BOUND_KIB, "{summary}");
    // Back to normal by itself: the last two seconds of the calm all monitored.
    let last = after_end - ((sustained / 10.0) * 2.0) as u32;
    assert_eq!(
        count(last..after_end, MONITORED),
        (after_end - last) as usize,
        "not monitoring again after the burst: {summary}"
    );

    // The state changes were logged once each, not per message.
    let changes = log_before_stop.matches("overloaded").count();
    let recoveries = log_before_stop.matches("overload over").count();
    assert!(changes >= 1 && recoveries >= 1, "{log_before_stop}");
    assert!(changes + recoveries < 50, "{changes} overload log lines");
    assert!(
        !log_before_stop.contains("not processed normally"),
        "refusals logged as faults"
    );

    // The journal: every shed answer's trigger is there and marked, and only those.
    let conn = scpd::store::open_reader(&d.dir.join("scpd.db")).unwrap();
    let mut after = 0;
    let (mut triggers, mut marked) = (0, 0);
    loop {
        let evs = scpd::store::read_events(&conn, after, 10_000).unwrap();
        let Some(last) = evs.last() else { break };
        after = last.sequence;
        for e in &evs {
            if e.kind == scpd::proto::EventKind::Trigger as i32 {
                triggers += 1;
                marked += e.shed as usize;
            }
        }
    }
    assert_eq!(marked, shed, "shed triggers in the journal: {summary}");
    assert_eq!(
        triggers,
        count(0..calls as u32, MONITORED) + shed,
        "every answered trigger journalled (refused ones never reached the service)"
    );
}
