//! SIGTERM while gRPC subscribers have stopped reading: the daemon does not wait for them.
//! It exits within a bounded time with every event journalled; a subscriber that reads
//! again while the daemon closes gets what was already on its way, then UNAVAILABLE, and one
//! that never reads again does not hold the daemon up.

mod common;
use common::Scpd;
use scpd::proto::call_events_client::CallEventsClient;
use scpd::proto::SubscribeRequest;
use std::time::{Duration, Instant};

const CALLS: u64 = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_does_not_wait_for_a_subscriber_that_stopped_reading() {
    let mut d = Scpd::start("shutdown", None);
    let subscribe = |url: String| async move {
        CallEventsClient::connect(url)
            .await
            .unwrap()
            .subscribe(SubscribeRequest {
                from_sequence: 0,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
    };
    let mut stream = subscribe(d.grpc_url()).await;
    let _never_reads = subscribe(d.grpc_url()).await;
    // Unmonitored calls: one TRIGGER event each, several MB in all, far more than the
    // stream's flow-control windows hold while nobody reads.
    let sim = {
        let m3ua = d.m3ua.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_scpd"))
                .args(["sim", "--to", &format!("tcp://{m3ua}")])
                .args(["--calls", &CALLS.to_string(), "--concurrency", "500"])
                .args(["--calling", "491800000001", "--quiet"])
                .output()
                .unwrap()
        })
    };
    let out = sim.await.unwrap();
    assert!(out.status.success(), "{out:?}");

    let t = Instant::now();
    let pid = d.child.id() as i32;
    // SAFETY: signalling the child we started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    // The first subscriber reads again while the daemon closes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reader = tokio::spawn(async move {
        let mut last = 0;
        loop {
            match tokio::time::timeout(Duration::from_secs(10), stream.message()).await {
                Ok(Ok(Some(ev))) => {
                    assert_eq!(ev.sequence, last + 1);
                    last = ev.sequence;
                }
                Ok(Ok(None)) => panic!("stream ended without a status after {last} events"),
                Ok(Err(status)) => return (last, status),
                Err(_) => panic!("stream neither ended nor went on after {last} events"),
            }
        }
    });
    let status = loop {
        if let Some(s) = d.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
    eprintln!("stopped in {:?}", t.elapsed());

    // Every event is in the journal.
    let db = std::env::temp_dir()
        .join(format!("scpd-e2e-{}-shutdown", std::process::id()))
        .join("scpd.db");
    let conn = scpd::store::open_reader(&db).unwrap();
    assert_eq!(scpd::store::last_sequence(&conn).unwrap(), CALLS);

    // What reached the subscriber, in order, then the end of the stream.
    let (last, end) = reader.await.unwrap();
    eprintln!("subscriber got {last} events, then {end:?}");
    assert!(last < CALLS, "the subscriber was not held back at all");
    assert_eq!(end.code(), tonic::Code::Unavailable, "{end:?}");
}
