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
