//! Helpers shared by the fuzz targets and by the seed writer (`fuzz/seeds.rs`, which
//! includes this file): a generic BER re-encoder, the record framing of the stateful
//! targets' inputs, the CAP operation table and the node the node target drives (with
//! its HLR: the questions and answers of the MAP client records).

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
    use scpd::node::{Outgoing, StackConfig};
    use scpd::sccp::Unitdata;
    use scpd::service::hlr::HlrQuery;
    use scpd::tcap::itu::{self, DialogueOut, MessageType, TcMessage};
    use scpd::tcuser::hlr::{HlrRoute, HlrSettings};

    pub const OURS: u32 = 200;
    pub const MSC: u32 = 100;
    pub const CAMEL_SSN: u8 = 146;
    pub const AIN_SSN: u8 = 247;
    /// Our MAP subsystem (the gsmSCF's), our global title, and the point code the HLR
    /// questions go to and the answers come from (an STP translating the MSISDN).
    pub const MAP_SSN: u8 = 147;
    pub const SCF_GT: &str = "491720009999";
    pub const HLR_PC: u32 = 300;
    /// The HLR's subsystem: the calling party of its answers.
    pub const HLR_SSN: u8 = 6;
    /// The most MSISDN characters an "ask the HLR" record gives (more than E.164's 15, so
    /// that overlong numbers are asked too).
    pub const MAX_MSISDN: usize = 20;
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
        Node::with_stack(
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
            StackConfig {
                hlr: Some(hlr_settings()),
                ..StackConfig::default()
            },
            table,
            BOOT_MS,
        )
    }

    /// `[hlr]`: every number asked via [`HLR_PC`] by its MSISDN as GT, the 4915 range by
    /// its HLR's own GT.
    pub fn hlr_settings() -> HlrSettings {
        HlrSettings {
            ssn: MAP_SSN,
            gt: SCF_GT.into(),
            translation_type: 0,
            routes: vec![
                HlrRoute {
                    prefix: String::new(),
                    pc: HLR_PC,
                    gt: None,
                },
                HlrRoute {
                    prefix: "4915".into(),
                    pc: HLR_PC,
                    gt: Some("491500000000".into()),
                },
            ],
            camel_phases: 4,
            suppress_t_csi: true,
            suppress_mt_ss: 0b10,
        }
    }

    /// The question of an "ask the HLR" record and how long it may take: the first octet's
    /// bit 0 picks SendRoutingInfo (MSRN) or AnyTimeInterrogation (locate), its other bits
    /// the deadline, 100 ms × (1 + (octet >> 1) % 40); each further octet (at most
    /// [`MAX_MSISDN`]) is one character of the MSISDN: a digit (ASCII digits stand for
    /// themselves), or for the octets 250 to 255 something that is not one.
    pub fn hlr_question(body: &[u8]) -> (HlrQuery, Duration) {
        let first = body.first().copied().unwrap_or(0);
        let msisdn: String = body
            .iter()
            .skip(1)
            .take(MAX_MSISDN)
            .map(|&b| match b {
                0..=249 => char::from(b'0' + b.wrapping_sub(b'0') % 10),
                250 => '*',
                251 => '#',
                252 => 'a',
                253 => '+',
                254 => ' ',
                _ => '\u{e9}',
            })
            .collect();
        let query = if first & 1 == 0 {
            HlrQuery::Msrn { msisdn }
        } else {
            HlrQuery::Locate {
                msisdn,
                current: first & 0x80 != 0,
            }
        };
        let deadline = Duration::from_millis(100 * (1 + u64::from(first >> 1) % 40));
        (query, deadline)
    }

    /// The body of an "ask the HLR" record (seeds): `steps` × 100 ms (1 to 40), the MSISDN's
    /// octets (ASCII digits, or 250 to 255 for characters that are not).
    pub fn hlr_question_body(locate: bool, steps: u8, msisdn: &[u8]) -> Vec<u8> {
        let mut b = vec![((steps.clamp(1, 40) - 1) << 1) | u8::from(locate)];
        b.extend_from_slice(msisdn);
        b
    }

    /// The TC-BEGINs among what the node sent that go to an HLR (from our MAP subsystem):
    /// each one's transaction id and application context.
    pub fn hlr_begins(send: &[Outgoing]) -> Vec<(Vec<u8>, Vec<u8>)> {
        send.iter()
            .filter_map(|o| Unitdata::decode(&o.sccp).ok())
            .filter(|u| u.calling.ssn == Some(MAP_SSN) && !u.is_service())
            .filter_map(|u| {
                let m = TcMessage::decode(u.data).ok()?;
                (m.kind == MessageType::Begin).then(|| {
                    (
                        m.otid.unwrap_or_default().to_vec(),
                        m.application_context().unwrap_or_default().to_vec(),
                    )
                })
            })
            .collect()
    }

    /// What an "HLR answer" record's first octet says, bits 0–2: the message.
    pub mod answer {
        pub const END: u8 = 0;
        pub const CONTINUE: u8 = 1;
        /// TC-U-ABORT: an ABORT with the dialogue portion (and whatever components).
        pub const ABORT: u8 = 2;
        /// An ABORT with the P-Abort cause of octet 2.
        pub const P_ABORT: u8 = 3;
        /// The rest of the body is a whole TCAP message; when it decodes with a dtid, the
        /// dtid is replaced by the TC-BEGIN's otid.
        pub const REDIRECTED: u8 = 4;
        /// The rest of the body as it is, a TCAP message or not.
        pub const RAW: u8 = 5;
        pub const END_TOO: u8 = 6;
        pub const CONTINUE_TOO: u8 = 7;
        /// Bits 3–5: the dialogue portion. None.
        pub const NO_DIALOGUE: u8 = 0;
        /// AARE accepting the application context the TC-BEGIN proposed.
        pub const ACCEPTED: u8 = 1 << 3;
        pub const ACCEPTED_SRI_V3: u8 = 2 << 3;
        pub const ACCEPTED_SRI_V2: u8 = 3 << 3;
        pub const ACCEPTED_ATI_V3: u8 = 4 << 3;
        /// AARE refusing the AC (application-context-name-not-supported) naming SRI v2.
        pub const REFUSED_V2: u8 = 5 << 3;
        /// AARE refusing: octet 2 picks the AC named (bits 0–1) and the diagnostic's
        /// source (bit 7) and value (bits 2–3).
        pub const REFUSED: u8 = 6 << 3;
        /// ABRT, octet 2 bit 0 the source.
        pub const ABRT: u8 = 7 << 3;
    }

    /// Octets before the components of an "HLR answer" record: the message and dialogue
    /// portion ([`answer`]), which TC-BEGIN is answered (0: the newest, counting back), a
    /// value (P-Abort cause, AARE diagnostic, ABRT source) and the last octet of the HLR's
    /// transaction id (a TC-CONTINUE's otid).
    pub const ANSWER_HEADER: usize = 4;

    /// The TCAP message of an "HLR answer" record `body` to one of the TC-BEGINs `begins`
    /// the node sent so far (see [`hlr_begins`]): the header ([`ANSWER_HEADER`]) picks the
    /// message, its dialogue portion and the dialogue, the rest is the component portion's
    /// contents (or the whole message, [`answer::REDIRECTED`], [`answer::RAW`]).
    pub fn hlr_answer(body: &[u8], begins: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
        use scpd::map::ac;
        let h = |i: usize| body.get(i).copied().unwrap_or(0);
        let (what, pick, value, hlr_tid) = (h(0), h(1), h(2), h(3));
        let rest = body.get(ANSWER_HEADER..).unwrap_or_default();
        let (dtid, proposed) = match begins.len() {
            0 => (vec![0, 0, 0, pick], &[][..]),
            n => {
                let (otid, ac) = &begins[n - 1 - usize::from(pick) % n];
                (otid.clone(), &ac[..])
            }
        };
        let mut t = Vec::new();
        let kind = match what & 7 {
            answer::END | answer::END_TOO => MessageType::End,
            answer::CONTINUE | answer::CONTINUE_TOO => MessageType::Continue,
            answer::ABORT => MessageType::Abort,
            answer::P_ABORT => {
                let mut w = Writer::new(&mut t);
                w.constructed(itu::tags::ABORT, |w| {
                    w.primitive(itu::tags::DTID, &dtid);
                    w.integer(itu::tags::P_ABORT_CAUSE, value.into());
                });
                return t;
            }
            answer::REDIRECTED => {
                match TcMessage::decode(rest) {
                    Ok(mut m) if m.dtid.is_some() => {
                        m.dtid = Some(&dtid);
                        m.encode(&mut t);
                    }
                    _ => t.extend_from_slice(rest),
                }
                return t;
            }
            _ => return rest.to_vec(),
        };
        let named = [
            ac::LOCATION_INFO_RETRIEVAL_V3,
            ac::LOCATION_INFO_RETRIEVAL_V2,
            ac::ANY_TIME_INFO_ENQUIRY_V3,
            &[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x04][..],
        ];
        let accepted = |ac| DialogueOut::Aare {
            ac,
            result: 0,
            diagnostic: (1, 0),
        };
        let dialogue = match what & (7 << 3) {
            answer::ACCEPTED => Some(accepted(proposed)),
            answer::ACCEPTED_SRI_V3 => Some(accepted(ac::LOCATION_INFO_RETRIEVAL_V3)),
            answer::ACCEPTED_SRI_V2 => Some(accepted(ac::LOCATION_INFO_RETRIEVAL_V2)),
            answer::ACCEPTED_ATI_V3 => Some(accepted(ac::ANY_TIME_INFO_ENQUIRY_V3)),
            answer::REFUSED_V2 => Some(DialogueOut::Aare {
                ac: ac::LOCATION_INFO_RETRIEVAL_V2,
                result: 1,
                diagnostic: (1, 2),
            }),
            answer::REFUSED => Some(DialogueOut::Aare {
                ac: named[usize::from(value & 3)],
                result: 1,
                diagnostic: (1 + (value >> 7), (value >> 2) & 3),
            }),
            answer::ABRT => Some(DialogueOut::Abrt { source: value & 1 }),
            _ => None,
        };
        let otid = [0x48, 0x4c, 0x52, hlr_tid];
        let otid = (kind == MessageType::Continue).then_some(&otid[..]);
        itu::encode(&mut t, kind, otid, Some(&dtid), dialogue, |w| w.raw(rest));
        t
    }

    /// The body of an "HLR answer" record (seeds): `what` ([`answer`]), the TC-BEGIN
    /// answered (0 the newest), the value octet and the component portion's contents.
    pub fn hlr_answer_body(what: u8, pick: u8, value: u8, components: &[u8]) -> Vec<u8> {
        let mut b = vec![what, pick, value, 0x01];
        b.extend_from_slice(components);
        b
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

    /// The routing label of a message from the HLR's side (the STP) to us.
    pub fn hlr_label(data: &[u8]) -> ProtocolData<'_> {
        ProtocolData {
            opc: HLR_PC,
            sls: 5,
            ..label(data)
        }
    }

    /// A UDT from the HLR to our MAP subsystem carrying `tcap`.
    pub fn from_hlr(tcap: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        encode_udt(
            &mut u,
            0x01,
            &Address::ssn_pc(OURS, MAP_SSN),
            &Address::ssn_pc(HLR_PC, HLR_SSN),
            tcap,
        );
        u
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
