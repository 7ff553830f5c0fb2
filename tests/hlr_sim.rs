//! `scpd sim --role hlr` against the real daemon on its embedded default configuration
//! (`[hlr]` towards point code 300, the simulated HLR's): what the README's transfer-leg
//! section shows, as a data-session server does it over gRPC.

mod common;
use common::Scpd;
use scpd::proto::{
    node_client::NodeClient, routing_numbers_client::RoutingNumbersClient,
    subscribers_client::SubscribersClient, AllocateRoutingNumberRequest, GetRoutingNumberRequest,
    LocateRequest, RoutingNumberSource, StatusRequest, SubscriberState,
};
use std::io::BufRead;
use std::process::{Command, Stdio};
use tonic::Code;

fn msrn_of(target: &str) -> AllocateRoutingNumberRequest {
    AllocateRoutingNumberRequest {
        target: target.into(),
        source: RoutingNumberSource::Hlr as i32,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_simulated_hlr_hands_out_msrns_and_locations() {
    let d = Scpd::start("hlr-sim", None);
    let hlr = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["sim", "--role", "hlr", "--to", &format!("tcp://{}", d.m3ua)])
        .args(["--calls", "4", "--verbose", "--quiet"])
        .args(["--unknown", "491700000002", "--absent", "491700000003"])
        .args(["--geo", "52.52,13.405"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut numbers = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let mut subs = SubscribersClient::connect(d.grpc_url()).await.unwrap();
    // The HLR is reachable once its ASP is active; its SSA then tells scpd where it is.
    d.wait_active().await;
    let first = numbers
        .allocate(msrn_of("491700000001"))
        .await
        .map(|n| n.into_inner())
        .map_err(|e| format!("{e}\n{}", d.log()));
    let n = first.unwrap_or_else(|e| panic!("no MSRN from the simulated HLR: {e}"));
    assert_eq!(n.number, "491739990000", "the first of --msrn's range");
    assert_eq!(
        n.imsi, "262011700000001",
        "MCC+MNC of --imsi, the MSISDN's last 10 digits"
    );
    assert_eq!(n.map_version, 3);
    // The MSRN is the network's: scpd neither holds nor resolves it.
    let e = numbers
        .get(GetRoutingNumberRequest {
            number: n.number.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);

    let e = numbers.allocate(msrn_of("491700000002")).await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound, "{e}");
    assert!(e.message().contains("unknownSubscriber"), "{e}");
    let e = numbers.allocate(msrn_of("491700000003")).await.unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e}");
    assert!(e.message().contains("absentSubscriber"), "{e}");

    let l = subs
        .locate(LocateRequest {
            number: "491700000001".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(l.state(), SubscriberState::AssumedIdle);
    let c = l.location.expect("location");
    assert_eq!((c.mcc.as_str(), c.lac, c.cell_id), ("262", 4660, 22136));
    let g = l.geographical.expect("--geo");
    assert!((g.latitude - 52.52).abs() < 1e-4 && (g.longitude - 13.405).abs() < 1e-4);

    // Four requests answered (--calls 4): the sim stops and reports them, each also on a
    // line of its own.
    let out = tokio::task::spawn_blocking(move || hlr.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let report = lines.last().unwrap();
    assert_eq!(report["role"], "hlr");
    assert_eq!(
        (report["sri"].as_u64(), report["ati"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(report["errors"]["unknownSubscriber"], 1);
    assert_eq!(report["errors"]["absentSubscriber"], 1);
    assert_eq!(report["malformed"], 0);
    let answers: Vec<_> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l["answer"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        answers,
        ["msrn", "unknownSubscriber", "absentSubscriber", "location"]
    );
    d.stop();
}

/// The journal's newest sequence: what the daemon has published so far.
async fn journal(d: &Scpd) -> u64 {
    let mut node = NodeClient::connect(d.grpc_url()).await.unwrap();
    node.status(StatusRequest {})
        .await
        .unwrap()
        .into_inner()
        .journal_sequence
}

/// Issue 17 end to end: a data-session server asks for an MSRN for a subscriber's phone,
/// and the transfer leg to it reaches the simulated MSC without a query to scpd — where a
/// leg to a pool number must trigger scpd to be connected.
#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_leg_by_msrn_reaches_the_msc_without_querying_scpd() {
    let d = Scpd::start("hlr-leg", None);
    let hlr = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["sim", "--role", "hlr", "--to", &format!("tcp://{}", d.m3ua)])
        .args(["--calls", "1", "--verbose", "--quiet"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    d.wait_active().await;
    let mut numbers = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();

    // A pool number first: its leg meets scpd, which connects it to the phone.
    let trn = numbers
        .allocate(AllocateRoutingNumberRequest {
            target: "491700000001".into(),
            ttl_seconds: 60,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let before = journal(&d).await;
    let r = d.sim(&["--calling", "4930999", "--called", &trn.number]);
    assert_eq!(
        (r["connected"].as_u64(), r["roaming_legs"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let after_trn = journal(&d).await;
    assert_eq!(after_trn, before + 2, "TRIGGER and TRANSFER_LEG");

    // An MSRN from the phone's HLR: the leg goes to the MSC serving the phone, which
    // delivers it; scpd is not asked and publishes nothing.
    let msrn = numbers
        .allocate(msrn_of("491700000001"))
        .await
        .unwrap()
        .into_inner();
    let r = d.sim(&[
        "--terminating",
        "--calling",
        "4930999",
        "--called",
        &msrn.number,
    ]);
    assert_eq!(
        (
            r["roaming_legs"].as_u64(),
            r["completed"].as_u64(),
            r["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );
    assert_eq!(journal(&d).await, after_trn, "no query, no event");

    // The HLR handed that MSRN out for the phone's IMSI.
    let out = tokio::task::spawn_blocking(move || hlr.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let first: serde_json::Value =
        serde_json::from_str(out.stdout.lines().next().unwrap().unwrap().as_str()).unwrap();
    assert_eq!(
        (first["msisdn"].as_str(), first["msrn"].as_str()),
        (Some("491700000001"), Some(msrn.number.as_str()))
    );
    assert_eq!(first["imsi"].as_str(), Some(msrn.imsi.as_str()));
    d.stop();
}
