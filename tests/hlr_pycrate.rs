//! Issue 17 acceptance: scpd as a MAP client (gsmSCF) of an independent HLR built on pycrate
//! (tests/interop/pycrate_hlr.py: every layer it reads and writes is pycrate's), over M3UA
//! with scpd as the ASP client. Through gRPC: `RoutingNumbers.Allocate` with source HLR
//! returns the MSRN (v3, and v2 from an HLR whose AARE refuses v3); `Subscribers.Locate`
//! returns location and state; unknownSubscriber and absentSubscriber come back as the
//! named errors; an HLR that never answers gives DEADLINE_EXCEEDED in time. The HLR checks
//! what scpd sent (argument members, SCCP addresses, M3UA label) and reports each request,
//! which this test checks in turn; any problem it saw fails the test.
//!
//! Needs python3; pycrate is installed under the build tree if python3 lacks it. If that is
//! impossible (no pip, offline): fails when `CI` is set, else says it skipped.

mod common;
use common::Scpd;
use scpd::proto::{
    routing_numbers_client::RoutingNumbersClient, subscribers_client::SubscribersClient,
    AllocateRoutingNumberRequest, LocateRequest, RoutingNumberSource, SubscriberState,
};
use serde_json::{json, Value};
use std::io::BufRead;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tonic::Code;

const OURS: &str = "491720009999";
const MSRN_V3: &str = "491739990001";
const MSRN_V2: &str = "491739990005";

fn subscribers() -> Value {
    json!({
        "491700000001": {
            "imsi": "262011234567890", "msrn": MSRN_V3, "vmsc": "491720000001",
            "location": {"mcc": "262", "mnc": "01", "lac": 4660, "cell_id": 22136, "age": 3,
                         "vlr": "491720000001", "msc": "491720000002",
                         "geo": {"lat": 52.52, "lon": 13.405, "uncertainty_code": 10}},
            "state": "assumedIdle"
        },
        "491700000002": {"error": "unknownSubscriber"},
        "491700000003": {"error": "absentSubscriber"},
        "491700000004": {"silent": true},
        "491700000005": {"imsi": "262019876543210", "msrn": MSRN_V2, "refuse_v3": true},
        "491700000006": {"error": "ati-NotAllowed"},
        "491700000007": {"location": {"mcc": "310", "mnc": "260", "lac": 7}, "state": "camelBusy"},
        "491700000008": {"state": "netDetNotReachable:imsiDetached"}
    })
}

/// The pycrate HLR, its events read on a thread of their own.
struct Hlr {
    child: std::process::Child,
    port: u16,
    events: mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Hlr {
    fn start(dir: &std::path::Path) -> Hlr {
        let subs = dir.join("subscribers.json");
        std::fs::write(&subs, subscribers().to_string()).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/pycrate_hlr.py");
        let mut child = common::python()
            .arg(script)
            .args(["--port", "0", "--pc", "300", "--subscribers"])
            .arg(&subs)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start pycrate_hlr.py");
        let (tx, events) = mpsc::channel();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                match serde_json::from_str::<Value>(&line) {
                    Ok(v) => drop(tx.send(v)),
                    Err(_) => drop(tx.send(json!({"event": "problem", "reason": line}))),
                }
            }
        });
        let first = events
            .recv_timeout(Duration::from_secs(30))
            .expect("pycrate_hlr.py says where it listens");
        let port = first["listening"].as_u64().expect("listening line") as u16;
        Hlr {
            child,
            port,
            events,
            seen: Vec::new(),
        }
    }

    /// Take the events so far; wait up to `wait` for one that `until` accepts.
    fn collect(&mut self, wait: Duration, until: impl Fn(&Value) -> bool) -> bool {
        let end = Instant::now() + wait;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(v) => {
                    let done = until(&v);
                    self.seen.push(v);
                    if done {
                        return true;
                    }
                }
                Err(_) => return false,
            }
        }
    }

    fn requests(&self, msisdn: &str) -> Vec<&Value> {
        self.seen
            .iter()
            .filter(|e| e["event"] == "request" && e["msisdn"] == msisdn)
            .collect()
    }
}

impl Drop for Hlr {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(hlr_port: u16) -> String {
    format!(
        r#"
[node]
point_code = 200
network_indicator = 2

[m3ua]
listen = []
connect = ["tcp://127.0.0.1:{hlr_port}"]

[hlr]
gt = "{OURS}"
point_code = 300
timeout_ms = 3000
msrn_lifetime_seconds = 45
suppress_mt_ss = ["cug", "ccbs"]
"#
    )
}

fn allocate(
    target: &str,
    timeout: Option<Duration>,
) -> tonic::Request<AllocateRoutingNumberRequest> {
    let mut r = tonic::Request::new(AllocateRoutingNumberRequest {
        target: target.into(),
        call_id: "call-1".into(),
        source: RoutingNumberSource::Hlr as i32,
        ..Default::default()
    });
    if let Some(t) = timeout {
        r.set_timeout(t);
    }
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn scpd_asks_a_pycrate_hlr_for_msrns_and_locations() {
    if !common::pycrate_ready() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("scpd-hlr-pycrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut hlr = Hlr::start(&dir);
    let d = Scpd::start_on(&dir.join("scpd.db"), Some(&config(hlr.port)));
    assert!(
        hlr.collect(Duration::from_secs(20), |e| e["event"] == "asp"
            && e["msg"] == "ASPAC"),
        "scpd did not activate towards the HLR: {:?}\n{}",
        hlr.seen,
        d.log()
    );
    // The ASP is active once the HLR's ASPAC ACK is read.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut numbers = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let mut subs = SubscribersClient::connect(d.grpc_url()).await.unwrap();

    // An MSRN, MAP v3.
    let before = scpd_now_ms();
    let n = numbers
        .allocate(allocate("491700000001", None))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", d.log()))
        .into_inner();
    assert_eq!(n.number, MSRN_V3);
    assert_eq!(n.target, "491700000001");
    assert_eq!(n.imsi, "262011234567890");
    assert_eq!(n.vmsc_address, "491720000001");
    assert_eq!(n.map_version, 3);
    assert_eq!(n.source(), RoutingNumberSource::Hlr);
    assert_eq!(n.call_id, "call-1");
    let lifetime = n.expires_at_ms - n.allocated_at_ms;
    assert_eq!(lifetime, 45_000, "the configured MSRN lifetime");
    assert!(
        n.allocated_at_ms >= before,
        "{} < {before}",
        n.allocated_at_ms
    );

    // An HLR that refuses v3 in its AARE is asked again in v2.
    let n = numbers
        .allocate(allocate("491700000005", None))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", d.log()))
        .into_inner();
    assert_eq!((n.number.as_str(), n.map_version), (MSRN_V2, 2));
    assert_eq!(n.imsi, "262019876543210");

    // The MAP errors, named.
    let e = numbers
        .allocate(allocate("491700000002", None))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e}");
    assert!(e.message().contains("unknownSubscriber"), "{e}");
    let e = numbers
        .allocate(allocate("491700000003", None))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e}");
    assert!(e.message().contains("absentSubscriber"), "{e}");

    // An HLR that never answers: DEADLINE_EXCEEDED by the caller's deadline, not later.
    let t0 = Instant::now();
    let e = numbers
        .allocate(allocate("491700000004", Some(Duration::from_millis(1200))))
        .await
        .unwrap_err();
    let took = t0.elapsed();
    assert_eq!(e.code(), Code::DeadlineExceeded, "{e}");
    assert!(
        e.message().contains("HLR"),
        "scpd's own answer, not the client's timer: {e}"
    );
    assert!(
        took >= Duration::from_millis(1000) && took < Duration::from_millis(1200),
        "answered after {took:?}"
    );
    // Without a deadline of the caller's: hlr.timeout_ms.
    let t0 = Instant::now();
    let e = numbers
        .allocate(allocate("491700000004", None))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::DeadlineExceeded, "{e}");
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(2900) && took < Duration::from_millis(3500),
        "answered after {took:?}"
    );

    // Location and state.
    let l = subs
        .locate(LocateRequest {
            number: "491700000001".into(),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", d.log()))
        .into_inner();
    assert_eq!(l.number, "491700000001");
    assert_eq!(l.state(), SubscriberState::AssumedIdle);
    let c = l.location.as_ref().expect("location");
    assert_eq!(
        (c.mcc.as_str(), c.mnc.as_str(), c.lac, c.cell_id),
        ("262", "01", 4660, 22136)
    );
    assert_eq!(c.vlr_number, "491720000001");
    assert_eq!(l.msc_number, "491720000002");
    assert_eq!(l.age_minutes, Some(3));
    let g = l.geographical.as_ref().expect("geographical information");
    // TS 23.032 codes are 2^-23 of 90° (latitude) and 2^-24 of 360° apart.
    assert!((g.latitude - 52.52).abs() < 1e-4, "{g:?}");
    assert!((g.longitude - 13.405).abs() < 1e-4, "{g:?}");
    // K = 10: r = 10 (1.1^10 - 1) m.
    assert!((g.uncertainty_meters - 15.937).abs() < 0.01, "{g:?}");

    // Paged for the current location when asked.
    let l = subs
        .locate(LocateRequest {
            number: "491700000001".into(),
            current_location: true,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(l.current_location_retrieved);

    let l = subs
        .locate(LocateRequest {
            number: "491700000007".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(l.state(), SubscriberState::CamelBusy);
    let c = l.location.as_ref().expect("location area");
    assert_eq!(
        (c.mcc.as_str(), c.mnc.as_str(), c.lac, c.cell_id),
        ("310", "260", 7, 0)
    );
    let l = subs
        .locate(LocateRequest {
            number: "491700000008".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(l.state(), SubscriberState::NotReachable);
    assert_eq!(l.not_reachable_reason, "imsiDetached");
    let e = subs
        .locate(LocateRequest {
            number: "491700000006".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e}");
    assert!(e.message().contains("ati-NotAllowed"), "{e}");

    // What the HLR saw scpd send.
    hlr.collect(Duration::from_millis(500), |_| false);
    let problems: Vec<_> = hlr
        .seen
        .iter()
        .filter(|e| e["event"] == "problem")
        .collect();
    assert!(problems.is_empty(), "the HLR saw problems: {problems:?}");
    let sri = hlr.requests("491700000001");
    assert_eq!(sri.len(), 3, "one SRI and two ATIs: {sri:?}");
    let (s, a) = (sri[0], sri[1]);
    assert_eq!(
        (s["op"].as_str(), s["version"].as_u64()),
        (Some("sri"), Some(3))
    );
    assert_eq!(s["ac"], "0.4.0.0.1.0.5.3");
    assert_eq!(s["arg_elements_ok"], true);
    let arg = &s["arg"];
    assert_eq!(arg["interrogationType"], "basicCall");
    // AddressStrings: 0x91 (international, E.164), then TBCD.
    assert_eq!(arg["msisdn"], "91947100000010");
    assert_eq!(arg["gmsc-OrGsmSCF-Address"], "91947102009999");
    assert!(
        arg["camelInfo"]
            .as_object()
            .is_some_and(|c| c.contains_key("suppress-T-CSI")),
        "T-CSI suppressed: {arg}"
    );
    assert_eq!(arg["camelInfo"]["supportedCamelPhases"]["value"], "f0");
    assert_eq!(
        arg["suppressMTSS"],
        json!({"length": 2, "value": "c0"}),
        "suppressCUG and suppressCCBS: {arg}"
    );
    for r in [s, a] {
        let sccp = &r["sccp"];
        assert_eq!(sccp["class"], 1, "{sccp}");
        assert_eq!(sccp["handling"], 8, "return on error: {sccp}");
        let called = &sccp["called"];
        assert_eq!(
            (
                &called["ri"],
                &called["gti"],
                &called["tt"],
                &called["np"],
                &called["nai"]
            ),
            (&json!("gt"), &json!(4), &json!(0), &json!(1), &json!(4)),
            "{called}"
        );
        assert_eq!(
            (&called["digits"], &called["ssn"]),
            (&json!("491700000001"), &json!(6))
        );
        let calling = &sccp["calling"];
        assert_eq!(
            (&calling["digits"], &calling["ssn"]),
            (&json!(OURS), &json!(147))
        );
        let m = &r["m3ua"];
        assert_eq!(
            (&m["opc"], &m["dpc"], &m["si"], &m["ni"]),
            (&json!(200), &json!(300), &json!(3), &json!(2))
        );
    }
    assert_eq!(
        (a["op"].as_str(), a["version"].as_u64()),
        (Some("ati"), Some(3))
    );
    assert_eq!(a["ac"], "0.4.0.0.1.0.29.3");
    assert_eq!(a["arg_elements_ok"], true);
    assert_eq!(a["arg"]["gsmSCF-Address"], "91947102009999");
    let asked = a["arg"]["requestedInfo"]
        .as_object()
        .expect("requestedInfo");
    assert!(
        asked.contains_key("locationInformation") && asked.contains_key("subscriberState"),
        "{asked:?}"
    );
    assert!(
        !asked.contains_key("currentLocation"),
        "the last known location only: {asked:?}"
    );
    let paged = sri[2]["arg"]["requestedInfo"]
        .as_object()
        .expect("requestedInfo");
    assert!(paged.contains_key("currentLocation"), "{paged:?}");
    let v2 = hlr.requests("491700000005");
    let versions: Vec<_> = v2.iter().map(|r| r["version"].as_u64()).collect();
    assert_eq!(versions, [Some(3), Some(2)], "v3, refused, then v2");
    assert_eq!(v2[1]["ac"], "0.4.0.0.1.0.5.2");
    assert_eq!(v2[1]["arg_elements_ok"], true, "a v2 argument: {}", v2[1]);

    // Counted.
    let metrics = reqwest_metrics(&d.metrics).await;
    for line in [
        r#"scpd_hlr_requests_total{operation="sendRoutingInfo",outcome="ok"} 2"#,
        r#"scpd_hlr_requests_total{operation="sendRoutingInfo",outcome="unknownSubscriber"} 1"#,
        r#"scpd_hlr_requests_total{operation="sendRoutingInfo",outcome="timeout"} 2"#,
        r#"scpd_hlr_requests_total{operation="anyTimeInterrogation",outcome="ati-NotAllowed"} 1"#,
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

fn scpd_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The daemon's Prometheus text.
async fn reqwest_metrics(addr: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).await.unwrap();
    body
}
