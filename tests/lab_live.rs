//! The lab tools against a live scpd (the real binary on free ports): `scpd replay` of the
//! CAMEL captures, `scpd sim` as a load generator, and `scpd run --pcap` read back by tshark.

mod common;
use common::free_port;
use serde_json::Value;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

struct Daemon {
    child: Child,
    m3ua: String,
    grpc: String,
    dir: PathBuf,
}

impl Daemon {
    fn start(name: &str, extra: &[&str]) -> Daemon {
        let dir = std::env::temp_dir().join(format!("scpd-lab-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let m3ua = format!("127.0.0.1:{}", free_port());
        let grpc = format!("127.0.0.1:{}", free_port());
        let child = Command::new(BIN)
            .args([
                "run",
                "--m3ua-listen",
                &format!("tcp://{m3ua}"),
                "--grpc-listen",
                &grpc,
            ])
            .arg("--db")
            .arg(dir.join("scpd.db"))
            .args(extra)
            .stderr(Stdio::null())
            .spawn()
            .expect("start scpd");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&m3ua).is_err() || TcpStream::connect(&grpc).is_err() {
            assert!(Instant::now() < deadline, "scpd did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Daemon {
            child,
            m3ua,
            grpc,
            dir,
        }
    }

    fn to(&self) -> String {
        format!("tcp://{}", self.m3ua)
    }

    fn monitor(&self, number: &str) {
        let out = Command::new(BIN)
            .args(["subscriber", "add", "--grpc", &self.grpc, number])
            .args(["--policy", "monitor"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }

    fn stop(mut self) {
        common::stop_gracefully(&mut self.child);
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run `scpd <args>`; its stdout as JSON and whether it exited 0.
fn scpd_json(args: &[&str]) -> (Value, bool) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.success())
}

fn trace(name: &str) -> Option<PathBuf> {
    common::traces().map(|d| d.join("wireshark-wiki").join(name))
}

fn replay(d: &Daemon, file: &Path, extra: &[&str]) -> (Value, bool) {
    let mut args = vec!["replay", file.to_str().unwrap(), "--to"];
    let to = d.to();
    args.push(&to);
    args.extend_from_slice(extra);
    scpd_json(&args)
}

fn ops(shapes: &Value) -> Vec<String> {
    shapes
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}({})",
                s["message"].as_str().unwrap(),
                s["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect()
}

/// Unknown subscribers: scpd ends each dialogue at once with Continue (the capture's SCP
/// armed events instead), so every dialogue completes and the difference is reported.
#[test]
fn replay_completes_every_dialogue() {
    let (Some(camel), Some(expire)) = (trace("camel.pcap"), trace("expire-sample-merged.cap"))
    else {
        return;
    };
    let d = Daemon::start("replay", &[]);
    for file in [&camel, &expire] {
        let (v, ok) = replay(&d, file, &[]);
        assert!(ok, "{v:#}");
        assert_eq!(v["dialogues"], 1, "{v:#}");
        assert_eq!(v["completed"], 1, "{v:#}");
        let r = &v["results"][0];
        assert_eq!(r["outcome"], "ended by the SCP");
        assert_eq!(r["sent"], 1);
        assert_eq!(ops(&r["live_answers"]), ["End(invoke continue)"]);
        // The live answer differs from the captured one at position 0.
        assert_eq!(r["differences"][0]["answer"], 0);
        assert_eq!(r["differences"][0]["live"]["message"], "End");
        assert_eq!(r["differences"][0]["captured"]["message"], "Continue");
    }
    // camel.pcap: frames 4 and 5 belong to a dialogue whose Begin was not captured.
    let (v, _) = replay(&d, &camel, &[]);
    let frames: Vec<u64> = v["not_replayed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(frames, [4, 5]);
    d.stop();
}

/// Monitored subscribers: scpd arms events, so the switch's later captured messages are
/// played on the SCP's own transaction id (the dialogue is continued, not refused), and the
/// one the capture's SCP ended after the answer report stays open at scpd: the replay says
/// so and aborts it. Captured timing keeps the one second between InitialDP and oAnswer.
#[test]
fn replay_maps_transaction_ids_and_keeps_captured_timing() {
    let (Some(camel), Some(expire)) = (trace("camel.pcap"), trace("expire-sample-merged.cap"))
    else {
        return;
    };
    let d = Daemon::start("replay-monitor", &[]);
    d.monitor("41789005047");
    d.monitor("639214198573");
    let (v, ok) = replay(&d, &expire, &["--settle-ms", "200"]);
    assert!(!ok, "an open dialogue is a failed replay: {v:#}");
    let r = &v["results"][0];
    assert_eq!(r["sent"], 2, "{v:#}");
    assert_eq!(r["not_sent"], 0);
    assert_eq!(
        ops(&r["live_answers"]),
        [
            "Continue(invoke requestReportBCSMEvent,invoke continue)",
            "Continue(invoke continue)"
        ],
        "{v:#}"
    );
    assert_eq!(r["outcome"], "open");
    assert!(r["scp_tid"].is_string());
    assert_ne!(r["scp_tid"], r["captured_scp_tid"]);

    let t = Instant::now();
    let (v, _) = replay(&d, &camel, &["--timing", "captured", "--settle-ms", "100"]);
    assert!(t.elapsed() >= Duration::from_millis(1000), "{v:#}");
    let r = &v["results"][0];
    assert_eq!(r["sent"], 2, "{v:#}");
    assert_eq!(
        ops(&r["live_answers"]),
        ["Continue(invoke requestReportBCSMEvent,invoke continue)"]
    );
    // Nothing scpd sent was for a dialogue the replay did not know (the aborts included).
    assert_eq!(v["unrouted"], 0);
    d.stop();
}

/// `scpd run --pcap`: the file written during a monitored simulated call opens in tshark as
/// M3UA/SCCP/TCAP/CAMEL, every frame with correct IPv4 and SCTP (CRC32c) checksums, no
/// malformed packet or expert error, and with the operations the call exchanged in order.
#[test]
fn run_pcap_decodes_in_tshark() {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("skipped: no tshark");
        return;
    }
    let pcap = std::env::temp_dir().join(format!("scpd-lab-{}.pcap", std::process::id()));
    let d = Daemon::start("pcap", &["--pcap", pcap.to_str().unwrap()]);
    d.monitor("491700000001");
    let (r, ok) = scpd_json(&["sim", "--to", &d.to(), "--hold-ms", "20"]);
    assert!(ok && r["completed"] == 1 && r["monitored"] == 1, "{r}");
    d.stop();
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args([
            "-o",
            "sctp.checksum:crc-32c",
            "-o",
            "ip.check_checksum:TRUE",
        ])
        .args(["-T", "fields", "-E", "separator=|"])
        .args(["-e", "frame.protocols", "-e", "ip.checksum.status"])
        .args(["-e", "sctp.checksum.status", "-e", "camel.local"])
        .args(["-e", "_ws.malformed", "-e", "_ws.expert.severity"])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&pcap);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('|').collect()).collect();
    // ASPUP, ASPUP_ACK, ASPAC, ASPAC_ACK, NTFY, then the call.
    assert!(rows.len() >= 10, "{text}");
    let mut camel = Vec::new();
    for r in &rows {
        assert!(r[0].starts_with("eth:ethertype:ip:sctp:m3ua"), "{text}");
        assert_eq!((r[1], r[2]), ("1", "1"), "checksums: {text}");
        assert_eq!(r[4], "", "malformed: {text}");
        // Expert severities: chat/note only (warning is 6291456, error 8388608).
        for s in r[5].split(',').filter(|s| !s.is_empty()) {
            assert!(s.parse::<u64>().unwrap() < 6_291_456, "expert {s}: {text}");
        }
        if r[0].ends_with(":sccp:tcap:camel") || r[0].contains(":camel:") {
            camel.push(r[3]);
        }
    }
    // InitialDP; RRBCSM + Continue; ERB(answer); ERB(disconnect); Continue (TC-END).
    assert_eq!(camel, ["0", "23,31", "24", "24", "31"], "{text}");
}
