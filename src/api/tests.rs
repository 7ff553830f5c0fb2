//! The gRPC adapter's request checks and streams, against a real store.

use super::decisions::check_answer;
use super::*;
use crate::proto::call_events_server::CallEvents;
use crate::proto::decision_answer::Action;
use crate::proto::decisions_client::DecisionsClient;
use crate::proto::routing_numbers_server::RoutingNumbers;
use crate::proto::subscribers_server::Subscribers;
use crate::proto::Terminal;
use crate::proto::*;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;
use tonic::Request;

fn api(name: &str) -> (Api, tokio::sync::watch::Sender<bool>) {
    let path = std::env::temp_dir().join(format!("scpd-api-{}-{name}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let (writer, _h) = store::Writer::start(&path).unwrap();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let api = Api {
        writer,
        subscribers: Default::default(),
        routing: Arc::new(std::sync::Mutex::new(
            crate::service::routing::Allocator::new(&[]).unwrap(),
        )),
        decisions: Broker::new(Duration::from_secs(5)),
        stop,
        streams: Default::default(),
        auth: Default::default(),
        hlr: Default::default(),
    };
    (api, stop_tx)
}

async fn subscribe_code(api: &Api, from: u64) -> Code {
    match api
        .subscribe(Request::new(SubscribeRequest {
            from_sequence: from,
            ..Default::default()
        }))
        .await
    {
        Ok(_) => Code::Ok,
        Err(s) => s.code(),
    }
}

/// Filters naming no kind, protocol or number an event can have: INVALID_ARGUMENT naming
/// the field, before any stream opens.
#[tokio::test(flavor = "multi_thread")]
async fn subscribe_refuses_filters_no_event_can_match() {
    let (api, _stop) = api("filters");
    let code = |r: SubscribeRequest| async {
        match api.subscribe(Request::new(r)).await {
            Ok(_) => (Code::Ok, String::new()),
            Err(s) => (s.code(), s.message().to_string()),
        }
    };
    for (r, field) in [
        (
            SubscribeRequest {
                kinds: vec![0],
                ..Default::default()
            },
            "kinds",
        ),
        (
            SubscribeRequest {
                kinds: vec![EventKind::Answered as i32, 99],
                ..Default::default()
            },
            "kinds",
        ),
        (
            SubscribeRequest {
                protocols: vec![7],
                ..Default::default()
            },
            "protocols",
        ),
        (
            SubscribeRequest {
                subscribers: vec![String::new()],
                ..Default::default()
            },
            "subscribers",
        ),
    ] {
        let (c, m) = code(r).await;
        assert_eq!(c, Code::InvalidArgument, "{field}");
        assert!(m.starts_with(field), "{m}");
    }
    let ok = SubscribeRequest {
        kinds: vec![EventKind::Trigger as i32],
        protocols: vec![Protocol::Inap as i32],
        subscribers: vec!["491700000001".into()],
        ..Default::default()
    };
    assert_eq!(code(ok).await.0, Code::Ok);
}

/// A durable consumer: acks move its position forward only, a Subscribe naming it starts
/// after the position (what was sent but not acknowledged comes again), and bad names or
/// sequences past the journal are refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_durable_consumer_resumes_after_what_it_acknowledged() {
    let (api, _stop) = api("consumer");
    for i in 0..5 {
        api.writer.append(crate::service::Event::bare(i)).unwrap();
    }
    api.writer.flush().await;
    let ack = |consumer: &str, sequence| {
        api.ack(Request::new(AckRequest {
            consumer: consumer.into(),
            sequence,
        }))
    };
    let api = &api;
    let first = |consumer: &str| {
        let r = SubscribeRequest {
            consumer: consumer.into(),
            ..Default::default()
        };
        async move {
            let mut s = api.subscribe(Request::new(r)).await.unwrap().into_inner();
            futures_util::StreamExt::next(&mut s)
                .await
                .unwrap()
                .unwrap()
                .sequence
        }
    };
    // A new name starts at the oldest event.
    assert_eq!(first("dss").await, 1);
    assert_eq!(ack("dss", 2).await.unwrap().into_inner().acked, 2);
    assert_eq!(first("dss").await, 3);
    // Older acks do not move it back.
    assert_eq!(ack("dss", 1).await.unwrap().into_inner().acked, 2);
    assert_eq!(first("dss").await, 3);
    assert_eq!(first("other").await, 1);
    assert_eq!(
        ack("dss", 6).await.unwrap_err().code(),
        Code::OutOfRange,
        "past the newest event"
    );
    for bad in ["", "a\nb"] {
        assert_eq!(ack(bad, 1).await.unwrap_err().code(), Code::InvalidArgument);
    }
    let long = "x".repeat(129);
    assert_eq!(
        ack(&long, 1).await.unwrap_err().code(),
        Code::InvalidArgument
    );
}

/// Resume points past the journal's newest sequence, or before what retention kept,
/// would silently skip events: OUT_OF_RANGE. The newest sequence counts even after
/// retention deleted every row.
#[tokio::test(flavor = "multi_thread")]
async fn subscribe_refuses_resume_points_the_journal_cannot_continue_from() {
    let (api, _stop) = api("from");
    assert_eq!(subscribe_code(&api, 0).await, Code::Ok);
    assert_eq!(subscribe_code(&api, 1).await, Code::OutOfRange);
    for i in 0..5 {
        api.writer.append(crate::service::Event::bare(i)).unwrap();
    }
    api.writer.flush().await;
    assert_eq!(subscribe_code(&api, 5).await, Code::Ok);
    assert_eq!(subscribe_code(&api, 6).await, Code::OutOfRange);
    // Retention deletes 1..=3: resuming after 3 (or from 0) is whole, after 2 is not.
    let c = store::open(api.writer.path()).unwrap();
    c.execute("DELETE FROM event WHERE sequence <= 3", [])
        .unwrap();
    assert_eq!(subscribe_code(&api, 2).await, Code::OutOfRange);
    assert_eq!(subscribe_code(&api, 3).await, Code::Ok);
    assert_eq!(subscribe_code(&api, 0).await, Code::Ok);
    c.execute("DELETE FROM event", []).unwrap();
    assert_eq!(subscribe_code(&api, 5).await, Code::Ok);
    assert_eq!(subscribe_code(&api, 4).await, Code::OutOfRange);
    assert_eq!(subscribe_code(&api, 6).await, Code::OutOfRange);
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriber_and_routing_requests_name_the_bad_field() {
    let (api, _stop) = api("fields");
    let bad = |s: Subscriber| async {
        let e = api.add(Request::new(s)).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
        e.message().to_string()
    };
    let ok = Subscriber {
        number: "491700000001".into(),
        ..Default::default()
    };
    assert!(bad(Subscriber {
        number: "+4917".into(),
        ..ok.clone()
    })
    .await
    .starts_with("number"));
    assert!(bad(Subscriber {
        user: "a\nb".into(),
        ..ok.clone()
    })
    .await
    .starts_with("user"));
    assert!(bad(Subscriber {
        policy: 99,
        ..ok.clone()
    })
    .await
    .starts_with("policy"));
    let t = |id: &str| Terminal {
        id: id.into(),
        label: String::new(),
    };
    assert!(bad(Subscriber {
        terminals: vec![t("a"), t("a")],
        ..ok.clone()
    })
    .await
    .starts_with("terminals[1].id"));
    // Unspecified policy is PASS; Create of an enrolled number is ALREADY_EXISTS.
    let s = api
        .add(Request::new(ok.clone()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(s.policy(), Policy::Pass);
    let e = Subscribers::create(&api, Request::new(ok))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::AlreadyExists);
    let e = Subscribers::get(
        &api,
        Request::new(GetSubscriberRequest {
            number: "4930".into(),
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);

    let alloc = |target: &str, ttl, call_id: &str| AllocateRoutingNumberRequest {
        target: target.into(),
        ttl_seconds: ttl,
        call_id: call_id.into(),
        pool: String::new(),
        ..Default::default()
    };
    for (req, field) in [
        (alloc("", 60, ""), "target"),
        (alloc("49x", 60, ""), "target"),
        (alloc("4930", 0, ""), "ttl_seconds"),
        (alloc("4930", MAX_TTL_SECONDS + 1, ""), "ttl_seconds"),
        (alloc("4930", 60, "a\u{7}"), "call_id"),
    ] {
        let e = api.allocate(Request::new(req)).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().starts_with(field), "{field}: {e:?}");
    }
    // No TRN pool configured: the request is fine, the state refuses it.
    let e = api
        .allocate(Request::new(alloc("4930", 60, "")))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    let e = RoutingNumbers::list(
        &api,
        Request::new(ListRoutingNumbersRequest {
            pool: "p".repeat(65),
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    let e = RoutingNumbers::list(
        &api,
        Request::new(ListRoutingNumbersRequest { pool: "x".into() }),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
}

#[test]
fn decision_answers_are_checked_field_by_field() {
    let a = |query_id, action| DecisionAnswer { query_id, action };
    let field = |d: DecisionAnswer| check_answer(&d).unwrap_err().message().to_string();
    assert!(check_answer(&a(1, Some(Action::ContinueCall(Default::default())))).is_ok());
    assert!(check_answer(&a(1, Some(Action::ConnectTo("4930123".into())))).is_ok());
    assert!(check_answer(&a(1, Some(Action::ReleaseCause(31)))).is_ok());
    assert!(check_answer(&a(1, Some(Action::RoutingNumber("999100001".into())))).is_ok());
    assert!(field(a(0, Some(Action::ReleaseCause(31)))).starts_with("query_id"));
    assert!(field(a(1, None)).starts_with("action"));
    assert!(field(a(1, Some(Action::ConnectTo(String::new())))).starts_with("connect_to"));
    assert!(field(a(1, Some(Action::ConnectTo("49 30".into())))).starts_with("connect_to"));
    assert!(field(a(1, Some(Action::ReleaseCause(0)))).starts_with("release_cause"));
    assert!(field(a(1, Some(Action::ReleaseCause(128)))).starts_with("release_cause"));
    assert!(field(a(1, Some(Action::RoutingNumber("+1".into())))).starts_with("routing_number"));
}

/// The server needs a `Node` service; these tests do not ask it.
struct NoStatus;

impl StatusSource for NoStatus {
    fn status(
        &self,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = crate::proto::StatusResponse> + Send + '_>,
    > {
        Box::pin(async { crate::proto::StatusResponse::default() })
    }
}

/// Over a real gRPC connection: a client that sends a malformed answer gets
/// INVALID_ARGUMENT on its stream, and its query is answered by the other client.
#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_decision_answer_ends_that_session_and_the_query_moves_on() {
    let (api, stop_tx) = api("decide");
    let broker = api.decisions.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut stop = stop_tx.subscribe();
    let server = tokio::spawn(serve(
        api,
        NodeService(std::sync::Arc::new(NoStatus)),
        tonic::transport::Server::builder(),
        listener,
        async move {
            let _ = stop.changed().await;
        },
    ));
    let session = |url: String| async move {
        let (tx, rx) = mpsc::channel::<DecisionAnswer>(4);
        let mut c = DecisionsClient::connect(url).await.unwrap();
        let queries = c
            .session(ReceiverStream::new(rx))
            .await
            .unwrap()
            .into_inner();
        (tx, queries)
    };
    let (bad_tx, mut bad_rx) = session(url.clone()).await;
    while broker.clients() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let asked = tokio::spawn({
        let broker = broker.clone();
        async move { broker.ask(&crate::service::Event::bare(1), 0).await }
    });
    let q = bad_rx.message().await.unwrap().unwrap();
    let (good_tx, mut good_rx) = session(url).await;
    while broker.clients() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bad_tx
        .send(DecisionAnswer {
            query_id: q.query_id,
            action: Some(Action::ReleaseCause(300)),
        })
        .await
        .unwrap();
    let e = bad_rx.message().await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().starts_with("release_cause 300"), "{e:?}");
    let moved = good_rx.message().await.unwrap().unwrap();
    assert_eq!(moved.query_id, q.query_id);
    good_tx
        .send(DecisionAnswer {
            query_id: moved.query_id,
            action: Some(Action::ReleaseCause(17)),
        })
        .await
        .unwrap();
    let answer = asked.await.unwrap().expect("answered by the good client");
    assert_eq!(answer, crate::service::Answer::Release(17));
    let _ = stop_tx.send(true);
    drop((bad_tx, good_tx, good_rx));
    let _ = server.await;
}

/// Where a phone is, and calls to it, are its tenant's business: a tenant asks the HLR
/// about its own subscribers only, a reader not at all, an operator about any number. With
/// no `[hlr]`, an allowed question is FAILED_PRECONDITION, never an answer.
#[tokio::test]
async fn a_tenant_asks_the_hlr_about_its_own_subscribers_only() {
    use crate::config::Role;
    let (api, _stop) = api("hlr-tenants");
    api.subscribers.write().unwrap().insert(
        "491700000001".into(),
        Arc::new(crate::service::Subscriber {
            number: "491700000001".into(),
            tenant: "acme".into(),
            ..Default::default()
        }),
    );
    let caller = |name: &str, role| Caller {
        name: name.into(),
        role,
    };
    let acme = caller("acme", Role::Tenant);
    let rpc = "Subscribers.Locate";
    assert!(api.may_ask_hlr(&acme, rpc, "491700000001").is_ok());
    let e = api.may_ask_hlr(&acme, rpc, "491700000002").unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    let other = caller("other", Role::Tenant);
    let e = api.may_ask_hlr(&other, rpc, "491700000001").unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    let reader = caller("acme", Role::Reader);
    assert!(api.may_ask_hlr(&reader, rpc, "491700000001").is_err());
    assert!(api
        .may_ask_hlr(&Caller::operator(), rpc, "491700000002")
        .is_ok());

    let e = api
        .locate(Request::new(crate::proto::LocateRequest {
            number: "491700000002".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e}");
    assert!(e.message().contains("[hlr]"), "{e}");
}
