//! A peer that stops reading is held back on its own association only: the real daemon,
//! one MSC association that floods InitialDPs and reads nothing, another that plays calls
//! one at a time and times each answer before and while the first is stalled.
//!
//! The flooding association's answers pile up in its socket buffers, then in its queue in
//! the daemon; past the queue's high-water mark the daemon stops reading that association
//! (its writes block), and the other association's calls are answered as fast as before.
//! When the stalled peer reads again it gets an answer for every call it got through.

mod common;
mod m3ua_harness;
use m3ua_harness::*;
use scpd::camel::opcode;
use scpd::tcap::itu::MessageType;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Answer latencies of `n` calls played one at a time on `a`, from call number `base`.
fn latencies(a: &mut Assoc, base: u32, n: u32) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let mut c = calls(base + i, 1);
            let t = Instant::now();
            a.begin(&c[0]);
            expect_answers(a, &mut c, MessageType::End, opcode::CONTINUE);
            t.elapsed()
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One M3UA DATA with an InitialDP, as the harness frames it, for call `n`.
fn initial_dp(n: u32) -> Vec<u8> {
    // Frame through an association object over a throwaway socket pair.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (mut s, _) = l.accept().unwrap();
    let mut a = Assoc::new(c, Some(1));
    a.begin(&Call::new(n));
    drop(a);
    common::read_m3ua(&mut s).unwrap()
}

#[test]
fn a_peer_that_stops_reading_does_not_slow_another_association() {
    // A's flood is also an overload of the daemon; overload control (tests/overload.rs)
    // would shed and refuse, which is not what this test is about.
    let d = Daemon::start_with(
        "backpressure",
        "traffic_mode = \"loadshare\"",
        &[
            ("shed_after_ms = 200", "shed_after_ms = 60000"),
            ("refuse_after_ms = 600", "refuse_after_ms = 120000"),
        ],
    );
    // The one that will stall: a small receive buffer so that its answers back up soon.
    let stalled = {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.set_recv_buffer_size(4096).unwrap();
        s.connect(&d.m3ua.parse::<std::net::SocketAddr>().unwrap().into())
            .unwrap();
        TcpStream::from(s)
    };
    let mut a = Assoc::new(stalled, Some(1));
    a.activate(0xa, 2);
    let mut b = Assoc::asp(&d.m3ua, 0xb, Some(1));

    let before = latencies(&mut b, 0xb000_0000, 100);

    // Flood from A without reading, until the daemon stops taking A's bytes.
    let frame = initial_dp(0);
    let mut writer = a.s.try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut sent = 0u32;
    let flooding = Instant::now();
    let stalled_at = loop {
        assert!(
            flooding.elapsed() < Duration::from_secs(60),
            "the daemon kept reading a peer that reads nothing ({sent} calls sent)"
        );
        let mut f = frame.clone();
        // A distinct transaction id per call: the otid sits in the Begin's first octets.
        let otid = (0xa000_0000u32 + sent).to_be_bytes();
        let at = f
            .windows(6)
            .position(|w| w == [0x48, 0x04, 0, 0, 0, 0])
            .unwrap();
        f[at + 2..at + 6].copy_from_slice(&otid);
        match writer.write_all(&f) {
            Ok(()) => sent += 1,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break Instant::now();
            }
            Err(e) => panic!("flood: {e}"),
        }
    };
    eprintln!(
        "A stalled after {sent} calls in {:?}",
        stalled_at - flooding
    );
    assert!(sent > 1000, "stalled too early to mean anything ({sent})");

    // B while A is held back: as fast as before.
    let during = latencies(&mut b, 0xb100_0000, 100);
    let (m0, m1) = (median(before.clone()), median(during.clone()));
    let worst = during.iter().max().unwrap();
    eprintln!("B median before {m0:?}, while A is stalled {m1:?}, worst {worst:?}");
    assert!(
        m1 <= m0 * 3 + Duration::from_millis(10),
        "B's median answer time went from {m0:?} to {m1:?}"
    );
    assert!(
        *worst < Duration::from_millis(500),
        "a B call waited {worst:?}"
    );

    // A reads again: an answer for every call that got through, nothing for the rest.
    let mut answered = 0u32;
    while let Some(ans) = a.try_answer(Duration::from_secs(3)) {
        assert_eq!(ans.kind, MessageType::End, "{ans:?}");
        answered += 1;
    }
    // The last frame may have been cut by the write timeout: it has no answer.
    assert!(
        answered == sent || answered + 1 == sent,
        "{answered} answers for {sent} calls"
    );
    d.stop();
}
