//! Decisions end to end (issue 7): the real daemon, calls of a `decide` subscriber played by
//! `scpd sim` over M3UA, and decision clients on `scpd.v1.Decisions/Session` — a fast one,
//! a slow one (the fallback answers within the deadline), one that goes away holding a
//! query, and two sharing the load.

mod common;
use common::Scpd;
use scpd::proto::decision_answer::Action;
use scpd::proto::decisions_client::DecisionsClient;
use scpd::proto::subscribers_client::SubscribersClient;
use scpd::proto::{DecisionAnswer, DecisionQuery, Policy, Subscriber};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

const DECIDER: &str = "491700000042";

/// 600 ms to decide, then release with cause 31 (not the default Continue, so a fallback
/// is told apart from a Continue decision).
fn config() -> String {
    scpd::config::DEFAULT_TOML
        .replace("deadline_ms = 1000", "deadline_ms = 600")
        .replace("fallback = \"continue\"", "fallback = \"release\"")
}

async fn enrol(d: &Scpd) {
    let mut c = SubscribersClient::connect(d.grpc_url()).await.unwrap();
    c.add(Subscriber {
        number: DECIDER.into(),
        policy: Policy::Decide as i32,
        ..Default::default()
    })
    .await
    .unwrap();
}

/// A decision client: answers each query after `delay` with `action`, counting them;
/// `None` never answers (holds the queries).
struct Decider {
    answered: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Decider {
    async fn connect(d: &Scpd, delay: Duration, action: Option<Action>) -> Decider {
        let mut c = DecisionsClient::connect(d.grpc_url()).await.unwrap();
        let (tx, rx) = mpsc::channel::<DecisionAnswer>(16);
        let mut queries = c
            .session(ReceiverStream::new(rx))
            .await
            .unwrap()
            .into_inner();
        let answered = Arc::new(AtomicUsize::new(0));
        let n = answered.clone();
        let task = tokio::spawn(async move {
            while let Ok(Some(q)) = queries.message().await {
                let q: DecisionQuery = q;
                assert_eq!(
                    q.event
                        .as_ref()
                        .unwrap()
                        .calling_party
                        .as_ref()
                        .unwrap()
                        .digits,
                    DECIDER
                );
                n.fetch_add(1, Ordering::SeqCst);
                if let Some(a) = action.clone() {
                    tokio::time::sleep(delay).await;
                    let _ = tx
                        .send(DecisionAnswer {
                            query_id: q.query_id,
                            action: Some(a),
                        })
                        .await;
                }
            }
        });
        // Let the session register with the broker.
        tokio::time::sleep(Duration::from_millis(200)).await;
        Decider { answered, task }
    }

    fn queries(&self) -> usize {
        self.answered.load(Ordering::SeqCst)
    }

    fn hang_up(self) {
        self.task.abort();
    }
}

fn sim(d: &Scpd, calls: u32) -> serde_json::Value {
    d.sim(&[
        "--calling",
        DECIDER,
        "--calls",
        &calls.to_string(),
        "--hold-ms",
        "10",
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decision_clients_fast_slow_gone_and_sharing() {
    let d = Scpd::start("decide", Some(&config()));
    enrol(&d).await;

    // No client at all: the fallback (release) answers at once.
    let r = tokio::task::block_in_place(|| sim(&d, 2));
    assert_eq!(
        (r["released"].as_u64(), r["errors"].as_u64()),
        (Some(2), Some(0))
    );

    // A fast client: its Connect is what the MSC gets.
    let fast = Decider::connect(
        &d,
        Duration::from_millis(5),
        Some(Action::ConnectTo("4930555000".into())),
    )
    .await;
    let r = tokio::task::block_in_place(|| sim(&d, 3));
    assert_eq!(
        (r["connected"].as_u64(), r["errors"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(fast.queries(), 3);
    fast.hang_up();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A slow client (answers after 2 s): the fallback reaches the MSC within the deadline.
    let slow = Decider::connect(&d, Duration::from_secs(2), Some(Action::ReleaseCause(17))).await;
    let t0 = Instant::now();
    let r = tokio::task::block_in_place(|| sim(&d, 1));
    let took = t0.elapsed();
    assert_eq!(r["released"].as_u64(), Some(1));
    assert!(took < Duration::from_millis(1900), "fallback took {took:?}");
    assert_eq!(slow.queries(), 1);
    slow.hang_up();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A client that takes the query and goes away: the other client gets it.
    let silent = Decider::connect(&d, Duration::ZERO, None).await;
    let other = Decider::connect(
        &d,
        Duration::from_millis(5),
        Some(Action::ConnectTo("4930555001".into())),
    )
    .await;
    let gone = tokio::spawn(async move {
        while silent.queries() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        silent.hang_up();
    });
    let r = tokio::task::block_in_place(|| sim(&d, 2));
    gone.await.unwrap();
    // Whichever client the broker offered first, every call was decided by `other`
    // (re-offered when `silent` left) or by the deadline's fallback, never lost.
    let connected = r["connected"].as_u64().unwrap();
    let released = r["released"].as_u64().unwrap();
    assert_eq!(connected + released, 2, "{r}");
    assert!(other.queries() >= 1, "the query was re-offered");
    assert_eq!(r["errors"].as_u64(), Some(0));

    // Two clients share the load (round robin).
    let second = Decider::connect(
        &d,
        Duration::from_millis(5),
        Some(Action::ConnectTo("4930555002".into())),
    )
    .await;
    let (a0, b0) = (other.queries(), second.queries());
    let r = tokio::task::block_in_place(|| sim(&d, 6));
    assert_eq!(r["connected"].as_u64(), Some(6), "{r}");
    let (a, b) = (other.queries() - a0, second.queries() - b0);
    assert_eq!(a + b, 6);
    assert!(a >= 2 && b >= 2, "shared: {a} and {b}");
    other.hang_up();
    second.hang_up();
    d.stop();
}
