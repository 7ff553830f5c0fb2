//! Issue 16: `scpd sim --protocol inap` plays a CS-1 SSP (InitialDP with the Core INAP
//! CS-1 AC on SSN 241) against a real daemon: unmonitored calls are continued, a routing
//! number's call connected, a decide subscriber's call released by the fallback, monitored
//! calls (originating and terminating) armed, answered and disconnected, every call
//! completed without errors and on the gRPC stream as INAP; `--protocol mix` plays INAP
//! beside CAMEL and AIN.

mod common;

use common::Scpd;
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

fn enrol(d: &Scpd, number: &str, policy: &str) {
    let out = Command::new(BIN)
        .args(["subscriber", "add", "--grpc", &d.grpc, number])
        .args(["--policy", policy])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

fn n(r: &Value, k: &str) -> u64 {
    r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}"))
}

/// Every call completed, none in error, all of them INAP.
fn clean(r: &Value, calls: u64) {
    assert_eq!(n(r, "calls"), calls, "{r}");
    assert_eq!(n(r, "completed"), calls, "{r}");
    assert_eq!(n(r, "errors"), 0, "{r}");
    assert_eq!(n(r, "timeouts"), 0, "{r}");
    assert_eq!(n(r, "inap"), calls, "{r}");
    assert_eq!(n(r, "camel") + n(r, "ain"), 0, "{r}");
}

#[test]
fn inap_ssp_calls_complete_against_the_daemon() {
    // A decide subscriber's call waits 100 ms for a data-session server (there is none),
    // then the fallback releases it.
    let cfg = scpd::config::DEFAULT_TOML
        .replace("deadline_ms = 1000", "deadline_ms = 100")
        .replace("fallback = \"continue\"", "fallback = \"release\"");
    assert!(cfg.contains("deadline_ms = 100\n") && cfg.contains("fallback = \"release\""));
    let d = Scpd::start("inap-sim", Some(&cfg));
    let sim = |extra: &[&str]| {
        let mut args = vec!["--protocol", "inap", "--hold-ms", "20", "--quiet"];
        args.extend_from_slice(extra);
        d.sim(&args)
    };

    // Not monitored: Continue in a TC-END.
    let r = sim(&["--calls", "6", "--concurrency", "3"]);
    clean(&r, 6);
    assert_eq!(n(&r, "continued"), 6, "{r}");
    let r = sim(&["--calls", "4", "--concurrency", "2", "--terminating"]);
    clean(&r, 4);
    assert_eq!((n(&r, "continued"), n(&r, "terminating")), (4, 4), "{r}");

    // Monitored, originating and terminating: RequestReportBCSMEvent + Continue, then the
    // answer notification and the interrupted disconnect, which the SCP ends.
    enrol(&d, "491700000002", "monitor");
    enrol(&d, "4930123499", "monitor");
    let r = sim(&[
        "--calls",
        "5",
        "--concurrency",
        "5",
        "--calling",
        "491700000002",
    ]);
    clean(&r, 5);
    assert_eq!(n(&r, "monitored"), 5, "{r}");
    assert_eq!(r["end_latency_us"]["count"], 5, "{r}");
    let r = sim(&[
        "--calls",
        "3",
        "--concurrency",
        "3",
        "--terminating",
        "--called",
        "4930123499",
    ]);
    clean(&r, 3);
    assert_eq!(n(&r, "monitored"), 3, "{r}");

    // A decide subscriber with no decision: ReleaseCall by the fallback.
    enrol(&d, "491700000003", "decide");
    let r = sim(&[
        "--calls",
        "2",
        "--concurrency",
        "2",
        "--calling",
        "491700000003",
    ]);
    clean(&r, 2);
    assert_eq!(n(&r, "released"), 2, "{r}");

    // A live routing number dialled: Connect to its target.
    let out = Command::new(BIN)
        .args(["routing-number", "allocate", "--grpc", &d.grpc])
        .args(["31205550177", "--ttl-seconds", "60", "--call-id", "c1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let trn: Value = serde_json::from_slice(&out.stdout).unwrap();
    let number = trn["number"].as_str().unwrap().to_string();
    let r = sim(&["--called", &number]);
    clean(&r, 1);
    assert_eq!(n(&r, "connected"), 1, "{r}");

    // The daemon journaled them as INAP calls: one trigger per call, answer and disconnect
    // for the 8 monitored ones.
    let out = Command::new(BIN)
        .args(["events", "--grpc", &d.grpc])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let events: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let count = |k: &str| events.iter().filter(|e| e["kind"] == k).count();
    assert_eq!(
        (count("TRIGGER"), count("ANSWERED"), count("DISCONNECTED")),
        (21, 8, 8),
        "{events:#?}"
    );
    assert!(
        events.iter().all(|e| e["protocol"] == "INAP"),
        "{events:#?}"
    );
    d.stop();
}

#[test]
fn mix_plays_inap_beside_camel_ain_and_win() {
    // The mix speaks ANSI SCCP (for AIN) by default: the daemon runs it too.
    let cfg = scpd::config::DEFAULT_TOML.replace("variant = \"itu\"", "variant = \"ansi\"");
    let d = Scpd::start("inap-mix", Some(&cfg));
    enrol(&d, "491700000001", "monitor");
    enrol(&d, "2015550100", "monitor");
    enrol(&d, "2125550100", "monitor");
    let r = d.sim(&[
        "--protocol",
        "mix",
        "--calls",
        "16",
        "--concurrency",
        "4",
        "--numbers",
        "2",
        "--hold-ms",
        "20",
        "--quiet",
    ]);
    assert_eq!(n(&r, "completed"), 16, "{r}");
    assert_eq!(n(&r, "errors"), 0, "{r}");
    assert_eq!(
        (n(&r, "camel"), n(&r, "ain"), n(&r, "inap"), n(&r, "win")),
        (4, 4, 4, 4),
        "{r}"
    );
    // Served numbers alternate per round of four: half of each protocol's calls monitored.
    assert_eq!(n(&r, "monitored"), 8, "{r}");
    assert_eq!(n(&r, "continued"), 8, "{r}");
    d.stop();
}
