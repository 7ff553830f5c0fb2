//! Seed corpora for the fuzz targets, written at run time from `../shared/traces` and from
//! the crate's own encoders (so no corpus is committed): `fuzz/run.sh` runs
//! `cargo run --example fuzz_seeds -- TRACES OUT` and hands `OUT/<target>` to each target.
//!
//! Each capture is read with the crate's capture reader and split into the layer every
//! target takes: M3UA messages (one at a time and as streams), SCCP messages, ITU and ANSI
//! TCAP, CAP and AIN invoke arguments (behind the octet that selects their operation),
//! BER elements, number values, the capture itself cut to a few packets, and the whole
//! sequence as node records. Hex vector files go the same way by what they hold. Then the
//! simulator's calls (monitored, decided, anchored; CAMEL and AIN) are played against the
//! node target's node so that the seeds continue the dialogues it opens, and the node's
//! questions to the HLR get the answers of every kind (results, errors, refusals, aborts).

#[path = "src/lib.rs"]
#[allow(dead_code)]
mod fuzzlib;

use fuzzlib::fixture;
use scpd::ain::{AinMessage, Operation};
use scpd::ber::Reader;
use scpd::lab::capture::{read_capture, CaptureOptions, Payload};
use scpd::m3ua::{Kind, Message};
use scpd::node::Effects;
use scpd::sccp::{Unitdata, Variant};
use scpd::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode, PackageType};
use scpd::tcap::itu::{Component, TcMessage};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// At most this many seeds per target (the rest adds little but start-up time).
const MAX_PER_TARGET: usize = 400;
/// Stream and sequence seeds are cut to about this size (libFuzzer's -max_len follows the
/// largest seed).
const MAX_SEQUENCE: usize = 4096;
/// Captures are cut to about this size at a packet boundary.
const MAX_CAPTURE: usize = 16 * 1024;

/// Node record kinds (see fuzz_targets/node.rs).
const REC_M3UA: u8 = 0;
const REC_SCCP: u8 = 1;
const REC_ITU: u8 = 2;
const REC_ANSI: u8 = 3;
const REC_TIME: u8 = 4;
const REC_DECIDE: u8 = 5;
const REC_HLR_ASK: u8 = 7;
const REC_HLR_ANSWER: u8 = 8;

/// What the map target's selector octet says follows (see fuzz_targets/map.rs, bits 3–2).
const MAP_INVOKE: u8 = 0;
const MAP_RESULT: u8 = 1;
const MAP_ERROR: u8 = 2;
const MAP_GEOGRAPHICAL: u8 = 3;

struct Seeds {
    out: PathBuf,
    seen: HashSet<(&'static str, u64)>,
    count: BTreeMap<&'static str, usize>,
}

impl Seeds {
    fn add(&mut self, target: &'static str, bytes: &[u8]) {
        if bytes.is_empty() || self.count.get(target).copied().unwrap_or(0) >= MAX_PER_TARGET {
            return;
        }
        // FNV-1a: a stable name, and duplicates collapse.
        let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        if !self.seen.insert((target, h)) {
            return;
        }
        let dir = self.out.join(target);
        std::fs::create_dir_all(&dir).expect("seed directory");
        std::fs::write(dir.join(format!("{h:016x}")), bytes).expect("seed file");
        *self.count.entry(target).or_insert(0) += 1;
    }

    /// An M3UA message and everything in it.
    fn m3ua(&mut self, b: &[u8]) {
        self.add("m3ua", b);
        if let Ok(m) = Message::parse(b) {
            if m.kind() == Some(Kind::Data) {
                if let Ok(pd) = m.protocol_data() {
                    if pd.si == 3 {
                        self.sccp(pd.data);
                    }
                }
            }
        }
    }

    /// An SCCP message and the TCAP in it.
    fn sccp(&mut self, b: &[u8]) {
        self.add("sccp", b);
        for v in [Variant::Itu, Variant::Ansi] {
            if let Ok(u) = Unitdata::decode_variant(b, v) {
                if u.called.ssn == Some(1) || u.segmentation.is_some_and(|s| !s.first) {
                    return;
                }
                self.tcap(u.data);
                return;
            }
        }
    }

    /// A TCAP message of either standard, its components' arguments and its BER.
    fn tcap(&mut self, t: &[u8]) {
        self.ber(t);
        if let Ok(m) = TcMessage::decode(t) {
            self.add("tcap_itu", t);
            for c in m.components().flatten() {
                match c {
                    Component::Invoke {
                        opcode,
                        parameter: Some(p),
                        ..
                    } => {
                        self.cap(opcode, p.raw);
                        self.map(MAP_INVOKE, opcode, None, p.raw);
                    }
                    Component::ReturnResult {
                        opcode,
                        parameter: Some(p),
                        ..
                    } => {
                        self.ber(p.raw);
                        if let Some(op) = opcode {
                            self.map(MAP_RESULT, op, None, p.raw);
                        }
                    }
                    Component::ReturnError {
                        error_code,
                        parameter,
                        ..
                    } => {
                        let raw = parameter.map_or(&[][..], |p| p.raw);
                        self.ber(raw);
                        for op in scpd::map::Operation::ALL {
                            self.map(MAP_ERROR, op.code(), Some(error_code), raw);
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Ok(m) = AnsiMessage::decode(t) {
            self.add("tcap_ansi", t);
            for c in m.components().flatten() {
                if let AnsiComponent::Invoke {
                    opcode: OpCode::Private(code),
                    parameter: Some(p),
                    ..
                } = c
                {
                    self.ain(code, p.raw);
                    self.win(code, p.raw);
                }
            }
        }
    }

    /// A CAP argument behind the octet selecting its operation (see fuzz_targets/cap.rs).
    fn cap(&mut self, opcode: u32, arg: &[u8]) {
        if let Some(i) = fuzzlib::CAP_OPCODES.iter().position(|&o| o == opcode) {
            let mut s = vec![i as u8];
            s.extend_from_slice(arg);
            self.add("cap", &s);
        }
        self.ber(arg);
    }

    /// An AIN argument behind the octet selecting its operation (see fuzz_targets/ain.rs).
    fn ain(&mut self, code: u16, arg: &[u8]) {
        if let Some(i) = Operation::ALL.iter().position(|o| o.code() == code) {
            let mut s = vec![i as u8];
            s.extend_from_slice(arg);
            self.add("ain", &s);
        }
        self.ber(arg);
    }

    /// A WIN argument behind the octet selecting its operation (see fuzz_targets/win.rs),
    /// and the same parameters offered as that operation's result.
    fn win(&mut self, code: u16, arg: &[u8]) {
        use scpd::win::Operation as Win;
        if let Some(i) = Win::ALL
            .iter()
            .position(|o| Some(*o) == Win::from_code(code))
        {
            for kind in [0u8, 0x80] {
                let mut s = vec![i as u8 | kind];
                s.extend_from_slice(arg);
                self.add("win", &s);
            }
        }
    }

    /// A MAP argument, result or error parameter behind the octet selecting what it is (see
    /// fuzz_targets/map.rs), for both MAP versions.
    fn map(&mut self, kind: u8, opcode: u32, error: Option<u32>, p: &[u8]) {
        use scpd::map::{Operation, Version};
        let Some(op) = Operation::from_code(opcode.into()) else {
            return;
        };
        let op_bit = u8::from(op == Operation::AnyTimeInterrogation);
        for (version_bit, version) in [(0u8, Version::V3), (2, Version::V2)] {
            let mut sel = op_bit | version_bit | (kind << 2);
            if let Some(e) = error {
                let Some(i) = op.errors(version).iter().position(|&c| c == e) else {
                    continue;
                };
                sel |= (i as u8) << 4;
            }
            let mut s = vec![sel];
            s.extend_from_slice(p);
            self.add("map", &s);
        }
    }

    /// A BER encoding, and each short primitive value in it as a number seed (the first
    /// octet is the digit count the numbers target also tries).
    fn ber(&mut self, b: &[u8]) {
        self.add("ber", b);
        let mut stack = vec![b];
        while let Some(level) = stack.pop() {
            let mut r = Reader::new(level);
            while let Ok(Some(t)) = r.next_tlv() {
                if t.tag.constructed {
                    stack.push(t.value);
                } else if (1..=24).contains(&t.value.len()) {
                    let mut s = vec![(t.value.len() * 2) as u8];
                    s.extend_from_slice(t.value);
                    self.add("numbers", &s);
                }
            }
        }
    }

    /// Node records in chunks of about [`MAX_SEQUENCE`] octets, each chunk a seed.
    fn node_sequence(&mut self, records: &[(u8, Vec<u8>)]) {
        let mut seed = Vec::new();
        for (op, body) in records {
            if !seed.is_empty() && seed.len() + body.len() > MAX_SEQUENCE {
                self.add("node", &seed);
                seed.clear();
            }
            fuzzlib::push_record(&mut seed, *op, body);
        }
        self.add("node", &seed);
    }

    /// M3UA messages as streams of about [`MAX_SEQUENCE`] octets.
    fn m3ua_streams(&mut self, msgs: &[Vec<u8>]) {
        let mut stream = Vec::new();
        for m in msgs {
            if !stream.is_empty() && stream.len() + m.len() > MAX_SEQUENCE {
                self.add("m3ua", &stream);
                stream.clear();
            }
            stream.extend_from_slice(m);
        }
        self.add("m3ua", &stream);
    }

    fn capture(&mut self, file: &[u8]) {
        let mut records = Vec::new();
        let mut streams = Vec::new();
        let mut last_ns = None;
        let _ = read_capture(file, &CaptureOptions::default(), |m| {
            // Time as it passed in the capture, in the node target's 250 ms steps.
            if let Some(prev) = last_ns.replace(m.ts_ns) {
                let steps = (m.ts_ns.saturating_sub(prev) / 250_000_000).clamp(0, 255);
                if steps > 0 {
                    records.push((REC_TIME, vec![steps as u8]));
                }
            }
            match m.payload {
                Payload::M3ua(b) => {
                    records.push((REC_M3UA, b.to_vec()));
                    streams.push(b.to_vec());
                }
                Payload::Mtp3(msu) if msu.si == 3 => records.push((REC_SCCP, msu.data.to_vec())),
                Payload::Sccp(b) => records.push((REC_SCCP, b.to_vec())),
                Payload::Mtp3(_) => {}
            }
        });
        for (op, body) in &records {
            match *op {
                REC_M3UA => self.m3ua(body),
                REC_SCCP => self.sccp(body),
                _ => {}
            }
        }
        self.m3ua_streams(&streams);
        self.node_sequence(&records);
        self.add("capture", &cut_capture(file));
    }

    /// A hex vector file: one message per line after `#` comments, the layer told by the
    /// file's name (CAP arguments name their opcode in the comment).
    fn hex_file(&mut self, name: &str, text: &str) {
        let mut opcode = None;
        let mut records = Vec::new();
        for line in text.lines().map(str::trim) {
            if let Some(c) = line.strip_prefix('#') {
                opcode = c
                    .split("(opcode ")
                    .nth(1)
                    .and_then(|r| r.split(')').next())
                    .and_then(|n| n.trim().parse::<u32>().ok());
                continue;
            }
            let Ok(b) = scpd::ber::from_hex(line) else {
                continue;
            };
            if b.is_empty() {
                continue;
            }
            if name.contains("m3ua") {
                self.m3ua(&b);
                records.push((REC_M3UA, b));
            } else if name.contains("sccp") {
                self.sccp(&b);
                records.push((REC_SCCP, b));
            } else if name.contains("cap_operation_arguments") {
                match opcode {
                    Some(op) => self.cap(op, &b),
                    None => self.ber(&b),
                }
            } else if name.contains("tcap_messages") || name.contains("tcap_from_captures") {
                self.tcap(&b);
                let rec = if name.contains("ansi") {
                    REC_ANSI
                } else {
                    REC_ITU
                };
                records.push((rec, b));
            } else {
                self.ber(&b);
            }
        }
        self.node_sequence(&records);
        // `scpd decode` reads hex lines too.
        self.add("capture", &text.as_bytes()[..floor_line(text, MAX_CAPTURE)]);
    }
}

/// The length of `text` cut after a whole line, at most `max`.
fn floor_line(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    text[..max].rfind('\n').map_or(0, |i| i + 1)
}

/// A pcap or pcapng file cut after the last whole packet (block) within [`MAX_CAPTURE`].
fn cut_capture(file: &[u8]) -> Vec<u8> {
    if file.len() <= MAX_CAPTURE {
        return file.to_vec();
    }
    let u32_at = |at: usize, le: bool| {
        file.get(at..at + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    let mut end;
    match file.get(..4) {
        Some([0x0a, 0x0d, 0x0d, 0x0a]) => {
            // pcapng: blocks of (type, total length, ..., total length); byte order from
            // the section header's magic.
            let le = file.get(8..12) == Some(&[0x4d, 0x3c, 0x2b, 0x1a]);
            end = 0;
            while let Some(n) = u32_at(end + 4, le) {
                let next = end + n as usize;
                if n < 12 || next > MAX_CAPTURE {
                    break;
                }
                end = next;
            }
        }
        Some(m) => {
            // Classic pcap: 24-octet header, then 16-octet record headers with the
            // captured length at offset 8.
            let le = matches!(m, [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1]);
            end = 24;
            while let Some(n) = u32_at(end + 8, le) {
                let next = end + 16 + n as usize;
                if next > MAX_CAPTURE {
                    break;
                }
                end = next;
            }
        }
        None => end = file.len(),
    }
    file[..end.min(file.len())].to_vec()
}

/// The simulator's calls played against the node target's node: each seed is the
/// sequence of records that drove it, so the continuations carry the transaction ids the
/// node really allocates.
fn played_calls(seeds: &mut Seeds) {
    use fixture::{label, udt, AIN_SSN, BOOT_MS, CAMEL_SSN};
    let t0 = Instant::now();
    // CAMEL: unknown, monitored (answer, disconnect), decided (answered, or the deadline
    // passes), anchored; originating and terminating.
    for (calling, called, terminating) in [
        ("4911", "491700000001", false),
        ("491700000009", "4930555", false),
        ("4930555", "491700000009", true),
        ("491700000008", "4930555", false),
        ("491700000007", "4930555", false),
    ] {
        for decide_later in [false, true] {
            let mut node = fixture::node();
            let mut fx = Effects::default();
            let mut records = Vec::new();
            let msc_tid = [0x11, 0x22, 0x33, 0x44];
            let mut t = Vec::new();
            scpd::lab::sim::initial_dp_begin(
                &fixture::sim(calling, called, terminating),
                &msc_tid,
                &mut t,
            );
            let _ = node.on_data(1, &label(&udt(CAMEL_SSN, &t)), t0, BOOT_MS, &mut fx);
            records.push((REC_ITU, t));
            if !fx.queries.is_empty() {
                if decide_later {
                    records.push((REC_TIME, vec![8]));
                } else {
                    records.push((REC_DECIDE, vec![1]));
                }
            }
            let scp_tid = fx
                .send
                .iter()
                .filter_map(|o| Unitdata::decode(&o.sccp).ok())
                .find_map(|u| TcMessage::decode(u.data).ok().and_then(|m| m.otid))
                .map(<[u8]>::to_vec);
            if let Some(scp) = scp_tid {
                records.push((REC_ITU, fixture::event_report(&scp, &msc_tid, 7, true)));
                records.push((REC_TIME, vec![4]));
                records.push((REC_ITU, fixture::event_report(&scp, &msc_tid, 9, false)));
            }
            seeds.node_sequence(&records);
        }
    }
    // AIN: unknown, monitored (answer, disconnect), decided.
    for (calling, called, terminating) in [
        ("2015550199", "2015550198", false),
        ("2015550100", "2015550198", false),
        ("2015550198", "2015550100", true),
        ("2015550101", "2015550198", false),
    ] {
        let Ok(p) = scpd::lab::sim_ain::AinParties::new(calling, called, terminating) else {
            continue;
        };
        let ssp = [0, 0, 0, 5];
        let mut records = Vec::new();
        let mut t = Vec::new();
        let q = scpd::lab::sim_ain::trigger(&p, terminating);
        if scpd::lab::sim_ain::package(&mut t, PackageType::QueryWithPermission, ssp, None, &q)
            .is_err()
        {
            continue;
        }
        seeds.ain_message(&q);
        let mut node = fixture::node();
        let mut fx = Effects::default();
        let _ = node.on_data(1, &label(&udt(AIN_SSN, &t)), t0, BOOT_MS, &mut fx);
        records.push((REC_ANSI, t));
        if !fx.queries.is_empty() {
            records.push((REC_DECIDE, vec![2]));
        }
        let scp = fx
            .send
            .iter()
            .filter_map(|o| Unitdata::decode(&o.sccp).ok())
            .find_map(|u| {
                AnsiMessage::decode(u.data)
                    .ok()
                    .and_then(|m| m.ids.originating)
            });
        if let Some(scp) = scp {
            for answer in [true, false] {
                let e = scpd::lab::sim_ain::event(&p, terminating, answer);
                seeds.ain_message(&e);
                let mut t = Vec::new();
                let pkg = PackageType::ConversationWithPermission;
                if scpd::lab::sim_ain::package(&mut t, pkg, ssp, Some(scp), &e).is_ok() {
                    records.push((REC_ANSI, t));
                    records.push((REC_TIME, vec![4]));
                }
            }
        }
        seeds.node_sequence(&records);
    }
    // Every AIN operation with whatever of the simulator's arguments its schema admits.
    if let Ok(p) = scpd::lab::sim_ain::AinParties::new("2015550100", "2015550198", false) {
        let args = [
            scpd::lab::sim_ain::trigger(&p, false).arg,
            scpd::lab::sim_ain::trigger(&p, true).arg,
            scpd::lab::sim_ain::event(&p, false, true).arg,
            scpd::lab::sim_ain::event(&p, false, false).arg,
            Default::default(),
        ];
        for op in Operation::ALL {
            for arg in args {
                seeds.ain_message(&AinMessage::new(op, arg));
            }
        }
    }
}

impl Seeds {
    fn ain_message(&mut self, m: &AinMessage<'_>) {
        let mut p = Vec::new();
        if m.encode_parameter_to(&mut p).is_ok() {
            self.ain(m.op.code(), &p);
        }
    }
}

/// What scpd's MAP codec writes (whatever the captures held of MAP): the gsmSCF's
/// SendRoutingInfo (both versions) and AnyTimeInterrogation, a routing answer, an error and a
/// geographical information.
fn map_seeds(seeds: &mut Seeds) {
    use scpd::ber::Writer;
    use scpd::map::*;
    let intl = |d: &str| AddressString::international(d.parse().unwrap());
    let sri = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    let ati = AnyTimeInterrogationArg::location_and_state(
        SubscriberIdentity::Msisdn(intl("31612345678")),
        intl("31655500001"),
    );
    let res = SendRoutingInfoRes::roaming("204081234567890".parse().unwrap(), intl("31600099"));
    for version in [Version::V3, Version::V2] {
        for (kind, op, f) in [
            (
                MAP_INVOKE,
                Operation::SendRoutingInfo,
                Box::new(|w: &mut Writer<'_>| sri.encode(w, version))
                    as Box<dyn Fn(&mut Writer<'_>) -> Result<(), CodecError>>,
            ),
            (
                MAP_INVOKE,
                Operation::AnyTimeInterrogation,
                Box::new(|w: &mut Writer<'_>| ati.encode(w)),
            ),
            (
                MAP_RESULT,
                Operation::SendRoutingInfo,
                Box::new(|w: &mut Writer<'_>| res.encode(w, version)),
            ),
        ] {
            let mut out = Vec::new();
            if f(&mut Writer::new(&mut out)).is_ok() {
                seeds.map(kind, op.code(), None, &out);
            }
        }
        let e = MapError::AbsentSubscriber { reason: Some(0) };
        if let Ok(Some(p)) = e.parameter_bytes(version) {
            seeds.map(MAP_ERROR, Operation::SendRoutingInfo.code(), Some(27), &p);
        }
    }
    let mut g = vec![MAP_GEOGRAPHICAL << 2];
    g.extend_from_slice(&GeographicalInformation::from_degrees(52.5, 13.4, 100.0).encode());
    seeds.add("map", &g);
}

/// The node target's questions to the HLR with their answers (node records 7 and 8, see
/// `fixture::hlr_question` and `fixture::hlr_answer`): results of SendRoutingInfo (v3, and
/// v2 after a refusal) and AnyTimeInterrogation, MAP errors, a Reject, TC-CONTINUEs,
/// aborts, no answer, and numbers that are not MSISDNs. Each dialogue's Invoke has id 1.
fn hlr_seeds(seeds: &mut Seeds) {
    use fixture::answer::*;
    use fixture::{hlr_answer_body as answer, hlr_question_body as ask};
    use scpd::ber::Writer;
    use scpd::map::*;
    use scpd::tcap::itu;
    let intl = |d: &str| AddressString::international(d.parse().unwrap());
    let imsi: TbcdDigits = "262011234567890".parse().unwrap();
    let component = |f: &dyn Fn(&mut Writer<'_>)| {
        let mut c = Vec::new();
        f(&mut Writer::new(&mut c));
        c
    };
    let result = |op: Operation, r: &dyn Fn(&mut Writer<'_>)| {
        component(&|w| itu::return_result(w, 1, op.code(), r))
    };
    let sri = |version| {
        result(Operation::SendRoutingInfo, &|w| {
            let _ = SendRoutingInfoRes::roaming(imsi, intl("491739990001")).encode(w, version);
        })
    };
    let forwarded = result(Operation::SendRoutingInfo, &|w| {
        let r = SendRoutingInfoRes {
            imsi: Some(imsi),
            routing_info: Some(ExtendedRoutingInfo::ForwardingData(ForwardingData {
                forwarded_to_number: Some(intl("4930555")),
                ..Default::default()
            })),
            vmsc_address: Some(intl("491720000001")),
            ..Default::default()
        };
        let _ = r.encode(w, Version::V3);
    });
    let geo = GeographicalInformation::from_degrees(52.5, 13.4, 100.0).encode();
    let ati = result(Operation::AnyTimeInterrogation, &|w| {
        let r = AnyTimeInterrogationRes {
            subscriber_info: SubscriberInfo {
                location_information: Some(LocationInformation {
                    age_of_location_information: Some(5),
                    geographical_information: Some(&geo),
                    vlr_number: Some(intl("491720000002")),
                    cell_id_or_lai: Some(CellIdOrLai::CellId {
                        plmn: Plmn {
                            mcc: 262,
                            mnc: 1,
                            mnc_3_digits: false,
                        },
                        lac: 10,
                        ci: 20,
                    }),
                    ..Default::default()
                }),
                subscriber_state: Some(SubscriberState::AssumedIdle),
                ..Default::default()
            },
            ..Default::default()
        };
        let _ = r.encode(w);
    });
    let error = |e: MapError| {
        component(&|w| {
            itu::return_error(w, 1, e.code(), |w| {
                let _ = e.encode_parameter(w, Version::V3);
            })
        })
    };
    let absent = error(MapError::AbsentSubscriber { reason: Some(0) });
    let unknown = error(MapError::UnknownSubscriber {
        diagnostic: Some(0),
    });
    let reject = component(&|w| itu::reject(w, Some(1), (1, 1)));
    let msisdn = b"491700000001";
    let sequences: Vec<Vec<(u8, Vec<u8>)>> = vec![
        // SRI answered in v3; the same ended by a TC-CONTINUE first, or in one.
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (
                REC_HLR_ANSWER,
                answer(END | ACCEPTED, 0, 0, &sri(Version::V3)),
            ),
        ],
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (REC_HLR_ANSWER, answer(CONTINUE | ACCEPTED, 0, 0, &[])),
            (REC_HLR_ANSWER, answer(END, 0, 0, &sri(Version::V3))),
        ],
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (
                REC_HLR_ANSWER,
                answer(CONTINUE | ACCEPTED, 0, 0, &sri(Version::V3)),
            ),
        ],
        // v3 refused, asked again in v2 and answered.
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (REC_HLR_ANSWER, answer(ABORT | REFUSED_V2, 0, 0, &[])),
            (
                REC_HLR_ANSWER,
                answer(END | ACCEPTED, 0, 0, &sri(Version::V2)),
            ),
        ],
        // Forwarded, in a range with an HLR GT; ATI; MAP errors; a Reject.
        vec![
            (REC_HLR_ASK, ask(false, 20, b"4915112345678")),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 0, 0, &forwarded)),
        ],
        vec![
            (REC_HLR_ASK, ask(true, 20, msisdn)),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 0, 0, &ati)),
        ],
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (REC_HLR_ASK, ask(true, 20, msisdn)),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 1, 0, &absent)),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 0, 0, &unknown)),
        ],
        vec![
            (REC_HLR_ASK, ask(true, 20, msisdn)),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 0, 0, &reject)),
        ],
        // Aborted (an ABRT, a P-Abort), refused for good, never answered.
        vec![
            (REC_HLR_ASK, ask(false, 20, msisdn)),
            (REC_HLR_ANSWER, answer(ABORT | ABRT, 0, 1, &[])),
            (REC_HLR_ASK, ask(true, 20, msisdn)),
            (REC_HLR_ANSWER, answer(P_ABORT, 0, 1, &[])),
            (REC_HLR_ASK, ask(true, 20, msisdn)),
            (REC_HLR_ANSWER, answer(ABORT | REFUSED, 0, 0x0a, &[])),
        ],
        vec![
            (REC_HLR_ASK, ask(false, 5, msisdn)),
            (REC_HLR_ASK, ask(true, 40, msisdn)),
            (REC_TIME, vec![4]),
            (REC_HLR_ANSWER, answer(END | ACCEPTED, 0, 0, &ati)),
            (REC_TIME, vec![20]),
        ],
        // Numbers that cannot be asked.
        vec![
            (REC_HLR_ASK, ask(false, 20, b"")),
            (REC_HLR_ASK, ask(true, 20, b"4917\xfa0001")),
            (REC_HLR_ASK, ask(false, 20, b"49170000000100000000")),
        ],
    ];
    for records in &sequences {
        seeds.node_sequence(records);
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, traces, out] = &args[..] else {
        eprintln!("usage: fuzz_seeds TRACES_DIR OUT_DIR");
        std::process::exit(2);
    };
    let mut seeds = Seeds {
        out: PathBuf::from(out),
        seen: HashSet::new(),
        count: BTreeMap::new(),
    };
    let mut all = Vec::new();
    files(Path::new(traces), &mut all);
    if all.is_empty() {
        eprintln!("fuzz_seeds: no traces under {traces}; seeding from the crate's encoders only");
    }
    for path in &all {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if name.ends_with(".hex") {
            seeds.hex_file(name, &String::from_utf8_lossy(&bytes));
        } else if [".pcap", ".cap", ".pcapng"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            seeds.capture(&bytes);
        }
    }
    played_calls(&mut seeds);
    // The worked TBusy of WIN-INAP-NOTES.md (whatever the captures held of WIN).
    let tbusy = scpd::ber::from_hex(
        "f23b81073940010112340095033940019f7b020c719f82170141bf82180c9f8215037d7b1f\
         9f8219010f880517193254819f5009023021090758552101",
    )
    .expect("hex");
    seeds.win(scpd::win::opcode::T_BUSY, &tbusy);
    map_seeds(&mut seeds);
    hlr_seeds(&mut seeds);
    let summary: Vec<String> = seeds
        .count
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    println!("seeds: {}", summary.join(", "));
}
