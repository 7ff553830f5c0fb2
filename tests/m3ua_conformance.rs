//! M3UA conformance, modelled on ETSI TS 102 381 (M3UA TSS&TP; TP identifiers as used by the
//! nplab m3ua-testtool, which implements that suite). Each row below is one test: the IUT
//! (scpd's SGP side = `sg::Sg`, a `PeerAsp` per association plus the AS model; scpd's ASP
//! side = `client::Asp`) is put in the state, receives the message, and must answer exactly
//! what the row says and end in the state given. Answers are M3UA messages in order; `ERR:n`
//! is ERR with that Error Code, `NTFY:t/i` NTFY with that Status Type/Information; `-` is no
//! answer. A "+" in the TP column marks rows that are ours (RFC 4666 section given), not
//! ETSI's.
//!
//! SGP side (IUT answers an ASP; AS with RC 10, override/loadshare/broadcast supported):
//!
//! | TP                    | state     | received                         | answer                         | after    |
//! |-----------------------|-----------|----------------------------------|--------------------------------|----------|
//! | SGP-ASPSM-V-001/V-003 | DOWN      | ASPUP                            | ASPUP_ACK NTFY:1/2             | INACTIVE |
//! | SGP-ASPSM-V-005       | INACTIVE  | ASPDN                            | ASPDN_ACK                      | DOWN     |
//! | SGP-ASPSM-I-001       | DOWN      | ASPUP with version 2             | ERR:1                          | DOWN     |
//! | SGP-ASPSM-I-002       | DOWN      | ASPSM type 7 (reserved)          | ERR:4                          | DOWN     |
//! | SGP-ASPSM-I-003       | DOWN      | ASPAC                            | ERR:6                          | DOWN     |
//! | SGP-ASPSM-I-004       | INACTIVE  | ASPSM type 7 (reserved)          | ERR:4                          | INACTIVE |
//! | SGP-ASPSM-O-001       | INACTIVE  | ASPUP                            | ASPUP_ACK                      | INACTIVE |
//! | SGP-ASPSM-O-003 (1)   | ACTIVE    | ASPUP                            | ERR:6 ASPUP_ACK NTFY:1/4       | INACTIVE |
//! | SGP-ASPSM-O-004       | DOWN      | ASPDN                            | ASPDN_ACK                      | DOWN     |
//! | SGP-ASPTM-V-001/3/5   | INACTIVE  | ASPAC (override, RC 10)          | ASPAC_ACK NTFY:1/3             | ACTIVE   |
//! | SGP-ASPTM-V-006/V-008 | ACTIVE    | ASPIA                            | ASPIA_ACK NTFY:1/4             | INACTIVE |
//! | SGP-ASPTM-V-010/V-011 | ACTIVE    | BEAT (13 octets)                 | BEAT_ACK, same data            | ACTIVE   |
//! | + §4.3.4.5 (BEAT)     | DOWN      | BEAT                             | BEAT_ACK, same data            | DOWN     |
//! | + §4.3.4.5 (BEAT)     | INACTIVE  | BEAT                             | BEAT_ACK, same data            | INACTIVE |
//! | SGP-ASPTM-V-014/V-015 | 2 ASPs    | ASPAC (override) from ASP1       | ASP1: ASPAC_ACK; ASP2: NTFY:2/2 with ASP1's id | ASP2 INACTIVE |
//! | SGP-ASPTM-I-001       | INACTIVE  | ASPAC with version 2             | ERR:1                          | INACTIVE |
//! | SGP-ASPTM-I-004       | INACTIVE  | ASPAC traffic mode 4             | ERR:5                          | INACTIVE |
//! | SGP-ASPTM-I-005       | INACTIVE  | ASPAC RC 99 (not configured)     | ERR:25                         | INACTIVE |
//! | SGP-ASPTM-I-006       | INACTIVE  | ASPTM type 5                     | ERR:4                          | INACTIVE |
//! | SGP-ASPTM-I-008       | ACTIVE    | ASPTM type 5                     | ERR:4                          | ACTIVE   |
//! | SGP-ASPTM-I-009       | 2 ASPs    | ASP1's association lost          | ASP2: NTFY:2/3 with ASP1's id  | -        |
//! | SGP-ASPTM-O-001       | ACTIVE    | ASPAC                            | ASPAC_ACK                      | ACTIVE   |
//! | SGP-ASPTM-O-003       | INACTIVE  | ASPIA                            | ASPIA_ACK                      | INACTIVE |
//! | SGP-MTR-V-002         | ACTIVE    | DATA (RC 10)                     | - (delivered)                  | ACTIVE   |
//! | SGP-MTR-V-002 alt.    | ACTIVE    | DATA without Protocol Data       | ERR:22                         | ACTIVE   |
//! | SGP-MTR-I-001         | ACTIVE    | DATA with version 2              | ERR:1                          | ACTIVE   |
//! | SGP-MTR-I-002         | ACTIVE    | class 10                         | ERR:3                          | ACTIVE   |
//! | SGP-MTR-I-003         | ACTIVE    | transfer type 2                  | ERR:4                          | ACTIVE   |
//! | SGP-RKM-V-004         | INACTIVE  | REG_REQ (RKM not offered)        | ERR:3                          | INACTIVE |
//! | + §4.3.4.3 (DATA)     | INACTIVE  | DATA                             | ERR:6                          | INACTIVE |
//! | + §4.3.4.3 (DATA)     | DOWN      | DATA                             | ERR:6                          | DOWN     |
//! | + §3.3.1 (RC)         | ACTIVE    | DATA with RC 99                  | ERR:25                         | ACTIVE   |
//! | + §4.5.3 (DAUD)       | ACTIVE    | DAUD for our PC and another      | DAVA DUNA                      | ACTIVE   |
//! | + §4.5.3 (DAUD)       | DOWN      | DAUD                             | ERR:6                          | DOWN     |
//! | + §3.8.1 (Unexp.Par.) | ACTIVE    | ASPUP carrying a Routing Context | ERR:19                         | ACTIVE   |
//! | + §3.8.1 (Unexp.Par.) | INACTIVE  | ASPAC carrying an ASP Identifier | ERR:19                         | INACTIVE |
//! | + §3.8.1 (Inv.Value)  | ACTIVE    | DATA, Protocol Data of 8 octets  | ERR:17                         | ACTIVE   |
//! | + §3.8.1 (Par.Field)  | ACTIVE    | ASPUP, 2-octet ASP Identifier    | ERR:18                         | ACTIVE   |
//! | + §3.8.1 (Protocol)   | ACTIVE    | header length beyond the bytes   | ERR:7                          | ACTIVE   |
//! | + §3.8.1 (Missing)    | ACTIVE    | DAUD without Affected PC         | ERR:22                         | ACTIVE   |
//! | + §4.5 (SSNM dir.)    | ACTIVE    | DUNA (SG-to-ASP message)         | ERR:6                          | ACTIVE   |
//! | + §4.3.4 (acks)       | INACTIVE  | ASPAC_ACK                        | ERR:6                          | INACTIVE |
//! | + §3.8.2 (NTFY)       | ACTIVE    | NTFY from the ASP                | - (reported)                   | ACTIVE   |
//! | + §3.8.1 (ERR)        | ACTIVE    | ERR from the ASP                 | - (reported)                   | ACTIVE   |
//!
//! (1) ETSI expects NTFY(AS-INACTIVE); our AS goes to AS-PENDING first and to AS-INACTIVE
//! when T(r) expires (§4.3.4.3), which the row also checks.
//!
//! ASP side (IUT is an ASP towards an SG; override, RC 10, activates automatically):
//!
//! | TP                    | state              | received                     | answer           | after    |
//! |-----------------------|--------------------|------------------------------|------------------|----------|
//! | ASP-ASPSM-V-001       | (association up)   | -                            | ASPUP            | DOWN     |
//! | ASP-ASPTM-V-001/V-002 | DOWN, ASPUP sent   | ASPUP_ACK                    | ASPAC            | INACTIVE |
//! | ASP-ASPSM-I-001       | DOWN, ASPUP sent   | ASPUP_ACK with version 2     | ERR:1            | DOWN     |
//! | ASP-ASPSM-I-003       | DOWN, ASPUP sent   | ASPSM type 7                 | ERR:4            | DOWN     |
//! | ASP-ASPSM-O-001       | DOWN, ASPUP sent   | ASPDN_ACK                    | - (no ASPAC)     | DOWN     |
//! | ASP-ASPSM-O-002       | DOWN, ASPUP sent   | ASPAC_ACK                    | -                | DOWN     |
//! | ASP-ASPTM-O-001       | INACTIVE, ASPAC sent | ASPUP_ACK                  | -                | INACTIVE |
//! | ASP-ASPTM-I-001       | INACTIVE, ASPAC sent | ASPAC_ACK with version 2   | ERR:1            | INACTIVE |
//! | ASP-ASPTM-I-002       | ACTIVE, ASPIA sent | ASPIA_ACK with version 2     | ERR:1            | ACTIVE   |
//! | ASP-ASPTM-I-003       | INACTIVE, ASPAC sent | ASPTM type 5               | ERR:4            | INACTIVE |
//! | ASP-ASPTM-V-007/V-008 | ACTIVE             | BEAT (5000 and 600 octets)   | BEAT_ACK, same data | ACTIVE |
//! | + §4.3.4.5 (BEAT)     | DOWN / INACTIVE    | BEAT                         | BEAT_ACK, same data | same  |
//! | ASP-MTR-V-001 (data)  | ACTIVE             | DATA (RC 10)                 | - (delivered)    | ACTIVE   |
//! | + §4.3.4.3 (DATA)     | INACTIVE / DOWN    | DATA                         | ERR:6            | same     |
//! | + §3.3.1 (RC)         | ACTIVE             | DATA with RC 99              | ERR:25           | ACTIVE   |
//! | + §4.3.4.1 (dir.)     | ACTIVE             | ASPUP / ASPAC from the SG    | ERR:6            | ACTIVE   |
//! | + §4.5.3 (DAUD dir.)  | ACTIVE             | DAUD                         | ERR:6            | ACTIVE   |
//! | + §4.5.1 (SSNM)       | ACTIVE             | DUNA                         | - (to the destination table) | ACTIVE |
//! | + §4.5.1 (SSNM)       | DOWN, ASPUP sent   | DUNA                         | ERR:6            | DOWN     |
//! | + §4.3.4.3 (NTFY)     | ACTIVE             | NTFY Alternate ASP Active    | -                | INACTIVE |
//! | + §4.3.4.2            | ACTIVE             | ASPDN_ACK (unsolicited)      | ASPUP            | DOWN     |
//! | + §4.3.4.3 (ERR)      | INACTIVE, ASPAC sent | ERR Invalid RC             | - (stops resending) | INACTIVE |
//! | + §3.8.1 (Unexp.Par.) | DOWN, ASPUP sent   | ASPUP_ACK with Traffic Mode  | ERR:19           | DOWN     |
//! | + §3.8.1 (Missing)    | ACTIVE             | NTFY without Status          | ERR:22           | ACTIVE   |
//! | + §3.8.1 (Protocol)   | ACTIVE             | header length beyond bytes   | ERR:7            | ACTIVE   |
//!
//! Rows tested elsewhere (test named in the last column), with the SGP side offering routing
//! key management (`sg::Rkm`; the `Sg::new` above does not, hence SGP-RKM-V-004's ERR:3) and
//! the SCTP stream check every association applies before its state machine:
//!
//! | TP                     | state      | received                               | answer                       | test |
//! |------------------------|------------|----------------------------------------|------------------------------|------|
//! | SGP-RKM-V-001 (+§3.6)  | INACTIVE   | REG_REQ, new key (DPC 300, SI 3)       | REG_RSP success, RC 1000 (new AS) | sg::tests::registration_creates_joins_and_refuses |
//! | + §3.6.2               | INACTIVE   | REG_REQ, key of a configured AS        | REG_RSP success, its RC / permission denied (5) if not its ASP | same |
//! | + §3.6.2               | INACTIVE   | REG_REQ, same key again                | REG_RSP already registered (12) | same |
//! | + §3.6.2               | INACTIVE   | REG_REQ, DPC = own PC / beyond 14 bits | REG_RSP invalid DPC (2)       | same |
//! | + §3.6.2               | INACTIVE   | REG_REQ, SI list without SCCP          | REG_RSP invalid routing key (4) | same |
//! | + §3.6.2               | INACTIVE   | REG_REQ, unknown RC / traffic mode 9   | REG_RSP not provisioned (7) / unsupported traffic mode (10) | same |
//! | + §3.6.2               | INACTIVE   | REG_REQ beyond the AS limit            | REG_RSP insufficient resources (8) | same |
//! | + §4.4.1               | DOWN       | REG_REQ                                | ERR:6                         | same |
//! | SGP-RKM-V-002 (+§3.6.4)| ACTIVE     | DEREG_REQ for the active RC            | DEREG_RSP ASP currently active (5) | same; m3ua_roles::an_asp_registers_a_routing_key_and_gets_an_application_server |
//! | + §3.6.4               | INACTIVE   | DEREG_REQ: unknown / not registered / registered RC | DEREG_RSP 2 / 4 / success | same |
//! | + §3.8.1 (No AS)       | INACTIVE   | ASPAC without RC, ASP in no AS         | ERR:26                        | sg::tests::peers_join_the_as_of_their_rc_asp_id_or_address |
//! | + §3.8.1 (RC)          | INACTIVE   | ASPAC with another AS's RC             | ERR:25                        | same |
//! | + §1.4.7 / §3.8.1      | any        | DATA on SCTP stream 0 (several streams) | ERR:9                        | codec::tests::stream_identifiers |
//! | + §1.4.7 / §3.8.1      | any        | ASPSM (not BEAT), MGMT, RKM on stream ≠ 0 | ERR:9                      | same |
//! | ASP: + §4.4.1          | DOWN, ASPUP sent | ASPUP_ACK (register = true)      | REG_REQ; REG_RSP success → ASPAC with the assigned RC | m3ua_state::asp_registers_its_routing_key_before_activating; m3ua_roles::scpd_registers_its_routing_key_with_an_sg_before_activating |

use std::time::{Duration, Instant};

use scpd::m3ua::asp::{messages, AsConfig, AspState};
use scpd::m3ua::client::{Asp, AspConfig, Event};
use scpd::m3ua::codec::tag;
use scpd::m3ua::pdu::*;
use scpd::m3ua::routing::AsSpec;
use scpd::m3ua::sg::{Outbox, Sg};
use scpd::m3ua::{Builder, Kind, Pdu, ProtocolData};

/// One answer message as the table writes it.
fn show(m: &[u8]) -> String {
    match Pdu::decode(m) {
        Ok(Pdu::Err(e)) => format!("ERR:{}", e.code.unwrap_or(0)),
        Ok(Pdu::Ntfy(n)) => {
            let s = n.status.unwrap();
            format!("NTFY:{}/{}", s.status_type, s.info)
        }
        Ok(p) => p.kind().name().to_string(),
        Err(e) => format!("undecodable: {e}"),
    }
}

fn answers(out: &[u8]) -> String {
    let v: Vec<_> = messages(out).map(show).collect();
    if v.is_empty() {
        "-".into()
    } else {
        v.join(" ")
    }
}

// ---- messages --------------------------------------------------------------------------

/// A BEAT whose header claims 16 octets, of which 12 arrived.
fn truncated() -> Vec<u8> {
    let mut b = beat(4);
    b[7] = 16;
    b.truncate(12);
    b
}

fn header(version: u8, class: u8, t: u8) -> Vec<u8> {
    vec![version, 0, class, t, 0, 0, 0, 8]
}

fn with_version(mut m: Vec<u8>, v: u8) -> Vec<u8> {
    m[0] = v;
    m
}

fn aspup() -> Vec<u8> {
    Pdu::AspUp(AspUp {
        asp_id: Some(1),
        info: None,
    })
    .to_vec()
}

fn aspac(tmt: Option<u32>, rc: Option<u32>) -> Vec<u8> {
    let rcs = rc.map(|r| [r]);
    Pdu::AspAc(AspTm {
        traffic_mode: tmt,
        rc: rcs.as_ref().map(|r| List::Values(&r[..])),
        info: None,
    })
    .to_vec()
}

fn simple(p: Pdu<'_>) -> Vec<u8> {
    p.to_vec()
}

const PD: ProtocolData<'static> = ProtocolData {
    opc: 100,
    dpc: 200,
    si: 3,
    ni: 2,
    mp: 0,
    sls: 5,
    data: b"sccp",
};

fn data(rc: Option<u32>) -> Vec<u8> {
    let rcs = rc.map(|r| [r]);
    Pdu::Data(Data {
        na: None,
        rc: rcs.as_ref().map(|r| List::Values(&r[..])),
        pd: Some(PD),
        correlation_id: None,
    })
    .to_vec()
}

fn beat(n: usize) -> Vec<u8> {
    let d: Vec<u8> = (0..n).map(|i| (i * 7) as u8).collect();
    Pdu::Beat(Beat { data: Some(&d) }).to_vec()
}

fn daud(pcs: &[MaskedPc]) -> Vec<u8> {
    Pdu::Daud(Ssnm {
        apc: Some(List::Values(pcs)),
        ..Ssnm::default()
    })
    .to_vec()
}

// ---- SGP harness -----------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum S {
    Down,
    Inactive,
    Active,
}

fn sgp(state: S) -> (Sg, Instant) {
    let t0 = Instant::now();
    let mut sg = Sg::new(
        AsConfig {
            routing_contexts: vec![10],
            local_pc: 200,
        },
        AsSpec {
            routing_context: Some(10),
            t_r: Duration::from_secs(2),
            ..AsSpec::default()
        },
    );
    sg.connected(1);
    let mut o = Outbox::new();
    if matches!(state, S::Inactive | S::Active) {
        sg.handle(1, t0, &aspup(), &mut o);
    }
    if matches!(state, S::Active) {
        sg.handle(1, t0, &aspac(Some(1), Some(10)), &mut o);
    }
    (sg, t0)
}

fn to(o: &Outbox, a: u32) -> String {
    let mut all = Vec::new();
    for (x, m) in o {
        if *x == a {
            all.extend_from_slice(m);
        }
    }
    answers(&all)
}

fn sgp_row(state: S, msg: &[u8], want: &str, after: AspState) {
    let (mut sg, t0) = sgp(state);
    let mut o = Outbox::new();
    sg.handle(1, t0, msg, &mut o);
    assert_eq!(to(&o, 1), want, "in {state:?}");
    assert_eq!(
        sg.peer(1).unwrap().state(),
        after,
        "state after, from {state:?}"
    );
}

macro_rules! sgp_rows {
    ($($name:ident: $state:ident, $msg:expr => $want:literal, $after:ident;)*) => {$(
        #[test]
        fn $name() {
            sgp_row(S::$state, &$msg, $want, AspState::$after);
        }
    )*};
}

sgp_rows! {
    sgp_aspsm_v_001_aspup_in_down: Down, aspup() => "ASPUP_ACK NTFY:1/2", Inactive;
    sgp_aspsm_v_005_aspdn_in_inactive: Inactive, simple(Pdu::AspDn(AspDn::default())) => "ASPDN_ACK", Down;
    sgp_aspsm_i_001_invalid_version: Down, with_version(aspup(), 2) => "ERR:1", Down;
    sgp_aspsm_i_002_reserved_aspsm_type: Down, header(1, 3, 7) => "ERR:4", Down;
    sgp_aspsm_i_003_aspac_in_down: Down, aspac(Some(1), Some(10)) => "ERR:6", Down;
    sgp_aspsm_i_004_reserved_type_in_inactive: Inactive, header(1, 3, 7) => "ERR:4", Inactive;
    sgp_aspsm_o_001_aspup_in_inactive: Inactive, aspup() => "ASPUP_ACK", Inactive;
    sgp_aspsm_o_003_aspup_in_active: Active, aspup() => "ERR:6 ASPUP_ACK NTFY:1/4", Inactive;
    sgp_aspsm_o_004_aspdn_in_down: Down, simple(Pdu::AspDn(AspDn::default())) => "ASPDN_ACK", Down;
    sgp_asptm_v_001_aspac_in_inactive: Inactive, aspac(Some(1), Some(10)) => "ASPAC_ACK NTFY:1/3", Active;
    sgp_asptm_v_006_aspia_in_active: Active, simple(Pdu::AspIa(AspTm::default())) => "ASPIA_ACK NTFY:1/4", Inactive;
    sgp_asptm_v_010_beat_in_active: Active, beat(13) => "BEAT_ACK", Active;
    sgp_beat_in_down: Down, beat(4) => "BEAT_ACK", Down;
    sgp_beat_in_inactive: Inactive, beat(4) => "BEAT_ACK", Inactive;
    sgp_asptm_i_001_invalid_version: Inactive, with_version(aspac(Some(1), None), 2) => "ERR:1", Inactive;
    sgp_asptm_i_004_unsupported_traffic_mode: Inactive, aspac(Some(4), None) => "ERR:5", Inactive;
    sgp_asptm_i_005_invalid_rc: Inactive, aspac(Some(1), Some(99)) => "ERR:25", Inactive;
    sgp_asptm_i_006_reserved_asptm_type: Inactive, header(1, 4, 5) => "ERR:4", Inactive;
    sgp_asptm_i_008_reserved_asptm_type_active: Active, header(1, 4, 5) => "ERR:4", Active;
    sgp_asptm_o_001_aspac_in_active: Active, aspac(Some(1), Some(10)) => "ASPAC_ACK", Active;
    sgp_asptm_o_003_aspia_in_inactive: Inactive, simple(Pdu::AspIa(AspTm::default())) => "ASPIA_ACK", Inactive;
    sgp_mtr_v_002_data_in_active: Active, data(Some(10)) => "-", Active;
    sgp_mtr_v_002_alt_data_without_protocol_data: Active, header(1, 1, 1) => "ERR:22", Active;
    sgp_mtr_i_001_data_invalid_version: Active, with_version(data(Some(10)), 2) => "ERR:1", Active;
    sgp_mtr_i_002_unsupported_class: Active, header(1, 10, 1) => "ERR:3", Active;
    sgp_mtr_i_003_unsupported_transfer_type: Active, header(1, 1, 2) => "ERR:4", Active;
    sgp_rkm_v_004_reg_req_not_offered: Inactive, simple(Pdu::RegReq(RegReq {
        info: None,
        keys: Seq::Values(&[RoutingKey {
            local_rk_id: 1,
            rc: None,
            traffic_mode: None,
            na: None,
            dests: RkDests::Values(&[RkDest { dpc: MaskedPc::exact(100), si: None, opc: None }]),
        }]),
    })) => "ERR:3", Inactive;
    sgp_data_in_inactive: Inactive, data(Some(10)) => "ERR:6", Inactive;
    sgp_data_in_down: Down, data(Some(10)) => "ERR:6", Down;
    sgp_data_invalid_rc: Active, data(Some(99)) => "ERR:25", Active;
    sgp_daud_in_active: Active, daud(&[MaskedPc::exact(200), MaskedPc::exact(7)]) => "DAVA DUNA", Active;
    sgp_daud_in_down: Down, daud(&[MaskedPc::exact(200)]) => "ERR:6", Down;
    sgp_unexpected_parameter_in_aspup: Active, {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspUp).param_u32(tag::ROUTING_CONTEXT, 10).finish();
        b
    } => "ERR:19", Active;
    sgp_unexpected_parameter_in_aspac: Inactive, {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspAc).param_u32(tag::ASP_IDENTIFIER, 10).finish();
        b
    } => "ERR:19", Inactive;
    sgp_invalid_parameter_value_short_protocol_data: Active, {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::Data).param(tag::PROTOCOL_DATA, &[0; 8]).finish();
        b
    } => "ERR:17", Active;
    sgp_parameter_field_error_short_asp_id: Active, {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspUp).param(tag::ASP_IDENTIFIER, &[0, 1]).finish();
        b
    } => "ERR:18", Active;
    sgp_protocol_error_length_beyond_bytes: Active, truncated() => "ERR:7", Active;
    sgp_missing_parameter_daud: Active, header(1, 2, 3) => "ERR:22", Active;
    sgp_duna_from_an_asp: Active, simple(Pdu::Duna(Ssnm {
        apc: Some(List::Values(&[MaskedPc::exact(5)])),
        ..Ssnm::default()
    })) => "ERR:6", Active;
    sgp_ack_from_an_asp: Inactive, simple(Pdu::AspAcAck(AspTm::default())) => "ERR:6", Inactive;
    sgp_ntfy_from_the_asp_is_reported: Active, simple(Pdu::Ntfy(Ntfy {
        status: Some(Status::as_state(status::AS_ACTIVE)),
        ..Ntfy::default()
    })) => "-", Active;
    sgp_err_from_the_asp_is_reported: Active, {
        let mut b = Vec::new();
        encode_err(&mut b, scpd::m3ua::ErrorCode::ProtocolError, None, None);
        b
    } => "-", Active;
}

#[test]
fn sgp_aspsm_o_003_then_t_r_expiry_reports_as_inactive() {
    let (mut sg, t0) = sgp(S::Active);
    let mut o = Outbox::new();
    sg.handle(1, t0, &aspup(), &mut o);
    o.clear();
    let t = sg.poll_timeout().unwrap();
    assert_eq!(t, t0 + Duration::from_secs(2));
    sg.on_timeout(t, &mut o);
    assert_eq!(to(&o, 1), "NTFY:1/2");
}

#[test]
fn sgp_beat_ack_echoes_the_data() {
    let (mut sg, t0) = sgp(S::Active);
    let mut o = Outbox::new();
    let b = beat(13);
    sg.handle(1, t0, &b, &mut o);
    let Pdu::BeatAck(ack) = Pdu::decode(&o[0].1).unwrap() else {
        panic!()
    };
    let Pdu::Beat(sent) = Pdu::decode(&b).unwrap() else {
        panic!()
    };
    assert_eq!(ack.data, sent.data);
}

fn two_asps_override() -> (Sg, Instant) {
    let t0 = Instant::now();
    let mut sg = Sg::new(
        AsConfig {
            routing_contexts: vec![10],
            local_pc: 200,
        },
        AsSpec {
            routing_context: Some(10),
            traffic_mode: TrafficMode::Override,
            ..AsSpec::default()
        },
    );
    let mut o = Outbox::new();
    for (a, id) in [(1u32, 11u32), (2, 22)] {
        sg.connected(a);
        let up = Pdu::AspUp(AspUp {
            asp_id: Some(id),
            info: None,
        })
        .to_vec();
        sg.handle(a, t0, &up, &mut o);
    }
    sg.handle(2, t0, &aspac(Some(1), Some(10)), &mut o);
    (sg, t0)
}

fn ntfy_to(o: &Outbox, a: u32) -> Vec<(Status, Option<u32>)> {
    o.iter()
        .filter(|(x, _)| *x == a)
        .flat_map(|(_, m)| {
            messages(m)
                .map(|m| Pdu::decode(m).unwrap())
                .collect::<Vec<_>>()
        })
        .filter_map(|p| match p {
            Pdu::Ntfy(n) => Some((n.status.unwrap(), n.asp_id)),
            _ => None,
        })
        .collect()
}

#[test]
fn sgp_asptm_v_014_override_takeover_notifies_alternate_asp_active() {
    let (mut sg, t0) = two_asps_override();
    assert_eq!(sg.route(300, 0).unwrap().0, 2);
    let mut o = Outbox::new();
    sg.handle(1, t0, &aspac(Some(1), Some(10)), &mut o);
    assert_eq!(to(&o, 1), "ASPAC_ACK");
    assert_eq!(
        ntfy_to(&o, 2),
        [(Status::other(status::ALTERNATE_ASP_ACTIVE), Some(11))]
    );
    assert_eq!(sg.peer(2).unwrap().state(), AspState::Inactive);
    assert_eq!(sg.route(300, 0).unwrap(), (1, Some(10)));
}

#[test]
fn sgp_asptm_i_009_association_loss_notifies_asp_failure() {
    let (mut sg, t0) = two_asps_override();
    let mut o = Outbox::new();
    sg.handle(1, t0, &aspac(Some(1), Some(10)), &mut o);
    o.clear();
    sg.association_lost(1, t0, &mut o);
    assert_eq!(
        ntfy_to(&o, 2)[0],
        (Status::other(status::ASP_FAILURE), Some(11))
    );
}

// ---- ASP harness -----------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum A {
    /// ASPUP sent, no answer yet.
    UpSent,
    /// ASPUP ACK received, ASPAC sent.
    AcSent,
    Active,
    /// ACTIVE, then ASPIA sent.
    IaSent,
}

fn asp(state: A) -> (Asp, Instant) {
    let t0 = Instant::now();
    let mut a = Asp::new(AspConfig {
        traffic_mode: TrafficMode::Override,
        routing_contexts: vec![10],
        ..AspConfig::default()
    });
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    if !matches!(state, A::UpSent) {
        a.handle(t0, &simple(Pdu::AspUpAck(AspUp::default())), &mut out);
    }
    if matches!(state, A::Active | A::IaSent) {
        a.handle(t0, &simple(Pdu::AspAcAck(AspTm::default())), &mut out);
    }
    if matches!(state, A::IaSent) {
        a.deactivate(t0, &mut out);
    }
    (a, t0)
}

fn asp_row(state: A, msg: &[u8], want: &str, after: AspState) {
    let (mut a, t0) = asp(state);
    let mut out = Vec::new();
    a.handle(t0, msg, &mut out);
    assert_eq!(answers(&out), want, "in {state:?}");
    assert_eq!(a.state(), after, "state after, from {state:?}");
}

macro_rules! asp_rows {
    ($($name:ident: $state:ident, $msg:expr => $want:literal, $after:ident;)*) => {$(
        #[test]
        fn $name() {
            asp_row(A::$state, &$msg, $want, AspState::$after);
        }
    )*};
}

asp_rows! {
    asp_asptm_v_001_aspup_ack_then_aspac: UpSent, simple(Pdu::AspUpAck(AspUp::default())) => "ASPAC", Inactive;
    asp_aspsm_i_001_invalid_version: UpSent, with_version(simple(Pdu::AspUpAck(AspUp::default())), 2) => "ERR:1", Down;
    asp_aspsm_i_003_reserved_aspsm_type: UpSent, header(1, 3, 7) => "ERR:4", Down;
    asp_aspsm_o_001_aspdn_ack_while_waiting: UpSent, simple(Pdu::AspDnAck(AspDn::default())) => "-", Down;
    asp_aspsm_o_002_aspac_ack_while_down: UpSent, simple(Pdu::AspAcAck(AspTm::default())) => "-", Down;
    asp_asptm_o_001_aspup_ack_while_activating: AcSent, simple(Pdu::AspUpAck(AspUp::default())) => "-", Inactive;
    asp_asptm_i_001_aspac_ack_invalid_version: AcSent, with_version(simple(Pdu::AspAcAck(AspTm::default())), 2) => "ERR:1", Inactive;
    asp_asptm_i_002_aspia_ack_invalid_version: IaSent, with_version(simple(Pdu::AspIaAck(AspTm::default())), 2) => "ERR:1", Active;
    asp_asptm_i_003_reserved_asptm_type: AcSent, header(1, 4, 5) => "ERR:4", Inactive;
    asp_asptm_v_007_beat_5000: Active, beat(5000) => "BEAT_ACK", Active;
    asp_asptm_v_008_beat_600: Active, beat(600) => "BEAT_ACK", Active;
    asp_beat_in_down: UpSent, beat(4) => "BEAT_ACK", Down;
    asp_beat_in_inactive: AcSent, beat(4) => "BEAT_ACK", Inactive;
    asp_mtr_v_001_data_in_active: Active, data(Some(10)) => "-", Active;
    asp_data_in_inactive: AcSent, data(Some(10)) => "ERR:6", Inactive;
    asp_data_in_down: UpSent, data(Some(10)) => "ERR:6", Down;
    asp_data_invalid_rc: Active, data(Some(99)) => "ERR:25", Active;
    asp_aspup_from_the_sg: Active, aspup() => "ERR:6", Active;
    asp_aspac_from_the_sg: Active, aspac(Some(1), None) => "ERR:6", Active;
    asp_daud_from_the_sg: Active, daud(&[MaskedPc::exact(1)]) => "ERR:6", Active;
    asp_duna_in_active: Active, simple(Pdu::Duna(Ssnm {
        apc: Some(List::Values(&[MaskedPc::exact(5)])),
        ..Ssnm::default()
    })) => "-", Active;
    asp_duna_in_down: UpSent, simple(Pdu::Duna(Ssnm {
        apc: Some(List::Values(&[MaskedPc::exact(5)])),
        ..Ssnm::default()
    })) => "ERR:6", Down;
    asp_ntfy_alternate_asp_active: Active, simple(Pdu::Ntfy(Ntfy {
        status: Some(Status::other(status::ALTERNATE_ASP_ACTIVE)),
        ..Ntfy::default()
    })) => "-", Inactive;
    asp_unsolicited_aspdn_ack: Active, simple(Pdu::AspDnAck(AspDn::default())) => "ASPUP", Down;
    asp_err_invalid_rc_on_aspac: AcSent, {
        let mut b = Vec::new();
        encode_err(&mut b, scpd::m3ua::ErrorCode::InvalidRoutingContext, None, None);
        b
    } => "-", Inactive;
    asp_unexpected_parameter_in_aspup_ack: UpSent, {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspUpAck).param_u32(tag::TRAFFIC_MODE_TYPE, 1).finish();
        b
    } => "ERR:19", Down;
    asp_missing_status_in_ntfy: Active, header(1, 0, 1) => "ERR:22", Active;
    asp_protocol_error_length_beyond_bytes: Active, truncated() => "ERR:7", Active;
}

#[test]
fn asp_aspsm_v_001_association_up_sends_aspup() {
    let t0 = Instant::now();
    let mut a = Asp::new(AspConfig::default());
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    assert_eq!(answers(&out), "ASPUP");
    assert_eq!(a.state(), AspState::Down);
}

#[test]
fn asp_beat_ack_echoes_5000_octets() {
    let (mut a, t0) = asp(A::Active);
    let b = beat(5000);
    let mut out = Vec::new();
    a.handle(t0, &b, &mut out);
    let (Pdu::BeatAck(ack), Pdu::Beat(sent)) =
        (Pdu::decode(&out).unwrap(), Pdu::decode(&b).unwrap())
    else {
        panic!()
    };
    assert_eq!(ack.data, sent.data);
}

#[test]
fn asp_aspsm_o_001_no_aspac_even_after_t_ack() {
    // After the stray ASPDN ACK the ASP keeps asking to come up, never to activate.
    let (mut a, t0) = asp(A::UpSent);
    let mut out = Vec::new();
    a.handle(t0, &simple(Pdu::AspDnAck(AspDn::default())), &mut out);
    a.on_timeout(t0 + Duration::from_secs(2), &mut out);
    assert_eq!(answers(&out), "ASPUP");
}

#[test]
fn asp_err_invalid_rc_stops_resending_aspac() {
    let (mut a, t0) = asp(A::AcSent);
    let mut err = Vec::new();
    encode_err(
        &mut err,
        scpd::m3ua::ErrorCode::InvalidRoutingContext,
        None,
        None,
    );
    let mut out = Vec::new();
    assert!(matches!(
        a.handle(t0, &err, &mut out),
        Event::PeerError {
            gave_up: Some(Kind::AspAc),
            ..
        }
    ));
    assert_eq!(a.poll_timeout(), None);
}
