//! 100,000 dialogues opened by a peer that then goes quiet leave nothing behind once the
//! idle timeout has passed: the table, its deadline index, the invoke timers and every
//! per-dialogue list are empty and the counters add up.

use scpd::ber::Writer;
use scpd::tcap::itu::{self, DialogueOut, MessageType};
use scpd::tcap::sm::*;
use scpd::tcap::tc::*;
use std::time::{Duration, Instant};

const N: u32 = 100_000;
const CAP2: &[u8] = scpd::camel::ac::CAP_V2_GSMSSF_TO_GSMSCF;

#[test]
fn abandoned_dialogues_leave_nothing_after_the_idle_timeout() {
    let t0 = Instant::now();
    let mut cfg = TcapConfig::new(Variant::Itu);
    cfg.max_dialogues = N as usize;
    cfg.idle_timeout = Duration::from_secs(30);
    cfg.instance = 3;
    let mut t: Tcap<u32> = Tcap::new(cfg);
    let mut buf = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for i in 0..N {
        buf.clear();
        itu::encode(
            &mut buf,
            MessageType::Begin,
            Some(&i.to_be_bytes()),
            None,
            Some(DialogueOut::Aarq { ac: CAP2 }),
            |w: &mut Writer<'_>| itu::invoke(w, 1, 0, |_| {}),
        );
        let now = t0 + Duration::from_micros(u64::from(i));
        t.on_message(i, 146, &buf, now);
        let Some(Indication::Begin { dialogue, .. }) = t.poll_indication() else {
            panic!("dialogue {i} not opened")
        };
        assert!(ids.insert(dialogue), "transaction ids never collide");
        // Every other dialogue: the user answers with an Invoke under a 10 s timer and keeps
        // the peer's InitialDP unanswered (class 1: remembered); the peer never comes back.
        if i % 2 == 0 {
            t.invoke(
                dialogue,
                Invoke {
                    op: Operation::Local(23),
                    class: OpClass::Class1,
                    timeout: Duration::from_secs(10),
                    parameter: None,
                    linked_id: None,
                    last: true,
                },
            )
            .unwrap();
            t.continue_(dialogue, now).unwrap();
        }
        while t.poll_transmit().is_some() {}
    }
    let live = t.footprint();
    assert_eq!(live[0], N as usize);
    assert_eq!(live[1], N as usize);
    assert_eq!(live[2], N as usize / 2, "invoke timers");
    assert_eq!(live[3], N as usize / 2, "our invocations");
    assert_eq!(
        live[4], N as usize,
        "received invocations awaiting an answer"
    );
    // The table is full: one more is refused with resourceLimitation, not a crash.
    buf.clear();
    itu::encode(&mut buf, MessageType::Begin, Some(&[1]), None, None, |_| {});
    t.on_message(0, 146, &buf, t0);
    assert_eq!(t.dialogues(), N as usize);

    t.on_timeout(t0 + Duration::from_secs(31));
    let (mut cancels, mut timeouts) = (0, 0);
    while let Some(i) = t.poll_indication() {
        match i {
            Indication::LCancel { .. } => cancels += 1,
            Indication::Timeout { .. } => timeouts += 1,
            i => panic!("{i:?}"),
        }
    }
    let mut aborts = 0;
    while t.poll_transmit().is_some() {
        aborts += 1;
    }
    assert_eq!((cancels, timeouts, aborts), (N / 2, N, N + 1));
    assert_eq!(t.footprint(), [0; 6]);
    assert_eq!(t.dialogues(), 0);
    assert_eq!(t.next_deadline(), None);
    let c = t.counters();
    assert_eq!(c.opened_incoming, u64::from(N));
    assert_eq!(c.timed_out, u64::from(N));
    assert_eq!(c.closed(), c.opened());
    assert_eq!(c.invoke_timeouts, u64::from(N / 2));
    assert_eq!(c.p_abort_answers[&PAbortCause::ResourceLimitation], 1);
}
