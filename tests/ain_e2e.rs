//! Issue 6 end to end: a wireline SSP played by `scpd sim --protocol ain` sends
//! Info_Analyzed and Termination_Attempt over M3UA/TCP in ANSI SCCP (T1.112, 24-bit point
//! codes) to a daemon configured for ANSI; the calls reach the gRPC stream as AIN calls with
//! the numbers the SSP sent, and a monitored line's O_Answer / O_Disconnect (T_Answer /
//! T_Disconnect when terminating) arrive as ANSWERED / DISCONNECTED.

mod common;
mod lab_daemon;

use lab_daemon::{calls_of, kinds, Daemon};
use serde_json::Value;

/// Point codes beyond 14 bits, so an ITU-framed exchange could not carry them.
const SCP_PC: u32 = 0x01_02_03;
const SSP_PC: u32 = 0x0a_0b_0c;

#[test]
fn ain_ssp_calls_reach_the_grpc_stream() {
    let d = Daemon::start("ain-e2e", Some(SCP_PC));
    let (opc, dpc) = (SSP_PC.to_string(), SCP_PC.to_string());
    let sim = |extra: &[&str]| {
        let mut args = vec![
            "--protocol",
            "ain",
            "--opc",
            &opc,
            "--dpc",
            &dpc,
            "--hold-ms",
            "50",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        d.sim(&args).0
    };
    d.monitor("2015550100");
    d.monitor("2015550133");

    // Not monitored: the SCP lets the calls go on (Continue / Authorize_Termination).
    let r = sim(&["--calling", "2015550111", "--called", "8005550199"]);
    assert_eq!(
        (r["continued"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let r = sim(&[
        "--terminating",
        "--calling",
        "7035550111",
        "--called",
        "2015550122",
    ]);
    assert_eq!(
        (r["continued"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    // Monitored lines: answer and disconnect reported, the SCP closes with Disconnect.
    let r = sim(&["--calling", "2015550100", "--called", "8005550123"]);
    assert_eq!(
        (
            r["monitored"].as_u64(),
            r["completed"].as_u64(),
            r["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );
    assert_eq!(r["end_latency_us"]["count"], 1, "{r}");
    let r = sim(&[
        "--terminating",
        "--calling",
        "7035550111",
        "--called",
        "2015550133",
    ]);
    assert_eq!(
        (
            r["monitored"].as_u64(),
            r["completed"].as_u64(),
            r["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );

    let events = d.events(4 + 2 * 2);
    for e in &events {
        assert_eq!(e["protocol"], "AIN", "{e}");
        assert_eq!(e["protocol_version"], "AIN 0.2", "{e}");
    }
    let c = calls_of(&events, "info-Analyzed", "2015550111", "8005550199");
    assert_eq!(kinds(&c), ["TRIGGER"]);
    assert_eq!(c[0]["direction"], "ORIGINATING");
    assert_eq!(c[0]["calling_party"]["nature_of_address"], 3, "national");
    let c = calls_of(&events, "termination-Attempt", "7035550111", "2015550122");
    assert_eq!(kinds(&c), ["TRIGGER"]);
    assert_eq!(c[0]["direction"], "TERMINATING");
    let c = calls_of(&events, "info-Analyzed", "2015550100", "8005550123");
    assert_eq!(kinds(&c), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    assert!(c.iter().all(|e| e["direction"] == "ORIGINATING"));
    let c = calls_of(&events, "termination-Attempt", "7035550111", "2015550133");
    assert_eq!(kinds(&c), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    assert!(c.iter().all(|e| e["direction"] == "TERMINATING"));
    assert_eq!(events.len(), 8, "{events:#?}");
    d.stop();
}

/// The SSP's point codes must fit ANSI's 24 bits; the sim says so instead of sending.
#[test]
fn ain_sim_refuses_point_codes_beyond_24_bits() {
    let out = std::process::Command::new(lab_daemon::BIN)
        .args([
            "sim",
            "--protocol",
            "ain",
            "--to",
            "tcp://127.0.0.1:9",
            "--opc",
            "16777216",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("opc 16777216"), "{err}");
}

/// Issue 6 (and issue 7's transfer leg over AIN): a routing number allocated over gRPC
/// (`scpd routing-number allocate`) is dialled by a POTS line; the SCP answers the
/// Info_Analyzed with Analyze_Route to the number's target, publishes TRIGGER and
/// TRANSFER_LEG linking the call that asked for the transfer, and uses the number up.
#[test]
fn ain_call_to_a_routing_number_is_routed_to_its_target() {
    let d = Daemon::start("ain-trn", Some(SCP_PC));
    let out = std::process::Command::new(lab_daemon::BIN)
        .args(["routing-number", "allocate", "--grpc", &d.grpc])
        .args([
            "2015550177",
            "--ttl-seconds",
            "60",
            "--call-id",
            "mobile-call-1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "allocate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trn: Value = serde_json::from_slice(&out.stdout).unwrap();
    let number = trn["number"].as_str().unwrap().to_string();
    let (opc, dpc) = (SSP_PC.to_string(), SCP_PC.to_string());
    let sim = |called: &str| {
        d.sim(&[
            "--protocol",
            "ain",
            "--opc",
            &opc,
            "--dpc",
            &dpc,
            "--quiet",
            "--calling",
            "2015550100",
            "--called",
            called,
        ])
        .0
    };
    let r = sim(&number);
    // Analyze_Route (to the target) is what the sim counts as connected.
    assert_eq!(
        (r["connected"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let events = d.events(2);
    let leg = events
        .iter()
        .find(|e| e["kind"] == "TRANSFER_LEG")
        .unwrap_or_else(|| panic!("no TRANSFER_LEG in {events:#?}"));
    assert_eq!(leg["protocol"], "AIN");
    assert_eq!(leg["linked_call_id"], "mobile-call-1");
    assert_eq!(leg["routing_number"], number.as_str());
    assert_eq!(leg["destination"]["digits"], "2015550177");
    // Single use: dialled again, the number is an ordinary called number.
    let r = sim(&number);
    assert_eq!(r["continued"].as_u64(), Some(1), "{r}");
    d.stop();
}
