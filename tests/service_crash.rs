//! The journal and routing numbers through a `kill -9`, and a subscriber too slow for the
//! live buffer.
//!
//! Crash: batches of calls (each batch with its own calling number) run while routing
//! numbers are allocated; the daemon is killed with SIGKILL mid-load and restarted on the
//! same database. Every batch the simulator saw fully answered has all its TRIGGER events in
//! the journal (an answer leaves only after its events are committed); every routing number
//! returned by Allocate is still live after the restart, resolves, and none is reissued.

mod common;
use common::free_port;
use scpd::api::Api;
use scpd::proto::call_events_server::CallEvents;
use scpd::proto::{
    call_events_client::CallEventsClient, routing_numbers_client::RoutingNumbersClient,
    AllocateRoutingNumberRequest, CallEvent, EventKind, ListRoutingNumbersRequest,
    SubscribeRequest,
};
use std::collections::{HashMap, HashSet};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_stream::StreamExt;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

/// Kills the daemon if the test fails half way.
struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db: &Path, m3ua: &str, grpc: &str) -> Guard {
    let child = Command::new(BIN)
        .args(["run", "--m3ua-listen", &format!("tcp://{m3ua}")])
        .args(["--grpc-listen", grpc])
        .arg("--db")
        .arg(db)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(m3ua).is_err() || TcpStream::connect(grpc).is_err() {
        assert!(Instant::now() < deadline, "scpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Guard(child)
}

async fn journal(grpc: &str) -> Vec<CallEvent> {
    let mut c = CallEventsClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let mut s = c
        .subscribe(SubscribeRequest {
            from_sequence: 0,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut v = Vec::new();
    while let Ok(Ok(Some(ev))) = tokio::time::timeout(Duration::from_secs(2), s.message()).await {
        v.push(ev);
    }
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_loses_no_answered_trigger_and_no_routing_number() {
    let dir = std::env::temp_dir().join(format!("scpd-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("scpd.db");
    let (m3ua, grpc) = (
        format!("127.0.0.1:{}", free_port()),
        format!("127.0.0.1:{}", free_port()),
    );
    let mut child = start(&db, &m3ua, &grpc);

    // Load: simulator batches on three threads until the daemon dies.
    let dead = Arc::new(AtomicBool::new(false));
    let answered: Arc<Mutex<Vec<String>>> = Default::default();
    let mut loaders = Vec::new();
    for t in 0..3 {
        let (dead, answered, m3ua) = (dead.clone(), answered.clone(), m3ua.clone());
        loaders.push(std::thread::spawn(move || {
            let mut b = 0;
            while !dead.load(Ordering::SeqCst) {
                let calling = format!("49170{t}{b:04}");
                b += 1;
                let out = Command::new(BIN)
                    .args(["sim", "--to", &format!("tcp://{m3ua}")])
                    .args([
                        "--calls",
                        "20",
                        "--concurrency",
                        "5",
                        "--timeout-ms",
                        "2000",
                    ])
                    .args(["--calling", &calling])
                    .output()
                    .unwrap();
                let report: Option<serde_json::Value> = serde_json::from_slice(&out.stdout).ok();
                if out.status.success()
                    && report.is_some_and(|r| r["continued"].as_u64() == Some(20))
                {
                    answered.lock().unwrap().push(calling);
                }
            }
        }));
    }
    // Routing numbers allocated meanwhile.
    let mut rn = RoutingNumbersClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let mut issued: HashMap<String, String> = HashMap::new();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(1500) {
        let target = format!("4930{:06}", issued.len());
        let n = rn
            .allocate(AllocateRoutingNumberRequest {
                target: target.clone(),
                ttl_seconds: 600,
                call_id: String::new(),
                pool: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(issued.insert(n.number, target).is_none(), "issued twice");
    }
    // One allocation in flight as the daemon dies.
    let mut inflight = rn.clone();
    let last = tokio::spawn(async move {
        inflight
            .allocate(AllocateRoutingNumberRequest {
                target: "4930999999".into(),
                ttl_seconds: 600,
                call_id: String::new(),
                pool: String::new(),
                ..Default::default()
            })
            .await
    });
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    dead.store(true, Ordering::SeqCst);
    for l in loaders {
        l.join().unwrap();
    }
    if let Ok(Ok(n)) = last.await {
        let n = n.into_inner();
        issued.insert(n.number, n.target);
    }
    let answered = answered.lock().unwrap().clone();
    assert!(
        answered.len() >= 3,
        "too little load before the kill: {answered:?}"
    );

    let mut child = start(&db, &m3ua, &grpc);
    let evs = journal(&grpc).await;
    let mut per: HashMap<String, usize> = HashMap::new();
    for e in evs.iter().filter(|e| e.kind() == EventKind::Trigger) {
        *per.entry(e.calling_party.clone().unwrap().digits)
            .or_default() += 1;
    }
    for calling in &answered {
        assert_eq!(
            per.get(calling),
            Some(&20),
            "batch {calling} answered but not journalled"
        );
    }
    assert!(evs.windows(2).all(|w| w[0].sequence < w[1].sequence));

    // Every number handed out is still live with its target, and resolves.
    let mut rn = RoutingNumbersClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let live: HashMap<String, String> = rn
        .list(ListRoutingNumbersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .numbers
        .into_iter()
        .map(|n| (n.number, n.target))
        .collect();
    for (n, t) in &issued {
        assert_eq!(live.get(n), Some(t), "routing number {n} forgotten");
    }
    // New allocations never reissue a live one.
    let mut fresh = HashSet::new();
    for _ in 0..50 {
        let n = rn
            .allocate(AllocateRoutingNumberRequest {
                target: "4940".into(),
                ttl_seconds: 60,
                call_id: String::new(),
                pool: String::new(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .number;
        assert!(
            !live.contains_key(&n) && fresh.insert(n.clone()),
            "{n} reissued"
        );
    }
    let (number, target) = issued.iter().next().unwrap();
    let out = Command::new(BIN)
        .args(["sim", "--to", &format!("tcp://{m3ua}"), "--called", number])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["connected"].as_u64(), Some(1), "{r}");
    let evs = journal(&grpc).await;
    let leg = evs
        .iter()
        .find(|e| e.kind() == EventKind::TransferLeg)
        .unwrap();
    assert_eq!(&leg.destination.as_ref().unwrap().digits, target);
    common::stop_gracefully(&mut child.0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A TRIGGER event of call `seq` with nothing else in it.
fn event(seq: u64) -> scpd::service::Event {
    use scpd::service::{CallId, CallInfo, Event, EventKind};
    let id = CallId {
        instance: 0,
        boot_ms: 0,
        seq,
    };
    let info = CallInfo {
        id,
        trigger: Default::default(),
        subscriber: None,
        other: None,
    };
    Event::new(Arc::new(info), EventKind::Trigger, 0)
}

/// A subscriber that reads nothing while far more events than the live buffer are
/// published: publishing never waits for it, and when it reads it gets every event once, in
/// order (back to the journal from its last sequence, then live again).
#[tokio::test(flavor = "multi_thread")]
async fn slow_subscriber_falls_back_to_the_journal_without_gap_or_duplicate() {
    let path = std::env::temp_dir().join(format!("scpd-slow-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let (writer, _h) = scpd::store::Writer::start(&path).unwrap();
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    let api = Api {
        writer: writer.clone(),
        subscribers: Default::default(),
        routing: Arc::new(Mutex::new(
            scpd::service::routing::Allocator::new(&[]).unwrap(),
        )),
        decisions: scpd::api::Broker::new(Duration::from_secs(1)),
        stop,
        streams: Default::default(),
        auth: Default::default(),
        hlr: Default::default(),
    };
    let mut stream = api
        .subscribe(tonic::Request::new(SubscribeRequest {
            from_sequence: 0,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    // The live buffer holds commits: one commit per event overflows it.
    let total = 3 * scpd::store::LIVE_BUFFER + 1000;
    let t = Instant::now();
    for i in 0..total {
        writer.append(event(i as u64)).unwrap();
        writer.commit().await.unwrap();
    }
    // Appending did not wait for the reader.
    assert!(t.elapsed() < Duration::from_secs(60));
    let mut next = 0;
    while next < total {
        let ev = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("stream stalled")
            .unwrap()
            .unwrap();
        assert_eq!(ev.call_id, format!("00-0-{next}"));
        assert_eq!(ev.sequence, next as u64 + 1);
        next += 1;
    }
    // And live again afterwards.
    writer.append(event(999_999)).unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(ev.call_id, "00-0-999999");
    let _ = std::fs::remove_file(&path);
}
