//! The deployment files: the systemd unit passes `systemd-analyze verify`, the daemon tells
//! systemd it is ready (Type=notify) once it listens and that it is stopping at the stop, the
//! Grafana dashboard asks only for metrics the daemon serves, and the Dockerfile builds where
//! a Docker daemon is reachable.

mod common;

use common::{free_port, stop_gracefully, Scpd};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Whether `cmd` runs; where it does not, fail under CI and say the test skipped elsewhere.
fn have(cmd: &str, args: &[&str], package: &str) -> bool {
    let ok = Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none() || package.is_empty(),
            "{cmd} missing (Debian package {package}), and CI is set"
        );
        eprintln!("skipped: {cmd} not available");
    }
    ok
}

#[test]
fn the_systemd_unit_verifies() {
    if !have("systemd-analyze", &["--version"], "systemd") {
        return;
    }
    // verify wants ExecStart's binary to exist: this build's stands in for /usr/bin/scpd.
    let unit = std::fs::read_to_string(repo("deploy/scpd.service")).unwrap();
    assert!(unit.contains("Type=notify") && unit.contains("Restart=on-failure"));
    let dir = std::env::temp_dir().join(format!("scpd-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scpd.service");
    std::fs::write(
        &path,
        unit.replace("/usr/bin/scpd", env!("CARGO_BIN_EXE_scpd")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let said = String::from_utf8_lossy(&out.stderr);
    // Only what it says of our unit counts (a container's own units may be incomplete).
    let ours: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("scpd.service"))
        .collect();
    assert!(out.status.success() && ours.is_empty(), "{said}");
}

#[test]
fn readiness_and_stopping_reach_systemd() {
    let dir = std::env::temp_dir().join(format!("scpd-notify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let socket = dir.join("notify");
    let systemd = UnixDatagram::bind(&socket).unwrap();
    systemd
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let (m3ua, grpc) = (free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["run", "--m3ua-listen", &format!("tcp://127.0.0.1:{m3ua}")])
        .args(["--grpc-listen", &format!("127.0.0.1:{grpc}")])
        .args(["--metrics-listen", ""])
        .arg("--db")
        .arg(dir.join("scpd.db"))
        .env("NOTIFY_SOCKET", &socket)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 256];
    let n = systemd.recv(&mut buf).expect("READY=1 within 30 s");
    assert_eq!(&buf[..n], b"READY=1\n");
    // Ready means listening.
    assert!(std::net::TcpStream::connect(("127.0.0.1", m3ua)).is_ok());
    assert!(std::net::TcpStream::connect(("127.0.0.1", grpc)).is_ok());
    stop_gracefully(&mut child);
    let n = systemd.recv(&mut buf).expect("STOPPING=1 at the stop");
    assert_eq!(&buf[..n], b"STOPPING=1\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `scpd_...` and `process_...` names in a PromQL expression.
fn metric_names(expr: &str, into: &mut BTreeSet<String>) {
    let mut rest = expr;
    while let Some(i) = rest.find(|c: char| c.is_ascii_lowercase()) {
        rest = &rest[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..end];
        if word.starts_with("scpd_") || word.starts_with("process_") {
            into.insert(word.to_string());
        }
        rest = &rest[end..];
    }
}

#[test]
fn the_dashboard_asks_for_metrics_the_daemon_serves() {
    let text = std::fs::read_to_string(repo("deploy/grafana/scpd.json")).unwrap();
    let dash: serde_json::Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let mut names = BTreeSet::new();
    for panel in dash["panels"].as_array().expect("panels") {
        for t in panel["targets"].as_array().expect("targets") {
            metric_names(t["expr"].as_str().expect("expr"), &mut names);
        }
    }
    assert!(names.len() >= 10, "{names:?}");
    let d = Scpd::start("dashboard", None);
    d.sim(&["--calls", "5", "--hold-ms", "0"]);
    let mut s = std::net::TcpStream::connect(&d.metrics).unwrap();
    write!(s, "GET /metrics HTTP/1.0\r\n\r\n").unwrap();
    let mut scrape = String::new();
    s.read_to_string(&mut scrape).unwrap();
    // Families that only appear once something happened (an abort, a return) are declared
    // by their TYPE line only when they have samples: those are named in the README.
    let rare = [
        "scpd_tcap_provider_aborts_total",
        "scpd_tcap_abort_answers_total",
        "scpd_tcap_rejects_total",
        "scpd_sccp_returned_total",
    ];
    for n in &names {
        let family = n.trim_end_matches("_bucket");
        if rare.contains(&family) {
            assert!(repo("README.md").exists());
            let readme = std::fs::read_to_string(repo("README.md")).unwrap();
            let short = family
                .trim_start_matches("scpd_tcap")
                .trim_start_matches("scpd_sccp");
            assert!(readme.contains(short), "{family} is not in the README");
            continue;
        }
        assert!(
            scrape.contains(&format!("# TYPE {family} ")),
            "the dashboard asks for {n}, which the daemon does not serve"
        );
    }
    d.stop();
}

#[test]
fn the_dockerfile_builds() {
    let dockerfile = std::fs::read_to_string(repo("Dockerfile")).unwrap();
    assert!(dockerfile.contains("USER scpd"), "the image runs as root");
    if !have("docker", &["info"], "") {
        eprintln!("skipped: no Docker daemon reachable, the Dockerfile was not built");
        return;
    }
    let tag = format!("scpd-test-{}", std::process::id());
    let status = Command::new("docker")
        .args(["build", "-q", "-t", &tag])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "docker build failed");
    let out = Command::new("docker")
        .args(["run", "--rm", &tag, "--version"])
        .output()
        .unwrap();
    let _ = Command::new("docker").args(["rmi", "-f", &tag]).status();
    assert!(String::from_utf8_lossy(&out.stdout).contains("scpd"));
}
