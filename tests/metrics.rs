//! Prometheus metrics of the real daemon: counters against the calls a simulated MSC made,
//! the exposition checked by `promtool check metrics`, and a real Prometheus server
//! scraping the daemon and answering a query for one of its counters.
//!
//! promtool and prometheus come from Debian's `prometheus` package (CI installs it); without
//! them the checks that need them fail where `CI` is set and say they skipped elsewhere.

mod common;

use common::{free_port, Scpd};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `GET path` on `addr`; the body (HTTP/1.0, so the server closes when done).
fn get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let (head, body) = r.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(
        head.starts_with("HTTP/1.") && head.contains(" 200 "),
        "{head}"
    );
    body.to_string()
}

/// The value of the sample `name{labels}` as the text format writes it.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn tool(name: &str) -> bool {
    let found = Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} missing (Debian package prometheus), and CI is set"
        );
        eprintln!("skipped: {name} not installed (apt-get install prometheus)");
    }
    found
}

#[test]
fn counters_match_the_calls_made_and_promtool_accepts_them() {
    let d = Scpd::start("metrics", None);
    let report = d.sim(&["--calls", "40", "--concurrency", "8", "--hold-ms", "0"]);
    assert_eq!(report["completed"], 40, "{report}");
    let text = get(&d.metrics, "/metrics");
    let at =
        |series: &str| sample(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert_eq!(
        at(r#"scpd_tcap_dialogues_begun_total{by="peer",tcap="itu"}"#),
        40.0
    );
    assert_eq!(
        at(r#"scpd_tcap_dialogues_ended_total{how="end",tcap="itu"}"#),
        40.0
    );
    assert_eq!(at(r#"scpd_tcap_dialogues_open{tcap="itu"}"#), 0.0);
    assert_eq!(
        at(r#"scpd_triggers_total{direction="originating",protocol="camel"}"#),
        40.0
    );
    // Nobody is enrolled: every call is Continued.
    assert_eq!(
        at(r#"scpd_answers_total{instruction="continue",protocol="camel"}"#),
        40.0
    );
    assert_eq!(
        at(r#"scpd_call_events_total{kind="trigger",protocol="camel"}"#),
        40.0
    );
    // One DATA in (InitialDP) and one out (Continue in TC-END) per call, after ASPUP/ASPAC.
    assert_eq!(
        at(r#"scpd_m3ua_messages_total{direction="in",message="DATA"}"#),
        40.0
    );
    assert_eq!(
        at(r#"scpd_m3ua_messages_total{direction="out",message="DATA"}"#),
        40.0
    );
    assert!(at(r#"scpd_m3ua_messages_total{direction="in",message="ASPAC"}"#) >= 1.0);
    assert!(at(r#"scpd_m3ua_messages_total{direction="out",message="ASPAC_ACK"}"#) >= 1.0);
    // The sim has gone: its association too, once the daemon has read the close.
    let active = r#"scpd_m3ua_associations{side="server",state="active"}"#;
    let deadline = Instant::now() + Duration::from_secs(5);
    while sample(&get(&d.metrics, "/metrics"), active) != Some(0.0) {
        assert!(
            Instant::now() < deadline,
            "the sim's association is still active"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(at("scpd_journal_events_total") >= 40.0);
    assert_eq!(at(r#"scpd_sccp_messages_received_total{type="UDT"}"#), 40.0);
    let by_kind: f64 = text
        .lines()
        .filter(|l| {
            l.starts_with("scpd_triggers_by_kind_total{") && l.contains(r#"protocol="camel""#)
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(by_kind, 40.0, "{text}");
    // Each write of answers is observed once, at most one per call here, all well in time.
    let answers = at("scpd_answer_latency_seconds_count");
    assert!((1.0..=40.0).contains(&answers), "{answers}");
    assert_eq!(at(r#"scpd_answer_latency_seconds_bucket{le="1"}"#), answers);
    assert!(at("scpd_answer_latency_seconds_sum") > 0.0);
    assert!(at("scpd_journal_commit_duration_seconds_count") >= 1.0);
    assert_eq!(
        at(r#"scpd_overload_state{state="normal"}"#),
        at("scpd_shards")
    );
    assert!(at("process_resident_memory_bytes") > 0.0);
    // Nothing decided, nothing allocated yet; the embedded default's two lab pools.
    assert_eq!(at("scpd_decision_queries_total"), 0.0);
    assert_eq!(
        at(r#"scpd_routing_numbers_live{kind="trn",pool="trn"}"#),
        0.0
    );
    assert_eq!(
        at(r#"scpd_routing_numbers_size{kind="anchor",pool="anchor"}"#),
        1000.0
    );

    // A decide subscriber's call with no data-session server connected: the fallback at
    // once. A routing number allocated over gRPC.
    let scpd = |args: &[&str]| {
        let ok = Command::new(env!("CARGO_BIN_EXE_scpd"))
            .args(args)
            .args(["--grpc", &d.grpc])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "scpd {args:?}");
    };
    scpd(&["subscriber", "add", "491700000001", "--policy", "decide"]);
    scpd(&["routing-number", "allocate", "491709999999"]);
    d.sim(&["--calls", "1", "--numbers", "1", "--hold-ms", "0"]);
    let text = get(&d.metrics, "/metrics");
    let at =
        |series: &str| sample(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert_eq!(at("scpd_decision_queries_total"), 1.0);
    assert_eq!(
        at(r#"scpd_decision_outcomes_total{outcome="no_client"}"#),
        1.0
    );
    assert_eq!(
        at(r#"scpd_decision_outcomes_total{outcome="answered"}"#),
        0.0
    );
    assert_eq!(
        at(r#"scpd_routing_numbers_live{kind="trn",pool="trn"}"#),
        1.0
    );
    assert_eq!(
        at(r#"scpd_routing_numbers_total{event="allocated",pool="trn"}"#),
        1.0
    );

    // A subscriber replaying the journal: listed, and caught up (lag 0) once it has all;
    // gone from the list when it goes.
    let mut follower = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args(["events", "--follow", "--grpc", &d.grpc])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = get(&d.metrics, "/metrics");
        let lags: Vec<f64> = t
            .lines()
            .filter_map(|l| l.strip_prefix("scpd_event_subscriber_lag_events{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
            .collect();
        if sample(&t, "scpd_event_subscribers") == Some(1.0) && lags == [0.0] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no caught-up subscriber: {lags:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = follower.kill();
    let _ = follower.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sample(&get(&d.metrics, "/metrics"), "scpd_event_subscribers") != Some(0.0) {
        assert!(
            Instant::now() < deadline,
            "the subscriber's stream stayed open"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    if tool("promtool") {
        let mut p = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        p.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = p.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool check metrics: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    d.stop();
}

#[test]
fn a_prometheus_server_scrapes_the_daemon() {
    if !tool("prometheus") {
        return;
    }
    let d = Scpd::start("metrics-prom", None);
    d.sim(&["--calls", "7", "--hold-ms", "0"]);
    let dir = std::env::temp_dir().join(format!("scpd-prom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: scpd\n    \
             static_configs:\n      - targets: ['{}']\n",
            d.metrics
        ),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let mut prom = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={web}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start prometheus");
    let query = "/api/v1/query?query=scpd_triggers_total%7Bprotocol%3D%22camel%22%7D";
    let deadline = Instant::now() + Duration::from_secs(60);
    let value = loop {
        let answer = std::net::TcpStream::connect(&web)
            .ok()
            .map(|_| get(&web, query))
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok());
        let v = answer.as_ref().and_then(|a| {
            a["data"]["result"][0]["value"][1]
                .as_str()
                .map(str::to_string)
        });
        if let Some(v) = v {
            break v;
        }
        assert!(
            Instant::now() < deadline,
            "prometheus never had the counter: {answer:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    let _ = prom.kill();
    let _ = prom.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(value, "7");
    d.stop();
}
