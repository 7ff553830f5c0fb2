//! gRPC over TLS end to end: the real `scpd` binary with `[grpc] tls_cert/tls_key` (and
//! `tls_client_ca`), tonic clients and the `scpd events|subscriber|routing-number` commands.
//! The CA, server and client certificates are made here with rcgen at test time (no private
//! key is committed); an unrelated "rogue" CA signs the certificates that must be refused.

mod common;
use common::pki::Pki;
use common::{free_port, Scpd};
use scpd::proto::{
    call_events_client::CallEventsClient, subscribers_client::SubscribersClient, EventKind,
    ListSubscribersRequest, Policy, SubscribeRequest, Subscriber,
};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");
const EMBEDDED: &str = include_str!("../config/scpd.toml");

/// The embedded configuration with these `[grpc]` TLS keys (paths) added.
fn config(tls: &[(&str, String)]) -> String {
    let keys: String = tls.iter().map(|(k, v)| format!("{k} = {v:?}\n")).collect();
    assert!(EMBEDDED.contains("[grpc]\n"));
    EMBEDDED.replacen("[grpc]\n", &format!("[grpc]\n{keys}"), 1)
}

fn server_tls(pki: &Pki) -> Vec<(&'static str, String)> {
    vec![
        ("tls_cert", pki.p("server.pem")),
        ("tls_key", pki.p("server.key")),
    ]
}

/// A TLS channel trusting `ca`, presenting `identity` (certificate, key) if given.
async fn tls_channel(
    grpc: &str,
    pki: &Pki,
    ca: &str,
    identity: Option<(&str, &str)>,
) -> Result<Channel, String> {
    let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pki.read(ca)));
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(pki.read(cert), pki.read(key)));
    }
    Endpoint::from_shared(format!("https://{grpc}"))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .tls_config(tls)
        .map_err(|e| e.to_string())?
        .connect()
        .await
        .map_err(|e| format!("{e:?}"))
}

/// Enrol and list over `ch`: what a data-session server does first. `Err` if refused.
async fn enrol(ch: Channel, number: &str) -> Result<(), tonic::Status> {
    let mut subs = SubscribersClient::new(ch);
    subs.add(Subscriber {
        number: number.into(),
        user: "alice".into(),
        policy: Policy::Monitor as i32,
        ..Default::default()
    })
    .await?;
    let l = subs.list(ListSubscribersRequest {}).await?.into_inner();
    assert!(l.subscribers.iter().any(|s| s.number == number));
    Ok(())
}

/// `scpd ARGS...`: (success, stdout, stderr).
fn scpd(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_clients_with_the_ca_are_served_and_plaintext_is_refused() {
    let pki = Pki::new("server");
    let d = Scpd::start("tls-server", Some(&config(&server_tls(&pki))));

    // A tonic client trusting the CA enrols a subscriber and follows the events of a call.
    let ch = tls_channel(&d.grpc, &pki, "ca.pem", None).await.unwrap();
    enrol(ch.clone(), "491700000001").await.unwrap();
    let mut stream = CallEventsClient::new(ch.clone())
        .subscribe(SubscribeRequest {
            from_sequence: 0,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let r = d.sim(&["--calls", "1", "--hold-ms", "50"]);
    assert_eq!(r["monitored"].as_u64(), Some(1), "{r}");
    let first = tokio::time::timeout(Duration::from_secs(10), stream.message())
        .await
        .expect("an event within 10 s")
        .unwrap()
        .expect("stream open");
    assert_eq!(first.kind(), EventKind::Trigger);
    assert_eq!(first.sequence, 1);

    // Requests beyond the size limit are refused before they reach a handler.
    let big = SubscribersClient::new(ch)
        .add(Subscriber {
            number: "491700000002".into(),
            user: "x".repeat(100_000),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(big.code(), tonic::Code::OutOfRange, "{big:?}");

    // Plaintext h2 to the TLS port: no gRPC answer.
    let plain = async {
        let ch = Endpoint::from_shared(d.grpc_url())
            .unwrap()
            .connect_timeout(Duration::from_secs(5))
            .connect()
            .await
            .map_err(|e| e.to_string())?;
        enrol(ch, "491700000003").await.map_err(|e| e.to_string())
    };
    let plain = tokio::time::timeout(Duration::from_secs(15), plain)
        .await
        .expect("plaintext attempt ends");
    assert!(
        plain.is_err(),
        "a plaintext client was served over a TLS port"
    );

    // A client that trusts another CA does not accept the daemon's certificate.
    let wrong = tls_channel(&d.grpc, &pki, "rogue.pem", None).await;
    let wrong = match wrong {
        Ok(ch) => enrol(ch, "491700000004").await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let e = wrong.expect_err("a certificate from an untrusted CA was accepted");
    assert!(
        e.contains("UnknownIssuer") || e.contains("certificate"),
        "{e}"
    );

    // The CLI clients: --tls-ca reaches the daemon; without it they fail.
    let (ok, out, err) = scpd(&["events", "--grpc", &d.grpc, "--tls-ca", &pki.p("ca.pem")]);
    assert!(ok, "scpd events --tls-ca: {err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "trigger, answer, disconnect: {out}");
    assert_eq!(lines[0]["sequence"], 1, "{out}");
    let (ok, _, err) = scpd(&["events", "--grpc", &d.grpc]);
    assert!(!ok, "plaintext scpd events succeeded against TLS");
    assert!(err.contains(&format!("gRPC {}", d.grpc)), "{err}");

    let (ok, out, err) = scpd(&[
        "subscriber",
        "add",
        "--grpc",
        &d.grpc,
        "--tls-ca",
        &pki.p("ca.pem"),
        "491700000005",
        "--policy",
        "decide",
    ]);
    assert!(ok, "scpd subscriber add --tls-ca: {err}");
    assert!(out.contains("\"policy\":\"decide\""), "{out}");
    // By name too: the certificate carries localhost.
    let host = d.grpc.replace("127.0.0.1", "localhost");
    let (ok, out, err) = scpd(&[
        "routing-number",
        "allocate",
        "--grpc",
        &host,
        "--tls-ca",
        &pki.p("ca.pem"),
        "4930123456",
    ]);
    assert!(ok, "scpd routing-number allocate --tls-ca: {err}");
    assert!(out.contains("\"target\":\"4930123456\""), "{out}");
    // --tls-domain: the name verified is the one given, not the address's.
    let (ok, _, err) = scpd(&[
        "subscriber",
        "list",
        "--grpc",
        &d.grpc,
        "--tls-ca",
        &pki.p("ca.pem"),
        "--tls-domain",
        "scp.example.net",
    ]);
    assert!(!ok, "a certificate without that name was accepted");
    assert!(
        err.contains("NotValidForName") || err.contains("name"),
        "{err}"
    );
    d.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_serves_only_clients_with_a_certificate_of_the_ca() {
    let pki = Pki::new("mutual");
    let mut keys = server_tls(&pki);
    keys.push(("tls_client_ca", pki.p("ca.pem")));
    let d = Scpd::start("tls-mutual", Some(&config(&keys)));

    // No client certificate: the handshake or the first call is refused.
    let anon = match tls_channel(&d.grpc, &pki, "ca.pem", None).await {
        Ok(ch) => enrol(ch, "491700000001").await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    assert!(anon.is_err(), "served a client without a certificate");
    // A certificate signed by another CA: refused too.
    let rogue = match tls_channel(
        &d.grpc,
        &pki,
        "ca.pem",
        Some(("rogue-client.pem", "rogue-client.key")),
    )
    .await
    {
        Ok(ch) => enrol(ch, "491700000001").await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    assert!(
        rogue.is_err(),
        "served a client whose certificate the CA did not sign"
    );
    // The CA's client certificate: served.
    let ch = tls_channel(&d.grpc, &pki, "ca.pem", Some(("client.pem", "client.key")))
        .await
        .unwrap();
    enrol(ch, "491700000001").await.unwrap();

    // The CLI with --tls-cert/--tls-key is served; without them it is not.
    let r = d.sim(&["--calls", "1", "--hold-ms", "50"]);
    assert_eq!(r["monitored"].as_u64(), Some(1), "{r}");
    let (ok, out, err) = scpd(&[
        "events",
        "--grpc",
        &d.grpc,
        "--tls-ca",
        &pki.p("ca.pem"),
        "--tls-cert",
        &pki.p("client.pem"),
        "--tls-key",
        &pki.p("client.key"),
    ]);
    assert!(ok, "scpd events with a client certificate: {err}");
    assert_eq!(out.lines().count(), 3, "{out}");
    let (ok, _, _) = scpd(&["events", "--grpc", &d.grpc, "--tls-ca", &pki.p("ca.pem")]);
    assert!(!ok, "scpd events without a client certificate was served");
    let (ok, out, err) = scpd(&[
        "subscriber",
        "get",
        "--grpc",
        &d.grpc,
        "--tls-ca",
        &pki.p("ca.pem"),
        "--tls-cert",
        &pki.p("client.pem"),
        "--tls-key",
        &pki.p("client.key"),
        "491700000001",
    ]);
    assert!(ok, "scpd subscriber get with a client certificate: {err}");
    assert!(out.contains("\"user\":\"alice\""), "{out}");
    // --tls-cert needs --tls-key (clap refuses before connecting).
    let (ok, _, err) = scpd(&[
        "events",
        "--tls-ca",
        &pki.p("ca.pem"),
        "--tls-cert",
        &pki.p("client.pem"),
    ]);
    assert!(!ok && err.contains("--tls-key"), "{err}");
    d.stop();
}

/// `scpd run` with `config`: it must exit with an error (before serving); its stderr.
fn run_fails(dir: &Path, config: &str) -> String {
    let path = dir.join("bad.toml");
    std::fs::write(&path, config).unwrap();
    let grpc = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(BIN)
        .args(["run", "--config"])
        .arg(&path)
        .args(["--m3ua-listen", &format!("tcp://127.0.0.1:{}", free_port())])
        .args(["--grpc-listen", &grpc])
        .arg("--db")
        .arg(dir.join("bad.db"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("scpd kept running with a bad TLS configuration");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success(), "{err}");
    assert!(
        std::net::TcpStream::connect(&grpc).is_err(),
        "gRPC was listening"
    );
    err
}

#[test]
fn bad_tls_files_stop_the_start_and_check_config_naming_the_key() {
    let pki = Pki::new("bad");
    std::fs::write(pki.path("garbage.pem"), "not a certificate\n").unwrap();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![
                ("tls_cert", pki.p("missing.pem")),
                ("tls_key", pki.p("server.key")),
            ],
            "grpc.tls_cert",
        ),
        (
            vec![
                ("tls_cert", pki.p("garbage.pem")),
                ("tls_key", pki.p("server.key")),
            ],
            "grpc.tls_cert",
        ),
        (
            vec![
                ("tls_cert", pki.p("server.pem")),
                ("tls_key", pki.p("server.pem")),
            ],
            "grpc.tls_key",
        ),
        // A key that is not the certificate's.
        (
            vec![
                ("tls_cert", pki.p("server.pem")),
                ("tls_key", pki.p("client.key")),
            ],
            "grpc.tls_key",
        ),
        (
            vec![
                ("tls_cert", pki.p("server.pem")),
                ("tls_key", pki.p("server.key")),
                ("tls_client_ca", pki.p("garbage.pem")),
            ],
            "grpc.tls_client_ca",
        ),
        (vec![("tls_cert", pki.p("server.pem"))], "grpc.tls_cert"),
    ];
    for (keys, key) in &cases {
        let text = config(keys);
        let err = run_fails(&pki.dir, &text);
        assert!(err.contains(key), "scpd run: want {key} named in:\n{err}");
        let path = pki.path("check.toml");
        std::fs::write(&path, &text).unwrap();
        let (ok, _, err) = scpd(&["check-config", &path.display().to_string()]);
        assert!(!ok, "check-config accepted {keys:?}");
        assert!(
            err.contains(key),
            "check-config: want {key} named in:\n{err}"
        );
    }
    let path = pki.path("good.toml");
    std::fs::write(&path, config(&server_tls(&pki))).unwrap();
    let (ok, out, err) = scpd(&["check-config", &path.display().to_string()]);
    assert!(ok, "check-config refused good TLS files: {out}{err}");
}

/// Serving plaintext beyond loopback is allowed but must say so loudly; loopback is quiet.
#[test]
fn plaintext_grpc_off_loopback_is_warned_about() {
    let warned = |listen: &str| -> bool {
        let dir = std::env::temp_dir().join(format!("scpd-tls-{}-warn", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut child = Command::new(BIN)
            .args(["run", "--m3ua-listen"])
            .arg(format!("tcp://127.0.0.1:{}", free_port()))
            .args(["--grpc-listen", listen])
            .arg("--db")
            .arg(dir.join("warn.db"))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut warned = false;
        for line in stderr.lines() {
            let line = line.unwrap();
            warned |= line.contains("WARN") && line.contains("WITHOUT TLS");
            if line.contains("scpd ready") {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        warned
    };
    assert!(warned(&format!("0.0.0.0:{}", free_port())));
    assert!(!warned(&format!("127.0.0.1:{}", free_port())));
}
