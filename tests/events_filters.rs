//! Issue 19 (first steps) over the real daemon: `CallEvents.Subscribe` filters by event
//! kind, enrolled number and protocol at the server (CAMEL and INAP calls of two monitored
//! numbers played by `scpd sim`, read back with `scpd events` and its filter flags), and a
//! durable consumer resumes after what it acknowledged, across a daemon restart.

mod common;
mod lab_daemon;

use lab_daemon::{Daemon, BIN};
use serde_json::Value;
use std::process::Command;

const CAMEL_LINE: &str = "491700000011";
const INAP_LINE: &str = "491700000022";

/// `scpd events` with `filters`: the events, in order.
fn events(d: &Daemon, filters: &[&str]) -> Vec<Value> {
    let out = Command::new(BIN)
        .args(["events", "--grpc", &d.grpc])
        .args(filters)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{filters:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

#[test]
fn subscribe_filters_by_kind_subscriber_and_protocol() {
    let d = Daemon::start("filters", None);
    d.monitor(CAMEL_LINE);
    d.monitor(INAP_LINE);
    d.sim(&["--calling", CAMEL_LINE, "--hold-ms", "20", "--quiet"]);
    d.sim(&[
        "--protocol",
        "inap",
        "--calling",
        INAP_LINE,
        "--hold-ms",
        "20",
        "--quiet",
    ]);
    d.sim(&["--calling", "491700000099", "--quiet"]);
    let all = d.events(7);
    assert_eq!(all.len(), 7, "{all:#?}");

    // By protocol: the INAP call's trigger, answer and disconnect only.
    let inap = events(&d, &["--protocol", "inap"]);
    assert_eq!(kinds(&inap), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    assert!(inap.iter().all(|e| e["protocol"] == "INAP"), "{inap:#?}");
    // By enrolled number and kind, several of each: both lines' answers.
    let answers = events(
        &d,
        &[
            "--kind",
            "answered",
            "--subscriber",
            CAMEL_LINE,
            "--subscriber",
            INAP_LINE,
        ],
    );
    assert_eq!(kinds(&answers), ["ANSWERED", "ANSWERED"]);
    let mut lines: Vec<&str> = answers
        .iter()
        .map(|e| e["subscriber"].as_str().unwrap())
        .collect();
    lines.sort();
    assert_eq!(lines, [CAMEL_LINE, INAP_LINE]);
    // Every filter at once: the CAMEL line's triggers over CAMEL.
    let one = events(
        &d,
        &[
            "--kind",
            "trigger",
            "--subscriber",
            CAMEL_LINE,
            "--protocol",
            "camel",
        ],
    );
    assert_eq!(kinds(&one), ["TRIGGER"]);
    assert_eq!(one[0]["calling_party"]["digits"], CAMEL_LINE);
    // The sequences are the journal's, so a filtered reader resumes like any other.
    let after = one[0]["sequence"].as_u64().unwrap();
    let from = after.to_string();
    let rest = events(&d, &["--from", &from, "--kind", "trigger"]);
    assert_eq!(kinds(&rest), ["TRIGGER", "TRIGGER"], "{rest:#?}");
    assert!(rest.iter().all(|e| e["sequence"].as_u64().unwrap() > after));
    // The unenrolled caller's trigger has no subscriber: a subscriber filter drops it.
    assert!(events(&d, &["--subscriber", "491700000099"]).is_empty());

    // A kind or protocol the CLI does not know is refused before asking.
    let out = Command::new(BIN)
        .args(["events", "--grpc", &d.grpc, "--kind", "ringing"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ringing"));
    d.stop();
}

/// `scpd events --consumer NAME` (it acknowledges what it printed): the sequences printed.
fn consume(grpc: &str, name: &str) -> Vec<u64> {
    let out = Command::new(BIN)
        .args(["events", "--grpc", grpc, "--consumer", name])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["sequence"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn a_durable_consumer_gets_exactly_what_it_has_not_acknowledged_across_a_restart() {
    let dir = std::env::temp_dir().join(format!("scpd-consumer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("scpd.db");
    let calls = |d: &common::Scpd, n: &str| {
        let r = d.sim(&["--calls", n, "--quiet"]);
        assert_eq!(r["errors"], 0, "{r}");
    };
    let d = common::Scpd::start_on(&db, None);
    calls(&d, "3");
    assert_eq!(consume(&d.grpc, "dss-a"), [1, 2, 3]);
    // Read again at once: nothing new.
    assert!(consume(&d.grpc, "dss-a").is_empty());
    // Calls while it is away, some before a restart and one after.
    calls(&d, "2");
    d.stop();
    let d = common::Scpd::start_on(&db, None);
    calls(&d, "1");
    assert_eq!(consume(&d.grpc, "dss-a"), [4, 5, 6]);
    // Another consumer starts from the oldest event; --from still rewinds explicitly.
    assert_eq!(consume(&d.grpc, "dss-b"), [1, 2, 3, 4, 5, 6]);
    let out = Command::new(BIN)
        .args([
            "events",
            "--grpc",
            &d.grpc,
            "--consumer",
            "dss-a",
            "--from",
            "4",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    d.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
