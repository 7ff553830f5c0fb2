//! Event publishing throughput with the journal on: how many CallEvents per second reach
//! SQLite durably (committed, WAL) — what a switch's answer waits for, since the daemon holds
//! each answer on [`scpd::store::Writer::ticket`].
//!
//! `journal/scpd_writer`: a burst of [`BURST`] events is handed to `store::Writer::append`
//! (the writer thread batches whatever is queued into one transaction: group commit), then
//! the time stops when the ticket taken after the last append resolves, i.e. all of them are
//! committed and published.
//!
//! `journal/naive_txn_per_event`, the peer, in the same run: the same events inserted with
//! plain rusqlite into the same schema with the same pragmas (WAL, synchronous=NORMAL), one
//! autocommit transaction per event — what a handler writing its own event would do.
//!
//! Both journals are checked before anything is timed: every event is there, in order, and
//! decodes back to what was appended.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use prost::Message;
use scpd::proto::CallEvent;
use scpd::service::{
    CallId, CallInfo, Direction, Event, EventKind, Instruction, Location, NatureOfAddress, Party,
    Policy, Protocol, Subscriber, Terminal, Trigger,
};
use scpd::store;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events per timed burst (a busy SCP's trigger rate over a few tens of milliseconds).
const BURST: u64 = 1000;

fn party(digits: &str, nai: u8) -> Option<Party> {
    Some(Party {
        digits: digits.into(),
        nature: nai,
        noa: NatureOfAddress::International,
        plan: 1,
        presentation: 0,
    })
}

/// A fully populated trigger event, as a monitored CAMEL call publishes (about 290 bytes
/// encoded).
fn event(i: u64) -> Event {
    let subscriber = Subscriber {
        number: "491700000001".into(),
        user: "alice".into(),
        policy: Policy::Monitor,
        terminals: vec![
            Terminal {
                id: "sip:alice@example.net".into(),
                label: "desk".into(),
            },
            Terminal {
                id: "app:7f3a9c".into(),
                label: "softphone".into(),
            },
        ],
        tenant: String::new(),
    };
    let trigger = Trigger {
        protocol: Protocol::Camel,
        version: "CAP v2",
        direction: Direction::Originating,
        trigger: "collectedInfo",
        service_key: 100,
        calling: party("491700000001", 4),
        called: party("4930123456", 1),
        imsi: Some("262011234567890".into()),
        imei: Some("3520990017614823".into()),
        switch_address: party("491720000000", 1),
        location: Some(Location {
            mcc: "262".into(),
            mnc: "01".into(),
            lac: 4660,
            cell_id: 22136,
            vlr: "491720000001".into(),
        }),
        call_reference: Some(format!("{:08x}", 0x5100_0000 + i).into()),
        ..Default::default()
    };
    let info = CallInfo {
        id: CallId {
            instance: 0,
            boot_ms: 0x1a2028a0261,
            seq: i,
        },
        trigger,
        subscriber: Some(Arc::new(subscriber)),
        other: None,
    };
    Event {
        instruction: Some(Instruction::Monitor),
        ..Event::new(
            Arc::new(info),
            EventKind::Trigger,
            1_795_338_931_865 + i as i64,
        )
    }
}

fn db(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("scpd-bench-{}-{name}.db", std::process::id()));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
    }
    p
}

/// Append `n` events from `next` and wait until all are committed.
fn writer_burst(w: &store::Writer, next: &mut u64, n: u64) {
    for _ in 0..n {
        w.append(event(*next)).expect("writer running");
        *next += 1;
    }
    w.ticket()
        .blocking_recv()
        .expect("writer running")
        .expect("commit");
}

const INSERT: &str =
    "INSERT INTO event (call_id, kind, timestamp_ms, body) VALUES (?1, ?2, ?3, ?4)";

/// The naive way: each event its own (autocommit) transaction.
fn naive_burst(c: &rusqlite::Connection, next: &mut u64, n: u64) {
    let mut st = c.prepare_cached(INSERT).unwrap();
    for _ in 0..n {
        // The same conversion the writer makes, so both sides do the same work.
        let ev = CallEvent::of(0, &event(*next));
        *next += 1;
        st.execute(rusqlite::params![
            ev.call_id,
            ev.kind,
            ev.timestamp_ms,
            ev.encode_to_vec()
        ])
        .unwrap();
    }
}

/// Both journals hold events 1..=n with the bodies appended.
fn check(path: &std::path::Path, n: u64) {
    let c = store::open_reader(path).unwrap();
    assert_eq!(store::last_sequence(&c).unwrap(), n, "{}", path.display());
    let evs = store::read_events(&c, 0, n as usize).unwrap();
    assert_eq!(evs.len() as u64, n);
    for (i, ev) in evs.iter().enumerate() {
        let want = CallEvent::of(i as u64 + 1, &event(i as u64));
        assert_eq!(ev, &want, "{}", path.display());
    }
}

fn journal(c: &mut Criterion) {
    let wpath = db("writer");
    let (writer, handle) = store::Writer::start(&wpath).unwrap();
    let npath = db("naive");
    // Same schema, indexes and pragmas as the daemon's journal.
    let naive = store::open(&npath).unwrap();

    eprintln!(
        "one event: {} bytes encoded",
        CallEvent::of(0, &event(0)).encoded_len()
    );
    let (mut wnext, mut nnext) = (0, 0);
    writer_burst(&writer, &mut wnext, BURST);
    naive_burst(&naive, &mut nnext, BURST);
    check(&wpath, BURST);
    check(&npath, BURST);

    let mut g = c.benchmark_group("journal");
    g.throughput(Throughput::Elements(BURST))
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    g.bench_function("scpd_writer", |b| {
        b.iter_custom(|iters| {
            let t = Instant::now();
            for _ in 0..iters {
                writer_burst(&writer, &mut wnext, BURST);
            }
            t.elapsed()
        })
    });
    g.bench_function("naive_txn_per_event", |b| {
        b.iter_batched(
            || (),
            |_| naive_burst(&naive, &mut nnext, BURST),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    writer.stop();
    handle.join().unwrap();
    for p in [&wpath, &npath] {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
        }
    }
}

criterion_group!(benches, journal);
criterion_main!(benches);
