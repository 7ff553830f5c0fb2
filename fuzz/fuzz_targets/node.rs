//! The whole node (`scpd::node::Node`: SCCP routing control with reassembly and SCMG, ITU
//! and ANSI TCAP, the CAMEL and AIN TC-users, the MAP client towards HLRs, the service
//! engine) fed a sequence of inputs, each a record of `scpd_fuzz::records`:
//!   0 an M3UA message (its DATA goes to the node), 1 an SCCP message, 2 an ITU TCAP
//!   message in a UDT to the CAMEL SSN, 3 an ANSI TCAP package in a UDT to the AIN SSN,
//!   4 time passes (first octet × 250 ms) and timers run, 5 the oldest pending decision is
//!   answered (first octet picks the answer), 6 the load changes (shed, refuse, normal),
//!   7 the HLR is asked (`fixture::hlr_question`: first octet SRI or ATI and the deadline,
//!   100 ms to 4 s; the rest the MSISDN, digits and some that are not), 8 an HLR answer in
//!   a UDT from PC 300 to the MAP SSN (`fixture::hlr_answer`: END, CONTINUE, U-ABORT or
//!   P-ABORT with an AARE accepting or refusing, or an ABRT, to one of the TC-BEGINs the
//!   node sent, picked by an octet; the rest of the body the components; or the rest is a
//!   whole TCAP message, its dtid rewritten to that TC-BEGIN's otid, or as it is).
//! Properties: every SCCP message the node sends decodes, and the TCAP inside the ones it
//! originates decodes; every question put to the HLR gets exactly one answer (none for a
//! question never asked): at once when it cannot be asked (a bad MSISDN) or else after its
//! TC-BEGIN; after everything, an hour later, every question has been answered, nothing is
//! held (dialogues, MAP ones included, reassemblies, decisions) and a fresh CAMEL call is
//! answered with a TC-END.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::lab::sim::initial_dp_begin;
use scpd::m3ua::{Kind, Message};
use scpd::node::{Effects, Load, User};
use scpd::sccp::Unitdata;
use scpd::service::Answer;
use scpd::tcap::ansi::AnsiMessage;
use scpd::tcap::itu::{MessageType, TcMessage};
use scpd_fuzz::fixture::{
    from_hlr, hlr_answer, hlr_begins, hlr_label, hlr_question, label, node, sim, udt, AIN_SSN,
    BOOT_MS, CAMEL_SSN,
};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The TC-BEGINs to HLRs an answer may pick from: the newest this many.
const BEGINS_KEPT: usize = 64;

/// The questions put to the HLR and the ones answered.
#[derive(Default)]
struct Questions {
    next: u64,
    asked: HashSet<u64>,
    answered: HashSet<u64>,
}

impl Questions {
    /// Every answer is to a question asked, and the first for it.
    fn check(&mut self, fx: &Effects) {
        for (id, r) in &fx.hlr {
            assert!(
                self.asked.contains(id),
                "an answer to {id}, never asked: {r:?}"
            );
            assert!(self.answered.insert(*id), "a second answer to {id}: {r:?}");
        }
    }
}

/// What the node sent is SCCP that decodes; what it originated carries TCAP that decodes.
fn check_sent(fx: &Effects) {
    for o in &fx.send {
        let u = match Unitdata::decode(&o.sccp) {
            Ok(u) => u,
            Err(e) => panic!("we sent SCCP we cannot decode: {e} {:02x?}", o.sccp),
        };
        // Returned messages carry the sender's data back as it was; SCMG is not TCAP;
        // a segment is part of a message.
        if u.is_service() || u.segmentation.is_some() || u.called.ssn == Some(1) {
            continue;
        }
        let itu = TcMessage::decode(u.data);
        let ansi = AnsiMessage::decode(u.data);
        assert!(
            itu.is_ok() || ansi.is_ok(),
            "we sent TCAP we cannot decode: {itu:?} / {ansi:?} {:02x?}",
            u.data
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let mut node = node();
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let mut elapsed = Duration::ZERO;
    let mut queries = std::collections::VecDeque::new();
    let mut questions = Questions::default();
    let mut begins = Vec::new();
    for (op, body) in scpd_fuzz::records(data) {
        let now = t0 + elapsed;
        let now_ms = BOOT_MS + elapsed.as_millis() as i64;
        fx.clear();
        match op % 9 {
            0 => {
                if let Ok(m) = Message::parse(body) {
                    if m.kind() == Some(Kind::Data) {
                        if let Ok(pd) = m.protocol_data() {
                            let _ = node.on_data(1, &pd, now, now_ms, &mut fx);
                        }
                    }
                }
            }
            1 => drop(node.on_data(1, &label(body), now, now_ms, &mut fx)),
            2 => drop(node.on_data(1, &label(&udt(CAMEL_SSN, body)), now, now_ms, &mut fx)),
            3 => drop(node.on_data(1, &label(&udt(AIN_SSN, body)), now, now_ms, &mut fx)),
            4 => {
                elapsed +=
                    Duration::from_millis(250 * u64::from(body.first().copied().unwrap_or(4)));
                node.on_timeout(t0 + elapsed, BOOT_MS + elapsed.as_millis() as i64, &mut fx);
            }
            5 => {
                if let Some(id) = queries.pop_front() {
                    let answer = match body.first().copied().unwrap_or(0) % 5 {
                        0 => None,
                        1 => Some(Answer::Continue { monitor: true }),
                        2 => Some(Answer::ConnectTo("4930555".into())),
                        3 => Some(Answer::Release(u32::from(
                            body.get(1).copied().unwrap_or(31),
                        ))),
                        _ => Some(Answer::RoutingNumber("4915199".into())),
                    };
                    node.on_decision(id, answer.as_ref(), now, now_ms, &mut fx);
                }
            }
            6 => node.set_load(match body.first().copied().unwrap_or(0) % 3 {
                0 => Load::Normal,
                1 => Load::Shed,
                _ => Load::Refuse,
            }),
            7 => {
                let (query, within) = hlr_question(body);
                let id = questions.next;
                questions.next += 1;
                questions.asked.insert(id);
                let msisdn = query.msisdn().to_string();
                node.ask_hlr(id, query, now + within, now, now_ms, &mut fx);
                let answered = fx.hlr.iter().find(|(i, _)| *i == id);
                let begins = hlr_begins(&fx.send).len();
                assert!(
                    answered.is_some() != (begins == 1) && begins <= 1,
                    "a question is asked (one TC-BEGIN) or answered at once: {begins} \
                     TC-BEGINs, {answered:?}"
                );
                if msisdn.is_empty() || !msisdn.bytes().all(|b| b.is_ascii_digit()) {
                    assert!(
                        matches!(answered, Some((_, Err(_)))),
                        "{msisdn:?} fails at once: {answered:?}"
                    );
                }
            }
            _ => {
                let tcap = hlr_answer(body, &begins);
                drop(node.on_data(1, &hlr_label(&from_hlr(&tcap)), now, now_ms, &mut fx));
            }
        }
        check_sent(&fx);
        questions.check(&fx);
        begins.extend(hlr_begins(&fx.send));
        if begins.len() > BEGINS_KEPT {
            begins.drain(..begins.len() - BEGINS_KEPT);
        }
        queries.extend(fx.queries.iter().map(|q| q.id));
        // Forwards and notes go to other shards; with one shard there are none.
        assert!(fx.forward.is_empty() && fx.notes.is_empty());
    }
    // An hour later everything has timed out and the node is as good as new.
    node.set_load(Load::Normal);
    elapsed += Duration::from_secs(3600);
    let later = t0 + elapsed;
    let later_ms = BOOT_MS + elapsed.as_millis() as i64;
    fx.clear();
    node.on_timeout(later, later_ms, &mut fx);
    check_sent(&fx);
    questions.check(&fx);
    if let Some(id) = questions.asked.difference(&questions.answered).next() {
        panic!("question {id} never answered");
    }
    assert_eq!(node.dialogues(User::Map), 0, "MAP dialogues end");
    assert_eq!(node.open_dialogues(), 0, "dialogues idle out");
    assert_eq!(node.reassemblies(), 0, "reassemblies time out");
    assert_eq!(node.pending_decisions(), 0, "decisions fall back");
    fx.clear();
    let mut t = Vec::new();
    initial_dp_begin(&sim("4911", "491700000001", false), &[9, 9, 9, 9], &mut t);
    node.on_data(1, &label(&udt(CAMEL_SSN, &t)), later, later_ms, &mut fx)
        .expect("a fresh call is handled");
    check_sent(&fx);
    assert_eq!(fx.send.len(), 1, "one answer");
    let u = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(TcMessage::decode(u.data).unwrap().kind, MessageType::End);
});
