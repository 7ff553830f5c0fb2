//! Routing numbers and subscribers end to end: the real `scpd` binary (embedded default
//! config: TRN pool 999100000-999100999, anchor pool 999200000-999200999), gRPC clients,
//! calls played by `scpd sim` over M3UA.

mod common;
use common::Scpd;
use scpd::proto::{
    call_events_client::CallEventsClient, routing_numbers_client::RoutingNumbersClient,
    subscribers_client::SubscribersClient, AllocateRoutingNumberRequest, CallEvent, EventKind,
    GetRoutingNumberRequest, GetSubscriberRequest, ListRoutingNumbersRequest, Policy,
    ReleaseRoutingNumberRequest, SubscribeRequest, Subscriber, Terminal,
};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use tonic::Code;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

/// The daemon on `db`, with the embedded default configuration.
fn daemon(db: &Path) -> Scpd {
    Scpd::start_on(db, None)
}

/// `scpd sim` holding each call 50 ms.
fn sim(d: &Scpd, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--hold-ms", "50"];
    args.extend_from_slice(extra);
    d.sim(&args)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scpd-svc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn alloc(target: &str, ttl: u32, call_id: &str) -> AllocateRoutingNumberRequest {
    AllocateRoutingNumberRequest {
        target: target.into(),
        ttl_seconds: ttl,
        call_id: call_id.into(),
        pool: String::new(),
        ..Default::default()
    }
}

async fn events(grpc: &str, from: u64, n: usize) -> Vec<CallEvent> {
    let mut c = CallEventsClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let mut s = c
        .subscribe(SubscribeRequest {
            from_sequence: from,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut v = Vec::new();
    while v.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), s.message()).await {
            Ok(Ok(Some(ev))) => v.push(ev),
            other => panic!("after {} events: {other:?}", v.len()),
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn thousand_concurrent_allocations_are_unique_exhaust_the_pool_and_survive_restart() {
    let dir = tmpdir("alloc");
    let db = dir.join("scpd.db");
    let d = daemon(&db);
    let client = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let mut c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.allocate(alloc(&format!("4930{i:06}"), 600, &format!("call-{i}")))
                .await
                .map(|r| r.into_inner())
        }));
    }
    let mut numbers = HashSet::new();
    let mut by_number = std::collections::HashMap::new();
    for t in tasks {
        let n = t.await.unwrap().expect("allocation");
        assert!(
            n.number.starts_with("999100") && n.number.len() == 9,
            "{n:?}"
        );
        assert!(n.expires_at_ms > n.allocated_at_ms);
        by_number.insert(n.number.clone(), n.target.clone());
        assert!(numbers.insert(n.number), "a number was issued twice");
    }
    assert_eq!(numbers.len(), 1000);
    let mut c = client.clone();
    let e = c.allocate(alloc("4930", 60, "")).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");

    // Bad input is refused with the field named.
    for (req, code) in [
        (alloc("", 60, ""), Code::InvalidArgument),
        (alloc("+4930", 60, ""), Code::InvalidArgument),
        (alloc("4930", 0, ""), Code::InvalidArgument),
        (alloc("4930", 86_401, ""), Code::InvalidArgument),
        (
            AllocateRoutingNumberRequest {
                pool: "nope".into(),
                ..alloc("4930", 60, "")
            },
            Code::NotFound,
        ),
    ] {
        let r = c.allocate(req.clone()).await;
        assert_eq!(r.unwrap_err().code(), code, "{req:?}");
    }
    let e = c
        .release(ReleaseRoutingNumberRequest {
            number: "123".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);

    // Freed numbers come back.
    let some = numbers.iter().next().unwrap().clone();
    c.release(ReleaseRoutingNumberRequest {
        number: some.clone(),
    })
    .await
    .unwrap();
    let again = c
        .allocate(alloc("4999", 600, ""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.number, some);
    by_number.insert(some.clone(), "4999".into());

    // A restart (even a kill) neither forgets nor reissues a live number.
    drop(d);
    let d = daemon(&db);
    let mut c = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let live = c
        .list(ListRoutingNumbersRequest { pool: "trn".into() })
        .await
        .unwrap()
        .into_inner()
        .numbers;
    assert_eq!(live.len(), 1000);
    for n in &live {
        assert_eq!(by_number[&n.number], n.target);
    }
    let e = c.allocate(alloc("4930", 60, "")).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted);
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_leg_over_camel_routes_to_the_target_once() {
    let dir = tmpdir("leg");
    let d = daemon(&dir.join("scpd.db"));
    let mut c = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let trn = c
        .allocate(alloc("4930555123", 60, "dss-call-7"))
        .await
        .unwrap()
        .into_inner();
    let r = sim(&d, &["--calling", "4917000111", "--called", &trn.number]);
    assert_eq!(r["connected"].as_u64(), Some(1), "{r}");
    let evs = events(&d.grpc, 0, 2).await;
    assert_eq!(evs[0].kind(), EventKind::Trigger);
    assert_eq!(evs[0].instruction, "connect");
    let leg = &evs[1];
    assert_eq!(leg.kind(), EventKind::TransferLeg);
    assert_eq!(leg.call_id, evs[0].call_id);
    assert_eq!(leg.linked_call_id, "dss-call-7");
    assert_eq!(leg.routing_number, trn.number);
    assert_eq!(leg.destination.as_ref().unwrap().digits, "4930555123");
    assert_eq!(leg.called_party.as_ref().unwrap().digits, trn.number);
    // Consumed: gone from the table, and the next call to it continues normally.
    let e = c
        .get(GetRoutingNumberRequest {
            number: trn.number.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    let r = sim(&d, &["--calling", "4917000111", "--called", &trn.number]);
    assert_eq!(r["continued"].as_u64(), Some(1), "{r}");
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_numbers_stop_resolving_and_are_swept() {
    let dir = tmpdir("expiry");
    let d = daemon(&dir.join("scpd.db"));
    let mut c = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let trn = c.allocate(alloc("4930", 1, "")).await.unwrap().into_inner();
    assert!(c
        .get(GetRoutingNumberRequest {
            number: trn.number.clone()
        })
        .await
        .is_ok());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let e = c
        .get(GetRoutingNumberRequest {
            number: trn.number.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    let list = c
        .list(ListRoutingNumbersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(list.numbers.is_empty());
    let r = sim(&d, &["--called", &trn.number]);
    assert_eq!(r["continued"].as_u64(), Some(1), "{r}");
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribers_validate_and_keep_terminals_and_the_anchor_policy_routes_via_an_anchor() {
    let dir = tmpdir("subs");
    let d = daemon(&dir.join("scpd.db"));
    let mut s = SubscribersClient::connect(d.grpc_url()).await.unwrap();
    let alice = Subscriber {
        number: "491700000001".into(),
        user: "alice".into(),
        policy: Policy::Anchor as i32,
        terminals: vec![
            Terminal {
                id: "sip:alice@tablet".into(),
                label: "tablet".into(),
            },
            Terminal {
                id: "+491700000001".into(),
                label: "mobile".into(),
            },
        ],
        tenant: String::new(),
    };
    s.create(alice.clone()).await.unwrap();
    assert_eq!(
        s.create(alice.clone()).await.unwrap_err().code(),
        Code::AlreadyExists
    );
    let bad = |f: fn(&mut Subscriber)| {
        let mut b = alice.clone();
        f(&mut b);
        b
    };
    for b in [
        bad(|b| b.number = "+4917".into()),
        bad(|b| b.number = String::new()),
        bad(|b| b.policy = 99),
        bad(|b| b.terminals[1].id = "sip:alice@tablet".into()),
        bad(|b| b.terminals[0].id = String::new()),
    ] {
        assert_eq!(
            s.add(b.clone()).await.unwrap_err().code(),
            Code::InvalidArgument,
            "{b:?}"
        );
    }
    let got = s
        .get(GetSubscriberRequest {
            number: alice.number.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, alice);
    assert_eq!(
        s.get(GetSubscriberRequest {
            number: "4912".into()
        })
        .await
        .unwrap_err()
        .code(),
        Code::NotFound
    );
    // The CLI speaks the same fields.
    let out = Command::new(BIN)
        .args(["subscriber", "add", "--grpc", &d.grpc, "491700000002"])
        .args([
            "--policy",
            "decide",
            "--user",
            "bob",
            "--terminal",
            "t1=laptop",
            "--new",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["policy"], "decide");
    assert_eq!(v["terminals"][0]["label"], "laptop");
    let out = Command::new(BIN)
        .args([
            "subscriber",
            "add",
            "--grpc",
            &d.grpc,
            "491700000002",
            "--new",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Alice's call goes via an anchor number, which then resolves to whom she called.
    let r = sim(&d, &["--calling", "491700000001", "--called", "4930111222"]);
    assert_eq!(r["connected"].as_u64(), Some(1), "{r}");
    let evs = events(&d.grpc, 0, 1).await;
    let anchor = evs[0].routing_number.clone();
    assert!(anchor.starts_with("999200"), "{:?}", evs[0]);
    assert_eq!(evs[0].user, "alice");
    assert_eq!(evs[0].terminals, alice.terminals);
    assert_eq!(evs[0].destination.as_ref().unwrap().digits, anchor);
    let r = sim(&d, &["--calling", "4930999", "--called", &anchor]);
    assert_eq!(r["connected"].as_u64(), Some(1), "{r}");
    let evs = events(&d.grpc, evs[0].sequence, 2).await;
    assert_eq!(evs[1].kind(), EventKind::TransferLeg);
    assert_eq!(evs[1].destination.as_ref().unwrap().digits, "4930111222");
    // Without a decision client, the decide subscriber gets the fallback (continue).
    let r = sim(&d, &["--calling", "491700000002"]);
    assert_eq!(r["continued"].as_u64(), Some(1), "{r}");
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
