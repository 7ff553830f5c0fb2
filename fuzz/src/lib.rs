//! Helpers shared by the fuzz targets and by the seed writer (`fuzz/seeds.rs`, which
//! includes this file): a generic BER re-encoder, the record framing of the stateful
//! targets' inputs, the CAP operation table and the node the node target drives.

use scpd::ber::{Reader, Tlv, Writer};
use scpd::camel;
use scpd::lab::sim::SimConfig;
use scpd::m3ua::ProtocolData;
use scpd::node::{Node, NodeConfig};
use scpd::sccp::{encode_udt, Address};
use scpd::service::{Policy, Subscriber, SubscriberTable};
use scpd::tcap::dialogues::Shards;
use std::sync::Arc;
use std::time::Duration;

/// Deepest nesting [`reencode`] follows; deeper inputs are not re-encoded (the reader has
/// its own bound for indefinite lengths, this one keeps the re-encoder's recursion small).
pub const MAX_NESTING: usize = 64;

/// Re-encode every element of one level canonically (definite minimal lengths, one-octet
/// tags where they fit), recursing into constructed elements. `None` when something in the
/// tree does not decode or nests deeper than [`MAX_NESTING`].
pub fn reencode(level: &[u8], w: &mut Writer<'_>, depth: usize) -> Option<()> {
    if depth > MAX_NESTING {
        return None;
    }
    let mut r = Reader::new(level);
    while let Some(t) = r.next_tlv().ok()? {
        reencode_tlv(&t, w, depth)?;
    }
    Some(())
}

/// Re-encode one element (see [`reencode`]).
pub fn reencode_tlv(t: &Tlv<'_>, w: &mut Writer<'_>, depth: usize) -> Option<()> {
    if t.tag.constructed {
        let mut ok = Some(());
        w.constructed(t.tag, |w| ok = reencode(t.value, w, depth + 1));
        ok
    } else {
        w.primitive(t.tag, t.value);
        Some(())
    }
}

/// The canonical re-encoding of a whole buffer of elements, if it all decodes.
pub fn canonical(buf: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(buf.len());
    reencode(buf, &mut Writer::new(&mut out), 0)?;
    Some(out)
}

/// Split a fuzz input into records: each is one tag octet (what to do) and a body whose
/// length is the next two octets (big-endian), cut short at the end of the input. Keeping
/// the framing this simple lets libFuzzer's mutations (and the seeds from captures, written
/// in the same framing) change one message of a sequence without breaking the others.
pub fn records(mut data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let (&op, rest) = data.split_first()?;
        let (len, rest) = match rest {
            [a, b, rest @ ..] => (usize::from(u16::from_be_bytes([*a, *b])), rest),
            _ => (rest.len(), &[][..]),
        };
        let n = len.min(rest.len());
        let (body, rest) = rest.split_at(n);
        data = rest;
        Some((op, body))
    })
}

/// Append one record in the framing [`records`] reads (seed writers use it).
pub fn push_record(out: &mut Vec<u8>, op: u8, body: &[u8]) {
    let n = body.len().min(usize::from(u16::MAX));
    out.push(op);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&body[..n]);
}

/// Every operation code `camel::opcode` names, in the order the CAP target's first input
/// octet selects them (modulo the length).
pub const CAP_OPCODES: &[u32] = &[
    camel::opcode::INITIAL_DP,
    camel::opcode::ASSIST_REQUEST_INSTRUCTIONS,
    camel::opcode::ESTABLISH_TEMPORARY_CONNECTION,
    camel::opcode::DISCONNECT_FORWARD_CONNECTION,
    camel::opcode::CONNECT_TO_RESOURCE,
    camel::opcode::CONNECT,
    camel::opcode::RELEASE_CALL,
    camel::opcode::REQUEST_REPORT_BCSM_EVENT,
    camel::opcode::EVENT_REPORT_BCSM,
    camel::opcode::COLLECT_INFORMATION,
    camel::opcode::CONTINUE,
    camel::opcode::INITIATE_CALL_ATTEMPT,
    camel::opcode::RESET_TIMER,
    camel::opcode::FURNISH_CHARGING_INFORMATION,
    camel::opcode::APPLY_CHARGING,
    camel::opcode::APPLY_CHARGING_REPORT,
    camel::opcode::CALL_GAP,
    camel::opcode::CALL_INFORMATION_REPORT,
    camel::opcode::CALL_INFORMATION_REQUEST,
    camel::opcode::SEND_CHARGING_INFORMATION,
    camel::opcode::PLAY_ANNOUNCEMENT,
    camel::opcode::PROMPT_AND_COLLECT_USER_INFORMATION,
    camel::opcode::SPECIALIZED_RESOURCE_REPORT,
    camel::opcode::CANCEL,
    camel::opcode::ACTIVITY_TEST,
    camel::opcode::CONTINUE_WITH_ARGUMENT,
    camel::opcode::DISCONNECT_FORWARD_CONNECTION_WITH_ARGUMENT,
    camel::opcode::DISCONNECT_LEG,
    camel::opcode::MOVE_LEG,
    camel::opcode::SPLIT_LEG,
    camel::opcode::ENTITY_RELEASED,
    camel::opcode::PLAY_TONE,
    camel::opcode::INITIAL_DP_SMS,
    camel::opcode::FURNISH_CHARGING_INFORMATION_SMS,
    camel::opcode::CONNECT_SMS,
    camel::opcode::REQUEST_REPORT_SMS_EVENT,
    camel::opcode::EVENT_REPORT_SMS,
    camel::opcode::CONTINUE_SMS,
    camel::opcode::RELEASE_SMS,
    camel::opcode::RESET_TIMER_SMS,
    camel::opcode::ACTIVITY_TEST_GPRS,
    camel::opcode::APPLY_CHARGING_GPRS,
    camel::opcode::APPLY_CHARGING_REPORT_GPRS,
    camel::opcode::CANCEL_GPRS,
    camel::opcode::CONNECT_GPRS,
    camel::opcode::CONTINUE_GPRS,
    camel::opcode::ENTITY_RELEASED_GPRS,
    camel::opcode::FURNISH_CHARGING_INFORMATION_GPRS,
    camel::opcode::INITIAL_DP_GPRS,
    camel::opcode::RELEASE_GPRS,
    camel::opcode::EVENT_REPORT_GPRS,
    camel::opcode::REQUEST_REPORT_GPRS_EVENT,
    camel::opcode::RESET_TIMER_GPRS,
    camel::opcode::SEND_CHARGING_INFORMATION_GPRS,
];

/// The node target's setup, shared with the seed writer so that seeds can continue the
/// dialogues the node opens (its transaction ids are deterministic).
pub mod fixture {
    use super::*;

    pub const OURS: u32 = 200;
    pub const MSC: u32 = 100;
    pub const CAMEL_SSN: u8 = 146;
    pub const AIN_SSN: u8 = 247;
    pub const BOOT_MS: i64 = 1_700_000_000_000;
    /// Subscribers by policy: CAMEL (E.164) and AIN (10-digit DNs).
    pub const SUBSCRIBERS: &[(&str, Policy)] = &[
        ("491700000009", Policy::Monitor),
        ("491700000008", Policy::Decide),
        ("491700000007", Policy::Anchor),
        ("2015550100", Policy::Monitor),
        ("2015550101", Policy::Decide),
    ];

    pub fn node() -> Node {
        let table: SubscriberTable = Default::default();
        for (n, policy) in SUBSCRIBERS {
            table.write().unwrap().insert(
                n.to_string(),
                Arc::new(Subscriber {
                    number: n.to_string(),
                    policy: *policy,
                    ..Default::default()
                }),
            );
        }
        Node::new(
            NodeConfig {
                point_code: OURS,
                network_indicator: 2,
                camel_ssn: CAMEL_SSN,
                ain_ssn: Some(AIN_SSN),
                instance: 7,
                shards: Shards::ONE,
                max_dialogues: 16,
                dialogue_idle: Duration::from_secs(30),
            },
            table,
            BOOT_MS,
        )
    }

    /// The routing label of a message from the switch to us.
    pub fn label(data: &[u8]) -> ProtocolData<'_> {
        ProtocolData {
            opc: MSC,
            dpc: OURS,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 3,
            data,
        }
    }

    /// A UDT from the switch to `ssn` carrying `tcap`, return on error.
    pub fn udt(ssn: u8, tcap: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        encode_udt(
            &mut u,
            0x81,
            &Address::ssn_pc(OURS, ssn),
            &Address::ssn_pc(MSC, ssn),
            tcap,
        );
        u
    }

    /// The simulator's CAMEL call from `calling` (O-CSI) or to `called` (T-CSI).
    pub fn sim(calling: &str, called: &str, terminating: bool) -> SimConfig {
        SimConfig {
            to: "127.0.0.1:1".parse().unwrap(),
            calls: 1,
            concurrency: 1,
            calling: calling.into(),
            called: called.into(),
            imsi: "262011234567890".into(),
            terminating,
            opc: MSC,
            dpc: OURS,
            ssn: CAMEL_SSN,
            routing_context: None,
            service_key: 7,
            hold: Duration::ZERO,
            timeout: Duration::from_secs(1),
        }
    }

    /// A TC-CONTINUE with EventReportBCSM `event` (7 oAnswer, 9 oDisconnect, ...).
    pub fn event_report(scp_tid: &[u8], msc_tid: &[u8], event: u8, notification: bool) -> Vec<u8> {
        use camel::ops::MiscCallInfo;
        use scpd::tcap::itu::{self, MessageType};
        let mut t = Vec::new();
        itu::encode(
            &mut t,
            MessageType::Continue,
            Some(msc_tid),
            Some(scp_tid),
            None,
            |w| {
                let mut er = camel::EventReportBcsmArg::new(
                    camel::EventTypeBcsm(event),
                    camel::LegType::LEG2,
                );
                er.misc_call_info = Some(if notification {
                    MiscCallInfo::NOTIFICATION
                } else {
                    MiscCallInfo::REQUEST
                });
                itu::invoke(w, 1, camel::opcode::EVENT_REPORT_BCSM, |w| er.encode(w));
            },
        );
        t
    }
}
