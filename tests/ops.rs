//! Issue 18, what operators and new users meet: log lines a pipeline can read, commands
//! that end quietly when piped into `head`, completions and man page, client errors that
//! say what to do, configuration files that say only what differs, a start that fails
//! cleanly, and `decode`'s warnings and exit status. The daemons run on free ports.

mod common;
use common::{free_port, stop_gracefully, Scpd};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

/// A fresh directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("scpd-ops-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run `scpd run` in `dir` with `args` on free ports, stderr into `dir/log`, play one
/// monitored call and stop it; the log's text.
fn daemon_log(dir: &Path, args: &[&str]) -> String {
    let m3ua = format!("127.0.0.1:{}", free_port());
    let grpc = format!("127.0.0.1:{}", free_port());
    let log = std::fs::File::create(dir.join("log")).unwrap();
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .arg("run")
        .args([
            "--m3ua-listen",
            &format!("tcp://{m3ua}"),
            "--grpc-listen",
            &grpc,
        ])
        .args(args)
        .stderr(log)
        .spawn()
        .unwrap();
    wait_listening(&[&m3ua, &grpc]);
    let add = Command::new(BIN)
        .args(["subscriber", "add", "491700000001", "--grpc", &grpc])
        .output()
        .unwrap();
    assert!(add.status.success(), "{add:?}");
    let sim = Command::new(BIN)
        .args(["sim", "--to", &format!("tcp://{m3ua}"), "--quiet"])
        .output()
        .unwrap();
    assert!(sim.status.success(), "{sim:?}");
    stop_gracefully(&mut child);
    std::fs::read_to_string(dir.join("log")).unwrap()
}

fn wait_listening(addrs: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while addrs
        .iter()
        .any(|a| std::net::TcpStream::connect(a).is_err())
    {
        assert!(Instant::now() < deadline, "scpd did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `--log-format json`: every line one JSON object with the stable fields; the events of
/// an association carry its id as `assoc`, the association's peer as `peer`.
#[test]
fn json_log_lines() {
    let dir = TempDir::new("json");
    let log = daemon_log(&dir.0, &["--log-format", "json"]);
    let mut lines = 0;
    let mut assoc = 0;
    for l in log.lines() {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}"));
        for k in ["timestamp", "level", "target", "message"] {
            assert!(v[k].is_string(), "no {k}: {l}");
        }
        assert!(
            ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&v["level"].as_str().unwrap()),
            "{l}"
        );
        if v["message"] == "ASP active" {
            assert!(v["assoc"].is_u64(), "{l}");
            assoc += 1;
        }
        lines += 1;
    }
    assert!(lines >= 3, "{log}");
    assert_eq!(assoc, 1, "{log}");
    // [log] format in a file does the same.
    let cfg = dir.0.join("json.toml");
    std::fs::write(&cfg, "[node]\npoint_code = 200\n[log]\nformat = \"json\"\n").unwrap();
    let log = daemon_log(&dir.0, &["--config", cfg.to_str().unwrap()]);
    assert!(log.lines().count() >= 3);
    for l in log.lines() {
        serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l:?}"));
    }
}

/// Redirected to a file, the text log has no escape codes (colours are for terminals).
#[test]
fn text_log_without_escape_codes() {
    let dir = TempDir::new("text");
    let log = daemon_log(&dir.0, &[]);
    assert!(log.contains("ASP active"), "{log}");
    assert!(
        !log.contains('\x1b'),
        "escape codes in a redirected log: {log:?}"
    );
    assert!(log.lines().all(|l| !l.trim().is_empty()));
}

/// Run scpd with a standard output whose reader has already gone (as `| head` leaves it
/// once head has its lines): every write fails with EPIPE.
fn with_closed_stdout(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors we then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just created and are owned here only.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    let mut c = Command::new(BIN);
    c.args(args)
        .stdout(Stdio::from(write))
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn assert_quiet(what: &str, out: &Output) {
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{what}: {} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `scpd ... | head`: every printing command ends quietly with status 0.
#[test]
fn commands_end_quietly_on_a_closed_pipe() {
    let d = Scpd::start("ops-pipe", None);
    let env = [("SCPD_GRPC", d.grpc.as_str())];
    for n in ["491700000001", "491700000002"] {
        let o = Command::new(BIN)
            .args(["subscriber", "add", n])
            .env("SCPD_GRPC", &d.grpc)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    }
    d.sim(&["--calls", "2"]);
    for args in [
        &["subscriber", "list"][..],
        &["subscriber", "get", "491700000001"],
        &["routing-number", "allocate", "4930111"],
        &["routing-number", "list"],
        &["events"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
    ] {
        assert_quiet(&args.join(" "), &with_closed_stdout(args, &env));
    }
    let cfg = std::env::temp_dir().join(format!("scpd-ops-{}-min.toml", std::process::id()));
    std::fs::write(&cfg, "[node]\npoint_code = 300\n").unwrap();
    let o = with_closed_stdout(&["check-config", cfg.to_str().unwrap()], &[]);
    let _ = std::fs::remove_file(&cfg);
    assert_quiet("check-config", &o);
    d.stop();
}

/// `scpd decode big | head -1`: the reader takes one line and goes; decode stops quietly.
#[test]
fn decode_into_head() {
    let dir = TempDir::new("head");
    let hex = dir.0.join("many.hex");
    std::fs::write(&hex, "6206480401020304\n".repeat(20_000)).unwrap();
    let mut child = Command::new(BIN)
        .args(["decode", "--layer", "tcap"])
        .arg(&hex)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"Begin\""), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_quiet("decode | head -1", &out);
    // The same with the pipe closed before the first write.
    let o = with_closed_stdout(&["decode", "--layer", "tcap", hex.to_str().unwrap()], &[]);
    assert_quiet("decode", &o);
}

#[test]
fn completions_and_man_page() {
    let out = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("_scpd()") && text.contains("routing-number"),
        "{text}"
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(BIN)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
    let out = Command::new(BIN).arg("man").output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.contains(".TH scpd 1"), "{man}");
    assert!(
        man.contains("check\\-config") || man.contains("check-config"),
        "{man}"
    );
    let dir = TempDir::new("man");
    let out = Command::new(BIN)
        .args(["man", "--dir"])
        .arg(&dir.0)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for page in [
        "scpd.1",
        "scpd-run.1",
        "scpd-subscriber-add.1",
        "scpd-routing-number-list.1",
    ] {
        let text =
            std::fs::read_to_string(dir.0.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
    let run = std::fs::read_to_string(dir.0.join("scpd-run.1")).unwrap();
    assert!(run.contains("log\\-format"), "{run}");
}

/// The help of each client command describes the command and its argument first.
#[test]
fn client_command_help() {
    for (args, about, arg) in [
        (
            &["subscriber", "get"][..],
            "Show one subscriber as JSON",
            "subscriber's number",
        ),
        (&["subscriber", "list"], "List every subscriber", ""),
        (
            &["subscriber", "remove"],
            "Remove a subscriber",
            "subscriber's number",
        ),
        (
            &["routing-number", "release"],
            "Release a routing number",
            "routing number",
        ),
        (
            &["routing-number", "get"],
            "Show one routing number",
            "routing number",
        ),
        (
            &["routing-number", "list"],
            "List the routing numbers",
            "Only this pool",
        ),
    ] {
        let out = Command::new(BIN).args(args).arg("--help").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(about), "{args:?}: {text}");
        assert!(text.contains(arg), "{args:?}: {text}");
        // The connection options are listed apart, after the command's own.
        assert!(text.contains("Connection:"), "{args:?}: {text}");
    }
}

/// A daemon that is not there: one message, each cause once, a hint; a --grpc without a
/// port is a usage error; SCPD_GRPC names the daemon.
#[test]
fn client_errors() {
    let addr = format!("127.0.0.1:{}", free_port());
    let out = Command::new(BIN)
        .args(["subscriber", "list", "--grpc", &addr])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&addr) && err.contains("is scpd running"),
        "{err}"
    );
    assert!(err.matches("tcp connect error").count() <= 1, "{err}");
    let out = Command::new(BIN)
        .args(["subscriber", "list", "--grpc", "127.0.0.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("HOST:PORT"));
    let out = Command::new(BIN)
        .args(["events"])
        .env("SCPD_GRPC", &addr)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&addr),
        "{out:?}"
    );
    let d = Scpd::start("ops-env", None);
    let out = Command::new(BIN)
        .args(["subscriber", "add", "491700000009"])
        .env("SCPD_GRPC", &d.grpc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = Command::new(BIN)
        .args(["subscriber", "get", "491700000009"])
        .env("SCPD_GRPC", &d.grpc)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("491700000009"));
    let out = Command::new(BIN)
        .args(["subscriber", "get", "491700000001"])
        .env("SCPD_GRPC", &d.grpc)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("not found"), "{err}");
    d.stop();
}

/// A busy port stops the start before the store is made: no scpd.db, the address named.
#[test]
fn failed_start_leaves_no_store() {
    let dir = TempDir::new("busy");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    for (flag, value) in [
        ("--m3ua-listen", format!("tcp://127.0.0.1:{port}")),
        ("--grpc-listen", format!("127.0.0.1:{port}")),
    ] {
        let other = if flag == "--m3ua-listen" {
            [
                "--grpc-listen".to_string(),
                format!("127.0.0.1:{}", free_port()),
            ]
        } else {
            [
                "--m3ua-listen".to_string(),
                format!("tcp://127.0.0.1:{}", free_port()),
            ]
        };
        let out = Command::new(BIN)
            .current_dir(&dir.0)
            .args(["run", flag, &value])
            .args(&other)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
        assert!(err.contains("in use"), "{err}");
        assert!(
            !dir.0.join("scpd.db").exists(),
            "scpd.db created by a failed start"
        );
    }
    drop(busy);
}

/// A file that names only the point code runs (the rest from documented defaults).
#[test]
fn check_config_minimal_and_typo() {
    let dir = TempDir::new("cfg");
    let min = dir.0.join("min.toml");
    std::fs::write(&min, "[node]\npoint_code = 300\n").unwrap();
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&min)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let typo = dir.0.join("typo.toml");
    std::fs::write(
        &typo,
        "[node]\npoint_code = 300\n[scpp]\ncamel_ssn = 146\n[scpp.reassembly]\ntimeout_ms = 1000\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&typo)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("[scpp]: unknown section; did you mean [sccp]?"),
        "{err}"
    );
}

/// pcap global header (little endian, microseconds, Ethernet).
fn pcap_header() -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&65535u32.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes());
    h
}

fn decode(args: &[&str], input: &Path) -> Output {
    Command::new(BIN)
        .arg("decode")
        .args(args)
        .arg(input)
        .output()
        .unwrap()
}

/// `decode`'s exit status: 0 everything decoded, 3 partly (error lines, a cut capture),
/// 4 nothing; the warnings name the input.
#[test]
fn decode_warnings_and_status() {
    let dir = TempDir::new("decode");
    // A pcap header followed by junk.
    let junk = dir.0.join("junk.pcap");
    let mut b = pcap_header();
    b.extend_from_slice(b"this is no packet record, only some junk");
    std::fs::write(&junk, &b).unwrap();
    let out = decode(&[], &junk);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("warning") && err.contains("junk.pcap"),
        "{err}"
    );
    // A record cut in the middle.
    let cut = dir.0.join("cut.pcap");
    let mut b = pcap_header();
    for v in [1u32, 0, 100, 100] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&[0; 30]);
    std::fs::write(&cut, &b).unwrap();
    let out = decode(&["--summary"], &cut);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("cut.pcap") && err.contains("ends inside a packet record"),
        "{err}"
    );
    // Hex lines: all good, some bad, all bad.
    let good = dir.0.join("good.hex");
    std::fs::write(&good, "# a TC-BEGIN\n6206480401020304\n").unwrap();
    assert_eq!(decode(&["--layer", "tcap"], &good).status.code(), Some(0));
    let some = dir.0.join("some.hex");
    std::fs::write(&some, "6206480401020304\nff00\n").unwrap();
    assert_eq!(decode(&[], &some).status.code(), Some(3));
    let bad = dir.0.join("bad.hex");
    std::fs::write(&bad, "ff00\n01\n").unwrap();
    let out = decode(&["--layer", "sccp", "--summary"], &bad);
    assert_eq!(out.status.code(), Some(4));
    // --summary keeps the digits of the reasons ("0xff", not "xff").
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("0xff"), "{table}");
    let only_comments = dir.0.join("comments.hex");
    std::fs::write(&only_comments, "# nothing\n").unwrap();
    let out = decode(&[], &only_comments);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no message"));
}

/// The README's AIN example: the daemon started with --sccp-variant ansi answers the AIN
/// sim; on the ITU default the sim fails and says which flag to give.
#[test]
fn ain_needs_the_ansi_variant_and_says_so() {
    let dir = TempDir::new("ain");
    for (variant, ok) in [(None, false), (Some("ansi"), true)] {
        let m3ua = format!("127.0.0.1:{}", free_port());
        let grpc = format!("127.0.0.1:{}", free_port());
        let mut c = Command::new(BIN);
        c.current_dir(&dir.0)
            .args([
                "run",
                "--m3ua-listen",
                &format!("tcp://{m3ua}"),
                "--grpc-listen",
                &grpc,
            ])
            .stderr(Stdio::null());
        if let Some(v) = variant {
            c.args(["--sccp-variant", v]);
        }
        let mut child = c.spawn().unwrap();
        wait_listening(&[&m3ua, &grpc]);
        let out = Command::new(BIN)
            .args([
                "sim",
                "--protocol",
                "ain",
                "--quiet",
                "--timeout-ms",
                "1500",
            ])
            .args(["--to", &format!("tcp://{m3ua}")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.success(), ok, "{variant:?}: {out:?}");
        assert_eq!(
            err.contains("--sccp-variant ansi"),
            !ok,
            "{variant:?}: {err}"
        );
        stop_gracefully(&mut child);
    }
}
