//! `scpd status` against a running daemon: its association and open dialogues while a
//! simulated MSC holds monitored calls, subscribers, journal position, shard states.

mod common;

use common::Scpd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn status(d: &Scpd) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["status", "--grpc", &d.grpc])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn status_shows_associations_dialogues_and_the_journal() {
    let d = Scpd::start("status", None);
    for n in ["491700000001", "491700000002"] {
        let ok = Command::new(env!("CARGO_BIN_EXE_scpd"))
            .args([
                "subscriber",
                "add",
                n,
                "--policy",
                "monitor",
                "--grpc",
                &d.grpc,
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
    let s = status(&d);
    assert_eq!(s["subscribers"], 2, "{s}");
    assert_eq!(s["dialogues_open"], 0, "{s}");
    assert_eq!(s["associations"].as_array().unwrap().len(), 0, "{s}");
    let shards = s["shards"].as_array().unwrap();
    assert!(
        !shards.is_empty() && shards.iter().all(|x| x == "normal"),
        "{s}"
    );
    assert!(s["version"].as_str().is_some_and(|v| !v.is_empty()));

    // Two monitored calls held answered for a while: the sim's association is up and
    // active, their dialogues open, their triggers journalled.
    let mut sim = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["sim", "--to", &format!("tcp://{}", d.m3ua)])
        .args([
            "--calls",
            "2",
            "--concurrency",
            "2",
            "--numbers",
            "2",
            "--hold-ms",
            "3000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let held = loop {
        let s = status(&d);
        // Both dialogues open and both triggers committed (the journal may follow the
        // dialogue table by a commit).
        if s["dialogues_open"] == 2 && s["journal_sequence"].as_u64() >= Some(2) {
            break s;
        }
        assert!(Instant::now() < deadline, "the calls never showed: {s}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let assocs = held["associations"].as_array().unwrap();
    assert_eq!(assocs.len(), 1, "{held}");
    assert_eq!(assocs[0]["side"], "server");
    assert_eq!(assocs[0]["active"], true);
    assert!(sim.wait().unwrap().success());
    let s = status(&d);
    assert_eq!(s["dialogues_open"], 0, "{s}");
    d.stop();
}
