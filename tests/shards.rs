//! Dialogues spread over several shards, end to end: the real daemon with three signalling
//! stacks (`[runtime] shards = 3`, whatever the machine's cores), monitored CAMEL, AIN,
//! INAP and WIN calls over one association. Every continuation (answer and disconnect
//! reports) must reach the shard that holds its dialogue, or the sim would see P-Aborts;
//! every WIN report (a transaction of its own) must reach the shard that follows its call
//! by BillingID, or it would publish nothing; every call must publish its trigger, answer
//! and disconnect under one call id, and call ids must be unique across shards.

mod common;
use common::Scpd;
use std::collections::HashMap;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");
const CALLS: u64 = 600;

fn config() -> String {
    let text = scpd::config::DEFAULT_TOML
        .replace("shards = 0", "shards = 3")
        .replace("variant = \"itu\"", "variant = \"ansi\"");
    assert!(text.contains("shards = 3") && !text.contains("variant = \"itu\""));
    text
}

fn enrol(d: &Scpd, number: &str) {
    let out = Command::new(BIN)
        .args(["subscriber", "add", "--grpc", &d.grpc, number])
        .args(["--policy", "monitor"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn monitored_calls_complete_across_three_shards() {
    let d = Scpd::start("shards", Some(&config()));
    for i in 0..10 {
        enrol(&d, &format!("4917000000{:02}", i + 1));
        enrol(&d, &format!("20155501{:02}", i));
        enrol(&d, &format!("21255501{:02}", i));
    }
    let rep = d.sim(&[
        "--protocol",
        "mix",
        "--calls",
        &CALLS.to_string(),
        "--concurrency",
        "60",
        "--numbers",
        "10",
        "--hold-ms",
        "0",
        "--quiet",
    ]);
    assert_eq!(rep["errors"], 0, "{rep}");
    assert_eq!(rep["completed"], CALLS, "{rep}");
    assert_eq!(rep["monitored"], CALLS, "{rep}");
    // The mix plays CAMEL, AIN, INAP and WIN in turn (INAP with CAMEL's enrolled numbers).
    for protocol in ["camel", "ain", "inap", "win"] {
        assert_eq!(rep[protocol], CALLS / 4, "{rep}");
    }

    // The journal: trigger, answer and disconnect of every call, under its own call id.
    let out = Command::new(BIN)
        .args(["events", "--grpc", &d.grpc])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut calls: HashMap<String, Vec<String>> = HashMap::new();
    let mut last = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let ev: serde_json::Value = serde_json::from_str(line).unwrap();
        let seq = ev["sequence"].as_u64().unwrap();
        assert!(seq > last, "sequences increase");
        last = seq;
        calls
            .entry(ev["call_id"].as_str().unwrap().to_string())
            .or_default()
            .push(ev["kind"].as_str().unwrap().to_string());
    }
    assert_eq!(calls.len() as u64, CALLS, "one call id per call");
    for (id, kinds) in &calls {
        assert_eq!(kinds, &["TRIGGER", "ANSWERED", "DISCONNECTED"], "call {id}");
    }
    d.stop();
}
