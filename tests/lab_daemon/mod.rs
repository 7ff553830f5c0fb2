//! The real `scpd` binary on free ports for the lab-tool tests: ITU or ANSI SCCP (built
//! from the embedded default configuration), `scpd sim` against it, subscribers enrolled and
//! events read with the CLI's own gRPC clients (`scpd subscriber`, `scpd events`).
#![allow(dead_code)] // each test crate uses a part of it

use crate::common::{free_port, stop_gracefully};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_scpd");

pub struct Daemon {
    child: Child,
    pub m3ua: String,
    pub grpc: String,
    dir: std::path::PathBuf,
}

impl Daemon {
    /// Start scpd; with `ansi_pc`, the SCCP variant is ANSI (T1.112, 24-bit point codes)
    /// and the node's point code is that one.
    pub fn start(name: &str, ansi_pc: Option<u32>) -> Daemon {
        let dir = std::env::temp_dir().join(format!("scpd-lab-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut cfg = scpd::config::DEFAULT_TOML.to_string();
        if let Some(pc) = ansi_pc {
            cfg = cfg
                .replace("variant = \"itu\"", "variant = \"ansi\"")
                .replace("point_code = 200", &format!("point_code = {pc}"));
        }
        let path = dir.join("scpd.toml");
        std::fs::write(&path, cfg).unwrap();
        let m3ua = format!("127.0.0.1:{}", free_port());
        let grpc = format!("127.0.0.1:{}", free_port());
        let child = Command::new(BIN)
            .arg("run")
            .arg("--config")
            .arg(&path)
            .args(["--m3ua-listen", &format!("tcp://{m3ua}")])
            .args(["--grpc-listen", &grpc])
            .arg("--db")
            .arg(dir.join("scpd.db"))
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

    /// Run `scpd sim` against the daemon; its JSON report and its stderr. Fails the test
    /// when the sim fails.
    pub fn sim(&self, args: &[&str]) -> (serde_json::Value, String) {
        let out = Command::new(BIN)
            .args(["sim", "--to", &format!("tcp://{}", self.m3ua)])
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "sim {args:?} failed: {stdout} {stderr}"
        );
        (serde_json::from_str(stdout.trim()).unwrap(), stderr)
    }

    /// Enrol `number` with the monitor policy (`scpd subscriber add`).
    pub fn monitor(&self, number: &str) {
        let out = Command::new(BIN)
            .args(["subscriber", "add", number, "--policy", "monitor"])
            .args(["--grpc", &self.grpc])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "subscriber add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The events of the journal (`scpd events`), once at least `n` are there.
    pub fn events(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = Command::new(BIN)
                .args(["events", "--grpc", &self.grpc])
                .output()
                .unwrap();
            assert!(out.status.success(), "scpd events failed");
            let v: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            if v.len() >= n || Instant::now() > deadline {
                return v;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM and wait: the daemon must stop cleanly with status 0.
    pub fn stop(mut self) {
        stop_gracefully(&mut self.child);
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The events of the call whose TRIGGER has this trigger name and these numbers.
pub fn calls_of<'a>(
    events: &'a [serde_json::Value],
    trigger: &str,
    calling: &str,
    called: &str,
) -> Vec<&'a serde_json::Value> {
    let first = events.iter().find(|e| {
        e["kind"] == "TRIGGER"
            && e["trigger"] == trigger
            && e["calling_party"]["digits"] == calling
            && e["called_party"]["digits"] == called
    });
    let Some(first) = first else {
        panic!("no {trigger} {calling}→{called} in {events:#?}");
    };
    events
        .iter()
        .filter(|e| e["call_id"] == first["call_id"])
        .collect()
}

/// The kinds of a call's events, in order.
pub fn kinds(call: &[&serde_json::Value]) -> Vec<String> {
    call.iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}
