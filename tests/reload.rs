//! SIGHUP re-reads the configuration file: a changed decision fallback applies to the next
//! call; a broken file is refused whole and the daemon goes on with what it had.

mod common;

use common::Scpd;
use std::process::Command;
use std::time::{Duration, Instant};

fn hangup(d: &Scpd) {
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(d.child.id() as i32, libc::SIGHUP) };
}

/// (continued, released) of one call from the `decide` subscriber.
fn one_call(d: &Scpd) -> (u64, u64) {
    let r = d.sim(&["--calls", "1", "--numbers", "1", "--hold-ms", "0"]);
    (
        r["continued"].as_u64().unwrap(),
        r["released"].as_u64().unwrap(),
    )
}

#[test]
fn a_changed_fallback_applies_and_a_broken_file_is_refused() {
    let config = scpd::config::DEFAULT_TOML.to_string();
    assert!(config.contains("fallback = \"continue\""));
    let mut d = Scpd::start("reload", Some(&config));
    let file = std::env::temp_dir()
        .join(format!("scpd-e2e-{}-reload", std::process::id()))
        .join("scpd.toml");
    assert!(file.exists());
    let added = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["subscriber", "add", "491700000001", "--policy", "decide"])
        .args(["--grpc", &d.grpc])
        .status()
        .unwrap();
    assert!(added.success());
    // No data-session server is connected: a decide call gets the fallback at once.
    assert_eq!(one_call(&d), (1, 0));

    std::fs::write(
        &file,
        config.replace("fallback = \"continue\"", "fallback = \"release\""),
    )
    .unwrap();
    hangup(&d);
    let deadline = Instant::now() + Duration::from_secs(10);
    while one_call(&d) != (0, 1) {
        assert!(Instant::now() < deadline, "the new fallback never applied");
        std::thread::sleep(Duration::from_millis(100));
    }

    // New routing-number pools apply to the next allocation.
    let allocate = || {
        let out = Command::new(env!("CARGO_BIN_EXE_scpd"))
            .args([
                "routing-number",
                "allocate",
                "491709999999",
                "--grpc",
                &d.grpc,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let n: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        n["number"].as_str().unwrap().to_string()
    };
    assert!(allocate().starts_with("999100"));
    let released = config.replace("fallback = \"continue\"", "fallback = \"release\"");
    std::fs::write(
        &file,
        released
            .replace("first = \"999100000\"", "first = \"999300000\"")
            .replace("last = \"999100999\"", "last = \"999300999\""),
    )
    .unwrap();
    hangup(&d);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = allocate();
        if n.starts_with("999300") {
            break;
        }
        assert!(Instant::now() < deadline, "the new pool never applied: {n}");
        std::thread::sleep(Duration::from_millis(100));
    }

    std::fs::write(&file, "[node]\npoint_code = \"not a number\"\n").unwrap();
    hangup(&d);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        d.child.try_wait().unwrap().is_none(),
        "scpd exited on a broken file"
    );
    assert_eq!(one_call(&d), (0, 1), "the running configuration changed");
    d.stop();
}

/// `[log] level` changes at a reload: info lines appear once the level says info.
#[test]
fn a_changed_log_level_applies() {
    let dir = std::env::temp_dir().join(format!("scpd-reload-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scpd.toml");
    let config = format!("{}\n[log]\nlevel = \"warn\"\n", scpd::config::DEFAULT_TOML);
    std::fs::write(&file, &config).unwrap();
    let log = dir.join("scpd.log");
    let (m3ua, grpc) = (common::free_port(), common::free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .arg("run")
        .arg("--config")
        .arg(&file)
        .args(["--m3ua-listen", &format!("tcp://127.0.0.1:{m3ua}")])
        .args(["--grpc-listen", &format!("127.0.0.1:{grpc}")])
        .args(["--metrics-listen", ""])
        .arg("--db")
        .arg(dir.join("scpd.db"))
        .env_remove("SCPD_LOG")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", grpc)).is_err() {
        assert!(Instant::now() < deadline, "scpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let hup = || unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    // At warn, a reload with nothing to apply says nothing.
    hup();
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("scpd ready") && !text.contains("nothing to apply"),
        "{text}"
    );
    std::fs::write(
        &file,
        config.replace("level = \"warn\"", "level = \"info\""),
    )
    .unwrap();
    hup();
    std::thread::sleep(Duration::from_millis(300));
    hup();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log)
        .unwrap()
        .contains("nothing to apply")
    {
        assert!(
            Instant::now() < deadline,
            "no info line after the level changed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    common::stop_gracefully(&mut child);
    let _ = std::fs::remove_dir_all(&dir);
}
