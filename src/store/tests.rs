//! The store against real SQLite files: journal order, subscribers and routing numbers
//! across reopening, retention.

use super::*;
use crate::service::routing::PoolKind;
use crate::service::{Event, Policy, Subscriber, Terminal};
use rusqlite::params;
use std::path::PathBuf;
use std::sync::Arc;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scpd-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&d);
    d
}

#[tokio::test]
async fn events_are_journalled_then_published_in_order() {
    let path = tmp("journal.db");
    let (w, _h) = Writer::start(&path).unwrap();
    let mut live = w.follow();
    for i in 0..5 {
        w.append(Event::bare(i)).unwrap();
    }
    let mut seqs = Vec::new();
    while seqs.len() < 5 {
        let after = seqs.last().copied().unwrap_or(0);
        assert!(live.wait(after).await);
        let Since::Events(evs) = live.since(after) else {
            panic!("gap")
        };
        seqs.extend(evs.iter().map(|ev| ev.sequence));
    }
    assert!(seqs.windows(2).all(|p| p[0] < p[1]), "{seqs:?}");
    w.flush().await;
    let conn = open(&path).unwrap();
    let all = read_events(&conn, 0, 100).unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].call_id, "00-0-4");
    assert_eq!(read_events(&conn, seqs[2], 100).unwrap().len(), 2);
}

#[tokio::test]
async fn subscribers_persist_across_reopen() {
    let path = tmp("subs.db");
    {
        let (w, _h) = Writer::start(&path).unwrap();
        let alice = Subscriber {
            number: "491700000001".into(),
            user: "alice".into(),
            policy: Policy::Monitor,
            terminals: vec![Terminal {
                id: "sip:alice@x".into(),
                label: "desk \"phone\"".into(),
            }],
            tenant: "acme".into(),
        };
        w.put_subscriber(alice.clone(), Put::Create).await.unwrap();
        assert_eq!(
            w.put_subscriber(alice.clone(), Put::Create).await,
            Err(EXISTS.to_string())
        );
        // Another tenant cannot take it over; its own tenant can change it.
        let taken = Subscriber {
            tenant: "globex".into(),
            policy: Policy::Pass,
            ..alice.clone()
        };
        assert_eq!(
            w.put_subscriber(taken, Put::ReplaceOwn).await,
            Err(OTHERS.to_string())
        );
        w.put_subscriber(alice.clone(), Put::ReplaceOwn)
            .await
            .unwrap();
        assert!(!w
            .remove_subscriber(alice.number.clone(), Some("globex".into()))
            .await
            .unwrap());
        w.put_subscriber(
            Subscriber {
                number: "491700000002".into(),
                user: String::new(),
                policy: Policy::Decide,
                terminals: vec![],
                tenant: String::new(),
            },
            Put::Replace,
        )
        .await
        .unwrap();
        assert!(w
            .remove_subscriber("491700000002".into(), None)
            .await
            .unwrap());
        assert!(!w.remove_subscriber("nope".into(), None).await.unwrap());
    }
    let conn = open(&path).unwrap();
    let subs = load_subscribers(&conn).unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].policy, Policy::Monitor);
    let alice = get_subscriber(&conn, "491700000001").unwrap().unwrap();
    assert_eq!(alice.user, "alice");
    assert_eq!(alice.terminals[0].label, "desk \"phone\"");
    assert_eq!(alice.terminals[0].id, "sip:alice@x");
    assert_eq!(alice.tenant, "acme");
    // Reopening does not re-run migrations.
    drop(conn);
    assert!(open(&path).is_ok());
}

#[tokio::test]
async fn routing_changes_persist_in_order() {
    use crate::service::routing::{Allocator, Persist, PoolConfig};
    let path = tmp("routing.db");
    let cfg = [PoolConfig {
        name: "t".into(),
        first: "100".into(),
        last: "199".into(),
        kind: PoolKind::Trn,
        tenant: String::new(),
    }];
    let kept;
    {
        let (w, h) = Writer::start(&path).unwrap();
        let mut a = Allocator::new(&cfg).unwrap();
        a.set_persist(Arc::new(w.clone()) as Arc<dyn Persist>);
        let x = a
            .allocate("", PoolKind::Trn, "4930", 60_000, "c1", 0)
            .unwrap();
        kept = a
            .allocate("", PoolKind::Trn, "4931", 60_000, "c2", 0)
            .unwrap();
        assert!(a.consume(&x.number, 1).is_some());
        w.commit().await.unwrap();
        w.stop();
        h.join().unwrap();
    }
    let conn = open(&path).unwrap();
    let (live, cursors) = load_routing(&conn).unwrap();
    assert_eq!(live, vec![kept.clone()]);
    assert_eq!(cursors, vec![("t".to_string(), 102)]);
    let mut b = Allocator::new(&cfg).unwrap();
    b.restore(live, &cursors);
    assert_eq!(b.get(&kept.number, 5).unwrap().target, "4931");
    assert_eq!(
        b.allocate("", PoolKind::Trn, "1", 1, "", 0).unwrap().number,
        "102"
    );
}

#[test]
fn retention_prunes_by_age_count_and_size() {
    let path = tmp("retention.db");
    let conn = open(&path).unwrap();
    for i in 0..10i64 {
        let body = vec![0u8; 100];
        conn.execute(
            "INSERT INTO event (call_id, kind, timestamp_ms, body) VALUES ('c', 1, ?1, ?2)",
            params![i * 1000, body],
        )
        .unwrap();
    }
    let age = Retention {
        max_age_seconds: 3,
        ..Default::default()
    };
    // Now is 10 s: events from before 7 s go.
    assert_eq!(prune(&conn, &age, 10_000).unwrap(), 7);
    let count = Retention {
        max_events: 2,
        ..Default::default()
    };
    assert_eq!(prune(&conn, &count, 10_000).unwrap(), 1);
    let size = Retention {
        max_bytes: 150,
        ..Default::default()
    };
    assert_eq!(prune(&conn, &size, 10_000).unwrap(), 1);
    let left = read_events_raw_seqs(&conn);
    assert_eq!(left, vec![10]);
    assert_eq!(prune(&conn, &size, 10_000).unwrap(), 0);
}

fn read_events_raw_seqs(conn: &Connection) -> Vec<i64> {
    let mut st = conn
        .prepare("SELECT sequence FROM event ORDER BY sequence")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Under writes without a pause the WAL still starts over: a checkpoint that only copies
/// beside the writer never finds it fully copied, and it grew without end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wal_stays_bounded_under_steady_writes() {
    const LIMIT: u64 = 1 << 20;
    let path = tmp("wal.db");
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let (w, _h) = Writer::start_wal(&path, Retention::default(), LIMIT).unwrap();
    let start = std::time::Instant::now();
    let (mut largest, mut events) = (0, 0u64);
    // Until 8 limits' worth is in the database, or the time is up.
    while std::fs::metadata(&path).map_or(0, |m| m.len()) < 8 * LIMIT {
        assert!(start.elapsed().as_secs() < 60, "too slow: {events} events");
        let batch: Vec<Event> = (0..64).map(|_| Event::bare(events)).collect();
        events += 64;
        w.append_all(batch).unwrap();
        // About 20 MB/s of WAL, the daemon's pace at full load.
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        if events % 1024 == 0 {
            // A reader now and then, as a replaying subscriber would be.
            let conn = open_reader(&path).unwrap();
            read_events(&conn, 0, 100).unwrap();
        }
    }
    w.flush().await;
    w.stop();
    for f in [
        path.clone(),
        wal,
        PathBuf::from(format!("{}-shm", path.display())),
    ] {
        let _ = std::fs::remove_file(f);
    }
    // While the disk is slow (a loaded machine) the WAL may reach its ceiling before it
    // starts over, plus what a poll's interval and one slow round beside the writer add.
    // Unbounded, it would hold all 8 limits written.
    let bound = (checkpoint::CEILING + 2) * LIMIT;
    assert!(
        largest <= bound,
        "WAL reached {largest} bytes (limit {LIMIT}, bound {bound})"
    );
}
