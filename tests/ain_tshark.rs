//! Acceptance against an independent decoder: every annotated fixture (tests/ain/fixtures.rs)
//! and every message scpd's AIN builders encode is written into a pcap as ANSI TCAP in ANSI
//! SCCP (24-bit point codes) in M3UA DATA in SCTP/IPv4/Ethernet, and `tshark -V` (Wireshark's
//! `ain` dissector, GR-1299's ASN.1) must name each operation, show the parameter values we
//! meant and report no malformed packet or BER error.
//!
//! tshark settings (AIN-NOTES.md): `mtp3.standard:ANSI` for 24-bit point codes and
//! `tcap.ssn:247` so the SSN is TCAP; private operation codes 0x6xxx then go to `ain`.
//! Two operations are not in Wireshark's AIN module (O_Called_Party_Busy, Send_Notification):
//! for those tshark must show the raw operation code and nothing but its "Unknown invokeData"
//! note. ReturnError parameters are not handed to `ain` by Wireshark's ANSI TCAP (it finds no
//! operation for them), so the errors are checked as far as tshark decodes them: the private
//! error code and a component it accepts.

mod common;
#[path = "ain/fixtures.rs"]
mod fixtures;

use scpd::ain::{self, AinDigits, AinMessage, EdpSet, GapInterval, Operation};
use scpd::ber::Writer;
use scpd::m3ua::{Builder, Kind, ProtocolData};
use scpd::sccp::{Address, Unitdata, Variant};
use scpd::tcap::ansi::{self, OpCode, PackageType, TransactionIds};
use std::process::Command;

const SSN: u8 = 247;
const SSP_PC: u32 = 0x01_02_03;
const SCP_PC: u32 = 0x04_05_06;

struct Frame {
    label: String,
    tcap: Vec<u8>,
    from_ssp: bool,
    expect: Vec<String>,
    /// Wireshark lacks the operation: its code, shown raw.
    unknown_op: Option<u16>,
}

fn ids(n: u32, from_ssp: bool) -> (PackageType, TransactionIds) {
    let id = (0x1000 + n).to_be_bytes();
    if from_ssp {
        (
            PackageType::QueryWithPermission,
            TransactionIds {
                originating: Some(id),
                responding: None,
            },
        )
    } else {
        (
            PackageType::Response,
            TransactionIds {
                originating: None,
                responding: Some(id),
            },
        )
    }
}

/// A package carrying one Invoke of `op` whose parameter element `param` writes.
fn invoke_package(n: u32, op: Operation, from_ssp: bool, param: &[u8]) -> Vec<u8> {
    let (pkg, ids) = ids(n, from_ssp);
    let mut out = Vec::new();
    ansi::encode(&mut out, pkg, ids, None, |w| {
        ansi::invoke(w, true, Some(1), None, OpCode::Private(op.code()), |w| {
            w.raw(param)
        })
    });
    out
}

/// SCTP/IPv4/Ethernet frame with one M3UA DATA whose SCCP UDT carries `tcap`.
fn frame(tcap: &[u8], from_ssp: bool, tsn: u32) -> Vec<u8> {
    let (opc, dpc) = if from_ssp {
        (SSP_PC, SCP_PC)
    } else {
        (SCP_PC, SSP_PC)
    };
    let addr = |pc| Address {
        national: true, // ANSI layout (T1.112.3): 24-bit point code
        ..Address::ssn_pc(pc, SSN)
    };
    let mut sccp = Vec::new();
    Unitdata::udt(0, addr(dpc), addr(opc), tcap)
        .encode(&mut sccp, Variant::Ansi)
        .unwrap();
    let mut m3ua = Vec::new();
    Builder::new(&mut m3ua, Kind::Data)
        .protocol_data(&ProtocolData {
            opc,
            dpc,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 0,
            data: &sccp,
        })
        .finish();
    // SCTP: common header (ports 2905, verification tag, checksum not checked by tshark) and
    // one DATA chunk (flags B|E, TSN, stream 0, SSN, PPID 3 = M3UA), padded to 4. Each
    // frame has its own TSN, or tshark takes it for a retransmission and skips the payload.
    let mut sctp = Vec::new();
    sctp.extend_from_slice(&[0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 1, 0, 0, 0, 0]);
    let chunk_len = 16 + m3ua.len();
    sctp.extend_from_slice(&[0, 3]);
    sctp.extend_from_slice(&(chunk_len as u16).to_be_bytes());
    sctp.extend_from_slice(&tsn.to_be_bytes());
    sctp.extend_from_slice(&[0, 0]);
    sctp.extend_from_slice(&(tsn as u16).to_be_bytes());
    sctp.extend_from_slice(&[0, 0, 0, 3]);
    sctp.extend_from_slice(&m3ua);
    while sctp.len() % 4 != 0 {
        sctp.push(0);
    }
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&((20 + sctp.len()) as u16).to_be_bytes());
    ip.extend_from_slice(&[0, 0, 0, 0, 64, 132, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    ip.extend_from_slice(&sctp);
    let mut eth = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    eth.extend_from_slice(&ip);
    eth
}

fn pcap(frames: &[Frame]) -> Vec<u8> {
    let mut out = Vec::new();
    // Classic pcap header, microsecond timestamps, LINKTYPE_ETHERNET.
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let pkt = frame(&f.tcap, f.from_ssp, i as u32 + 1);
        out.extend_from_slice(&(i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        out.extend_from_slice(&pkt);
    }
    out
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// What scpd encodes: the builders and the service-model answers, with the values tshark
/// must show for them.
fn encoded_by_scpd() -> Vec<(String, AinMessage<'static>, Vec<String>)> {
    let called = AinDigits::national("7035551234".parse().unwrap());
    let mut out = Vec::new();
    let shown_called = "calledPartyID: 03100753552143".to_string();
    out.push((
        "analyze_route".into(),
        ain::analyze_route(called),
        vec![
            "analyzeRoute".into(),
            shown_called.clone(),
            "BCD digits: 7035551234".into(),
        ],
    ));
    let mut full = ain::analyze_route(called);
    full.arg.outpulse_number = Some(AinDigits {
        nature: 1,
        ..AinDigits::national("5551234".parse().unwrap())
    });
    full.arg.primary_trunk_group = Some([0, 1, 0x23, 0x40, 0]);
    full.arg.charge_number = Some(AinDigits::national("2015550123".parse().unwrap()));
    full.arg.carrier = Some(ain::Carrier {
        selection: 1,
        nature: 3,
        digits: "0288".parse().unwrap(),
    });
    full.arg.ama_slp_id = Some(ain::AmaSlpId("123456789".parse().unwrap()));
    full.arg.redirection_information = Some(ain::RedirectionInformation {
        redirecting_indicator: 3,
        original_reason: 1,
        counter: 1,
        reason: 2,
    });
    out.push((
        "analyze_route with routing and AMA".into(),
        full,
        strs(&[
            "analyzeRoute",
            "chargeNumber: 03100251551032",
            "calledPartyID: 03100753552143",
            "outpulseNumber: 811055153204",
            "primaryTrunkGroup: 0001234000",
            "Carrier digits: 0288",
            "AMAslpID: 1234567890",
            "redirectionInformation: 1321",
        ]),
    ));
    out.push((
        "forward_call".into(),
        ain::forward_call(called),
        vec!["forwardCall".into(), shown_called],
    ));
    out.push((
        "continue".into(),
        ain::continue_call(),
        strs(&["continue", "ContinueArg"]),
    ));
    out.push((
        "authorize_termination".into(),
        ain::authorize_termination(),
        strs(&["authorizeTermination", "AuthorizeTerminationArg"]),
    ));
    out.push((
        "disconnect".into(),
        ain::disconnect(),
        strs(&["disconnect", "DisconnectArg"]),
    ));
    out.push((
        "close".into(),
        ain::close(ain::params::close_cause::EDPS_COMPLETED),
        strs(&["close", "closeCause: eDPsCompleted (1)"]),
    ));
    for (dir, req, note) in [
        (
            scpd::service::Direction::Originating,
            &[
                "oCalledPartyBusy: True",
                "oNoAnswer: True",
                "oDisconnect: True",
                "oAbandon: True",
            ][..],
            "oAnswer: True",
        ),
        (
            scpd::service::Direction::Terminating,
            &["tBusy: True", "tNoAnswer: True", "tDisconnect: True"][..],
            "tAnswer: True",
        ),
    ] {
        let (r, n) = scpd::tcuser::ain_map::monitor_edps(dir);
        let mut e = strs(&["requestReportBCMEvent", note]);
        e.extend(strs(req));
        out.push((
            format!("request_report_bcm_event {dir:?}"),
            ain::request_report_bcm_event(r, n),
            e,
        ));
    }
    let mut rrbe = ain::request_report_bcm_event(EdpSet(EdpSet::O_NO_ANSWER), EdpSet(0));
    rrbe.arg.o_no_answer_timer = Some(20);
    out.push((
        "request_report_bcm_event with timer".into(),
        rrbe,
        strs(&[
            "requestReportBCMEvent",
            "oNoAnswer: True",
            "oNoAnswerTimer: 20",
        ]),
    ));
    out.push((
        "acg".into(),
        ain::acg(1, 3, GapInterval::Private(20), 0, &[0x07, 0x53, 0x55]),
        strs(&[
            "acg",
            "gapDuration: no4Seconds (3)",
            "privateGapInterval: no1Second (20)",
            "globalTitleAddress: 075355",
        ]),
    ));
    let mut t1 = AinMessage::new(Operation::SetTimer, ain::Arg::default());
    t1.arg.ssp_response_message_timer_t1 = Some(40);
    out.push((
        "set_timer".into(),
        t1,
        strs(&["setTimer", "sSPResponseMessageTimerT1: 40"]),
    ));
    // The service-model answers to an Info_Analyzed and a Termination_Attempt, AIN 0.1 form.
    let trig = AinMessage::decode_bytes(
        ain::opcode::INFO_ANALYZED,
        Box::leak(fixtures::bytes(fixtures::INFO_ANALYZED).into_boxed_slice()),
    )
    .unwrap()
    .with_form(ain::ArgumentForm::Set);
    let connect = scpd::service::Instruction::Connect("8005550100".parse().unwrap());
    out.push((
        "map::answer connect (originating)".into(),
        scpd::tcuser::ain_map::answer(&trig, &connect).unwrap(),
        strs(&["analyzeRoute", "BCD digits: 8005550100"]),
    ));
    let term = AinMessage::decode_bytes(
        ain::opcode::TERMINATION_ATTEMPT,
        Box::leak(fixtures::bytes(fixtures::TERMINATION_ATTEMPT).into_boxed_slice()),
    )
    .unwrap();
    out.push((
        "map::answer connect (terminating)".into(),
        scpd::tcuser::ain_map::answer(&term, &connect).unwrap(),
        strs(&["forwardCall", "BCD digits: 8005550100"]),
    ));
    out.push((
        "map::answer continue (terminating)".into(),
        scpd::tcuser::ain_map::answer(&term, &scpd::service::Instruction::Monitor).unwrap(),
        strs(&["authorizeTermination"]),
    ));
    out.push((
        "send_notification".into(),
        ain::send_notification([9, 8, 7, 6, 5, 4]),
        vec![],
    ));
    out
}

#[test]
fn tshark_decodes_every_fixture_and_every_encoded_message() {
    if !common::tshark::available(false) {
        return;
    }
    let mut frames = Vec::new();
    let mut n = 0u32;
    for f in fixtures::FIXTURES {
        n += 1;
        let from_ssp = f.op.from_ssp();
        frames.push(Frame {
            label: format!("fixture {}", f.name),
            tcap: invoke_package(n, f.op, from_ssp, &fixtures::bytes(f.annotated)),
            from_ssp,
            expect: strs(f.tshark),
            unknown_op: f.op.wireshark_name().is_none().then_some(f.op.code()),
        });
    }
    for (label, m, expect) in encoded_by_scpd() {
        n += 1;
        let (pkg, ids) = ids(n, false);
        let mut tcap = Vec::new();
        ansi::encode(&mut tcap, pkg, ids, None, |w| {
            m.invoke(w, true, Some(2), None).unwrap()
        });
        frames.push(Frame {
            label: format!("scpd {label}"),
            tcap,
            from_ssp: false,
            expect,
            unknown_op: m.op.wireshark_name().is_none().then_some(m.op.code()),
        });
    }
    // Errors both ways: the fixtures (from the SSP) and what scpd encodes.
    let mut errors: Vec<(String, Vec<u8>, i32)> = fixtures::ERROR_FIXTURES
        .iter()
        .map(|f| {
            (
                format!("error fixture {}", f.name),
                fixtures::bytes(f.annotated),
                f.code,
            )
        })
        .collect();
    for (label, r) in [
        (
            "application_error",
            ain::application_error(
                ain::params::error_cause::UNEXPECTED_MESSAGE,
                Some(Operation::OAnswer),
            ),
        ),
        ("failure_report", ain::failure_report(19)),
    ] {
        let mut comp = Vec::new();
        ain::return_error(
            &mut Writer::new(&mut comp),
            1,
            &r,
            ain::ArgumentForm::Sequence,
        )
        .unwrap();
        // The parameter element is what follows CF 01 xx D4 01 cc in the component.
        let t = scpd::ber::Tlv::parse_single(&comp).unwrap();
        let param = t.children().unwrap().nth(2).unwrap().unwrap().raw.to_vec();
        errors.push((format!("scpd {label}"), param, r.code()));
    }
    for (label, param, code) in errors {
        n += 1;
        let (pkg, ids) = ids(n, false);
        let mut tcap = Vec::new();
        ansi::encode(&mut tcap, pkg, ids, None, |w| {
            ansi::return_error(w, 1, ansi::ErrorCode::Private(code), |w| w.raw(&param))
        });
        // Our own decoder reads back what we put in the package.
        let m = ansi::AnsiMessage::decode(&tcap).unwrap();
        let Some(Ok(ansi::AnsiComponent::ReturnError {
            error, parameter, ..
        })) = m.components().next()
        else {
            panic!("{label}")
        };
        ain::decode_error(error, parameter).unwrap();
        frames.push(Frame {
            label,
            tcap,
            from_ssp: true,
            expect: vec![format!("private: Unknown ({code})"), "returnError".into()],
            unknown_op: None,
        });
    }

    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ain_tshark.pcap");
    std::fs::write(&path, pcap(&frames)).unwrap();
    let out = Command::new("tshark")
        .args([
            "-r",
            path.to_str().unwrap(),
            "-V",
            "-o",
            "mtp3.standard:ANSI",
        ])
        .args(["-o", &format!("tcap.ssn:{SSN}")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let blocks: Vec<&str> = text.split("\nFrame ").collect();
    assert_eq!(blocks.len(), frames.len(), "one tshark block per frame");
    for (f, block) in frames.iter().zip(&blocks) {
        let ctx = || format!("{}:\n{block}", f.label);
        assert!(
            block.contains("Advanced Intelligent Network")
                || f.expect.iter().any(|e| e == "returnError"),
            "{}: not handed to the AIN dissector",
            ctx()
        );
        for e in &f.expect {
            assert!(
                block.contains(e.as_str()),
                "{}: tshark does not show {e:?}",
                ctx()
            );
        }
        match f.unknown_op {
            Some(code) => {
                // Only the missing-operation note, and the raw code.
                assert!(block.contains(&format!("private: {code}")), "{}", ctx());
                let notes = block.matches("Expert Info").count();
                assert_eq!(
                    notes,
                    block
                        .matches(&format!(
                            "Expert Info (Warning/Malformed): Unknown invokeData {code}]"
                        ))
                        .count(),
                    "{}",
                    ctx()
                );
            }
            None if f.expect.iter().any(|e| e == "returnError") => {
                // ANSI TCAP leaves the AIN error parameter undecoded (no operation to match).
                assert!(!block.contains("Malformed Packet"), "{}", ctx());
                assert!(!block.contains("Error/Malformed"), "{}", ctx());
            }
            None => {
                for bad in [
                    "Malformed",
                    "BER Error",
                    "Expert Info (Error",
                    "Unknown AIN",
                    "Unknown invokeData",
                ] {
                    assert!(!block.contains(bad), "{}: tshark reports {bad:?}", ctx());
                }
            }
        }
    }
}
