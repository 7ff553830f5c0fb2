//! Shared by the integration tests: the shared traces directory, and for the differential
//! tests against pycrate (tests/*_pycrate.rs) a seeded random generator and python3 with
//! pycrate.
//!
//! pycrate comes from python3's own packages or, if absent, is installed under the build tree
//! (`pip install --target $CARGO_TARGET_TMPDIR/pyoracles`), so `cargo test` needs nothing
//! pre-installed and touches no site-packages. If that is impossible (no pip, offline) a test
//! fails when `CI` is set, else says it skipped.
#![allow(dead_code)]

pub mod pki;
pub mod switch;
pub mod tshark;

use std::path::PathBuf;
use std::process::Command;

/// xorshift64*: reproducible from a seed printed by the test.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    pub fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
    pub fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
}

/// The seed from `var` (to replay a run) or from the clock; printed so a failure can be replayed.
pub fn seed(var: &str) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                % 1_000_000
        });
    println!("{var}={seed}");
    seed
}

fn oracle_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pyoracles")
}

/// python3 with the build tree's pycrate (if installed there) on its path.
pub fn python() -> Command {
    let mut c = Command::new("python3");
    c.env("PYTHONPATH", oracle_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    c
}

/// True when python3 can `import` these modules, installing `packages` under the build tree
/// first if needed. When it cannot: panics under `CI`, else prints why the test is skipped
/// and returns false.
pub fn python_ready(imports: &str, packages: &[&str]) -> bool {
    let importable = || {
        python()
            .args(["-c", &format!("import {imports}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if importable() {
        return true;
    }
    eprintln!("installing {packages:?} into {}", oracle_dir().display());
    let installed = python()
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
        ])
        .arg(oracle_dir())
        .args(packages)
        .status()
        .is_ok_and(|s| s.success());
    if installed && importable() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{packages:?} could not be installed (python3 -m pip install --target)"
    );
    println!("skipped: {imports} not importable and pip could not install it (offline?)");
    false
}

/// pycrate, the ASN.1 and mobile-protocol oracle.
pub fn pycrate_ready() -> bool {
    python_ready("pycrate_asn1dir, pycrate_mobile", &["pycrate"])
}

/// grpcio with its code generator, the independent gRPC client.
pub fn grpcio_ready() -> bool {
    python_ready("grpc, grpc_tools.protoc", &["grpcio", "grpcio-tools"])
}

/// Run `tests/interop/<script>` with `args`; its stdout, or a panic with both streams.
pub fn run_script(script: &str, args: &[&str]) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(script);
    let out = python()
        .arg(&path)
        .args(args)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} {args:?} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// ../shared/traces (or $SCPD_TRACES). Absent: `None` with a plain skip notice, or a panic
/// under `CI`, where the traces are always beside the clone.
pub fn traces() -> Option<PathBuf> {
    let dir = std::env::var_os("SCPD_TRACES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/traces")));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "traces not found at {} (set SCPD_TRACES)",
        dir.display()
    );
    eprintln!("skipped: no traces at {}", dir.display());
    None
}

/// A TCP port free at the moment of asking, for a daemon under test; never one this test
/// process was given before (the kernel may hand a port it just freed out again, so the
/// two ports of one daemon could otherwise be the same).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if GIVEN.lock().unwrap().insert(port) {
            return port;
        }
    }
}

/// SIGTERM a daemon under test and wait: it must stop cleanly, with status 0, within 10 s.
pub fn stop_gracefully(child: &mut std::process::Child) {
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "scpd exited with {st}");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "scpd did not stop on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Read one whole M3UA message (header length delimits it, RFC 4666 §3.1) from a stream.
pub fn read_m3ua(s: &mut impl std::io::Read) -> std::io::Result<Vec<u8>> {
    let mut h = [0u8; 8];
    s.read_exact(&mut h)?;
    let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
    let mut b = h.to_vec();
    b.resize(len.max(8), 0);
    s.read_exact(&mut b[8..])?;
    Ok(b)
}

/// The real `scpd` binary running on free ports with its own database, for end-to-end tests
/// (never the default ports 2905/50051).
pub struct Scpd {
    pub child: std::process::Child,
    pub m3ua: String,
    pub grpc: String,
    /// Where it serves Prometheus metrics (HOST:PORT).
    pub metrics: String,
    /// Its standard error (the log), beside the database.
    log: PathBuf,
    /// Removed on drop when the harness created it.
    dir: Option<PathBuf>,
}

impl Scpd {
    /// Start `scpd run` in a fresh directory; `config` (TOML text) replaces the embedded
    /// default when given.
    pub fn start(name: &str, config: Option<&str>) -> Scpd {
        Scpd::start_with(name, config, &[])
    }

    /// [`Scpd::start`] with more `scpd run` arguments.
    pub fn start_with(name: &str, config: Option<&str>, args: &[&str]) -> Scpd {
        let dir = std::env::temp_dir().join(format!("scpd-e2e-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut d = Scpd::launch(&dir.join("scpd.db"), config, args);
        d.dir = Some(dir);
        d
    }

    /// Start `scpd run` on the database `db`, which outlives it (restart tests).
    pub fn start_on(db: &std::path::Path, config: Option<&str>) -> Scpd {
        Scpd::launch(db, config, &[])
    }

    fn launch(db: &std::path::Path, config: Option<&str>, args: &[&str]) -> Scpd {
        let m3ua = format!("127.0.0.1:{}", free_port());
        let grpc = format!("127.0.0.1:{}", free_port());
        let metrics = format!("127.0.0.1:{}", free_port());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scpd"));
        cmd.arg("run");
        if let Some(text) = config {
            let path = db.with_extension("toml");
            std::fs::write(&path, text).unwrap();
            cmd.arg("--config").arg(path);
        }
        let child = cmd
            .args([
                "--m3ua-listen",
                &format!("tcp://{m3ua}"),
                "--grpc-listen",
                &grpc,
                "--metrics-listen",
                &metrics,
            ])
            .arg("--db")
            .arg(db)
            .args(args)
            .stderr(std::fs::File::create(db.with_extension("log")).unwrap())
            .spawn()
            .expect("start scpd");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(&m3ua).is_err()
            || std::net::TcpStream::connect(&grpc).is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "scpd did not start listening"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Scpd {
            child,
            m3ua,
            grpc,
            metrics,
            log: db.with_extension("log"),
            dir: None,
        }
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn grpc_url(&self) -> String {
        format!("http://{}", self.grpc)
    }

    /// `scpd sim` against this daemon; its JSON report (the run must succeed).
    pub fn sim(&self, args: &[&str]) -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_scpd"))
            .args(["sim", "--to", &format!("tcp://{}", self.m3ua)])
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "sim failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(text.trim()).unwrap()
    }

    /// Wait (up to 5 s) until an association of this daemon is ASP-ACTIVE (a peer started
    /// beside it has come up), then a little longer for what it sends once active.
    pub async fn wait_active(&self) {
        use scpd::proto::{node_client::NodeClient, StatusRequest};
        let mut node = NodeClient::connect(self.grpc_url()).await.unwrap();
        for _ in 0..100 {
            let s = node.status(StatusRequest {}).await.unwrap().into_inner();
            if s.associations.iter().any(|a| a.active) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(mut self) {
        stop_gracefully(&mut self.child);
    }
}

impl Drop for Scpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
