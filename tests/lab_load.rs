//! `scpd sim` as a load generator (issue 8): a short mixed load (CAMEL, AIN, INAP and WIN,
//! originating and terminating, some lines monitored through answer and disconnect) at a
//! target rate against a daemon running ANSI SCCP. Asserts what the run must deliver
//! whatever the machine's speed: every call completed, no errors, consistent latency
//! percentiles, progress printed, and the target rate not exceeded.

mod common;
mod lab_daemon;

use lab_daemon::Daemon;

#[test]
fn mixed_load_at_a_target_rate() {
    let d = Daemon::start("load", Some(200));
    // Call i's served number is its base + (round % 4): one in four calls of each kind is
    // monitored (CAMEL O-CSI and INAP originating, AIN originating, AIN terminating, CAMEL
    // T-CSI and INAP terminating, WIN originating and terminating).
    for n in [
        "491700000001",
        "4930123456",
        "2015550100",
        "2015550199",
        "2125550100",
        "2125550199",
    ] {
        d.monitor(n);
    }
    let (r, stderr) = d.sim(&[
        "--protocol",
        "mix",
        "--mix",
        "originating=1,terminating=1",
        "--rate",
        "200",
        "--duration",
        "2s",
        "--concurrency",
        "64",
        "--numbers",
        "4",
        "--hold-ms",
        "20",
    ]);
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}"));
    let calls = n("calls");
    assert!(calls >= 8, "{r}");
    // The rate is a ceiling: calls start at 200/s for 2 s (the first at 0 s).
    assert!(calls <= 401, "{r}");
    assert_eq!(n("errors"), 0, "{r}");
    assert_eq!(n("timeouts"), 0, "{r}");
    assert_eq!(n("completed"), calls, "{r}");
    assert_eq!(n("continued") + n("monitored"), calls, "{r}");
    assert_eq!(n("camel") + n("ain") + n("inap") + n("win"), calls, "{r}");
    assert_eq!(n("originating") + n("terminating"), calls, "{r}");
    assert!(
        n("camel") > 0 && n("ain") > 0 && n("inap") > 0 && n("win") > 0 && n("terminating") > 0,
        "{r}"
    );
    // A quarter, give or take the calls of one step of the numbers (one round of the mix:
    // two directions of four protocols).
    let m = n("monitored");
    assert!(
        m * 4 + 32 >= calls && m * 4 <= calls + 32,
        "a quarter monitored: {r}"
    );

    let l = &r["latency_us"];
    let p = |k: &str| l[k].as_u64().unwrap();
    assert_eq!(p("count"), calls, "{r}");
    assert!(p("p50") > 0, "{r}");
    assert!(
        p("p50") <= p("p90") && p("p90") <= p("p99") && p("p99") <= p("max"),
        "{r}"
    );
    assert!(
        p("max") < 5_000_000,
        "no answer can take longer than the timeout: {r}"
    );
    assert_eq!(r["end_latency_us"]["count"].as_u64(), Some(m), "{r}");
    assert_eq!(r["rate_target"], 200.0);
    assert!(r["throughput_cps"].as_f64().unwrap() > 0.0, "{r}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("sim ") && l.contains("calls/s")),
        "no progress line: {stderr}"
    );

    // Every call is on the gRPC stream; the monitored ones with answer and disconnect.
    let events = d.events((calls + 2 * m) as usize);
    assert_eq!(events.len() as u64, calls + 2 * m);
    let count = |k: &str| events.iter().filter(|e| e["kind"] == k).count() as u64;
    assert_eq!(
        (count("TRIGGER"), count("ANSWERED"), count("DISCONNECTED")),
        (calls, m, m)
    );
    d.stop();
}
