//! `scpd sim --role hlr` against the real daemon on its embedded default configuration
//! (`[hlr]` towards point code 300, the simulated HLR's): what the README's transfer-leg
//! section shows, as a data-session server does it over gRPC.

mod common;
use common::Scpd;
use scpd::proto::{
    routing_numbers_client::RoutingNumbersClient, subscribers_client::SubscribersClient,
    AllocateRoutingNumberRequest, GetRoutingNumberRequest, LocateRequest, RoutingNumberSource,
    SubscriberState,
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
