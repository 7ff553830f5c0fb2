//! CAP ↔ the protocol-neutral service model ([`crate::service`]): InitialDP becomes a
//! [`Trigger`] ([`to_trigger`]), EventReportBCSM a [`CallState`] ([`to_state`]), a monitored
//! call arms the detection points of [`armed_events`], and an [`Instruction`] becomes the
//! argument of Continue, Connect or ReleaseCall ([`write_argument`]).

use crate::ber::{Tag, Writer};
use crate::camel::{
    opcode, AddressString, BcsmEvent, CellIdOrLai, EventReportBcsmArg, EventTypeBcsm, InitialDpArg,
    IsupNumber, LegId, LegType, MonitorMode, Phase,
};
use crate::service::{
    CallState, CompactString, Direction, Instruction, Location, MalformedMember, Party, Protocol,
    Trigger,
};

pub fn version_name(phase: Option<Phase>) -> &'static str {
    match phase {
        Some(Phase::Cap1) | None => "CAP v1",
        Some(Phase::Cap2) => "CAP v2",
        Some(Phase::Cap3) => "CAP v3",
        Some(Phase::Cap4) => "CAP v4",
    }
}

/// The events armed for a monitored call (TS 29.078 §8.1 RequestReportBCSMEvent), the way
/// real gsmSCFs arm them (cf. camel.pcap): notifications for the outcomes we only report,
/// interrupted disconnect on both legs. CAMEL phase 1 (CAP v1, no AC) has only the answer
/// and disconnect DPs (GSM 03.78 §4.2.2: O/T_Answer EDP-N, O/T_Disconnect EDP-N/EDP-R);
/// busy, no answer, route-select failure and abandon come with phase 2.
pub fn armed_events(
    direction: Direction,
    phase: Option<Phase>,
) -> ([BcsmEvent<'static>; 7], usize) {
    use MonitorMode::{Interrupted as R, NotifyAndContinue as N};
    let leg = |l| Some(LegId::SendingSide(l));
    let (l1, l2) = (LegType::LEG1, LegType::LEG2);
    let ev = |t: u8, m, l| BcsmEvent::new(EventTypeBcsm(t), m, l);
    let unused = ev(0, N, None);
    let phase1 = matches!(phase, None | Some(Phase::Cap1));
    match (direction == Direction::Terminating, phase1) {
        (true, true) => (
            [
                ev(15, N, leg(l2)), // tAnswer
                ev(17, R, leg(l1)), // tDisconnect, calling side
                ev(17, R, leg(l2)), // tDisconnect, called side
                unused,
                unused,
                unused,
                unused,
            ],
            3,
        ),
        (true, false) => (
            [
                ev(13, N, leg(l2)), // tBusy
                ev(14, N, leg(l2)), // tNoAnswer
                ev(15, N, leg(l2)), // tAnswer
                ev(17, R, leg(l1)), // tDisconnect, calling side
                ev(17, R, leg(l2)), // tDisconnect, called side
                ev(18, N, leg(l1)), // tAbandon
                unused,
            ],
            6,
        ),
        (false, true) => (
            [
                ev(7, N, leg(l2)), // oAnswer
                ev(9, R, leg(l1)), // oDisconnect, calling side
                ev(9, R, leg(l2)), // oDisconnect, called side
                unused,
                unused,
                unused,
                unused,
            ],
            3,
        ),
        (false, false) => (
            [
                ev(4, N, leg(l2)),  // routeSelectFailure
                ev(5, N, leg(l2)),  // oCalledPartyBusy
                ev(6, N, leg(l2)),  // oNoAnswer
                ev(7, N, leg(l2)),  // oAnswer
                ev(9, R, leg(l1)),  // oDisconnect, calling side
                ev(9, R, leg(l2)),  // oDisconnect, called side
                ev(10, N, leg(l1)), // oAbandon
            ],
            7,
        ),
    }
}

fn isup_party(n: &IsupNumber) -> Party {
    Party {
        digits: n.digits.text().as_str().into(),
        nature: n.nature,
        noa: crate::service::isup_nature(n.nature),
        plan: n.plan,
        presentation: n.presentation,
    }
}

fn address_party(a: &AddressString) -> Party {
    Party {
        digits: a.digits.text().as_str().into(),
        nature: a.nature,
        noa: crate::service::address_nature(a.nature),
        plan: a.plan,
        presentation: 0,
    }
}

/// LocationInformation (TS 29.002 §17.7.1, as CAP and MAP carry it) → protocol-neutral:
/// the cell or location area and the VLR number.
pub fn location(l: &crate::camel::LocationInformation<'_>) -> Location {
    let mut loc = Location::default();
    if let Some(c) = l.cell_id_or_lai {
        let p = c.plmn();
        loc.mcc = compact_str::format_compact!("{:03}", p.mcc);
        loc.mnc = if p.mnc_3_digits {
            compact_str::format_compact!("{:03}", p.mnc)
        } else {
            compact_str::format_compact!("{:02}", p.mnc)
        };
        loc.lac = c.lac();
        if let CellIdOrLai::CellId { ci, .. } = c {
            loc.cell_id = ci;
        }
    }
    if let Some(v) = &l.vlr_number {
        loc.vlr = v.digits.text().as_str().into();
    }
    loc
}

/// InitialDP → protocol-neutral trigger (TS 29.078 §6.1.1 / TS 23.078 §4.6.1.8).
pub fn to_trigger(idp: &InitialDpArg<'_>, phase: Option<Phase>) -> Trigger {
    let event = idp.event_type_bcsm;
    let direction = match event {
        Some(e) if e.is_terminating() => Direction::Terminating,
        _ => Direction::Originating,
    };
    let location = idp.location_information.as_ref().map(location);
    Trigger {
        protocol: Protocol::Camel,
        version: version_name(phase),
        direction,
        trigger: event.and_then(|e| e.name()).unwrap_or("unspecified"),
        service_key: idp.service_key,
        calling: idp.calling_party_number.as_ref().map(isup_party),
        called: idp
            .called_party_number
            .as_ref()
            .map(isup_party)
            .or_else(|| idp.called_party_bcd_number.as_ref().map(address_party)),
        served: None,
        original_called: idp
            .original_called_party_id
            .as_ref()
            .map(|n| Box::new(isup_party(n))),
        redirecting: idp
            .redirecting_party_id
            .as_ref()
            .map(|n| Box::new(isup_party(n))),
        location_number: idp
            .location_number
            .as_ref()
            .map(|n| Box::new(isup_party(n))),
        imsi: idp.imsi.map(|i| i.text().as_str().into()),
        // CAP v3+ carry the IMEI in initialDPArgExtension (TS 29.078 §6.1.1, iMEI [4]).
        imei: phase
            .and_then(|p| idp.extension(p))
            .and_then(Result::ok)
            .and_then(|x| x.imei)
            .map(|i| i.text().as_str().into()),
        min: None,
        switch_address: idp.msc_address.as_ref().map(address_party),
        location,
        call_reference: idp.call_reference_number.map(hex),
        malformed: malformed(idp, phase),
    }
}

/// The InitialDP's malformed optional members, and its initialDPArgExtension when that
/// does not decode for the dialogue's phase.
fn malformed(idp: &InitialDpArg<'_>, phase: Option<Phase>) -> Box<[MalformedMember]> {
    let ext = phase.and_then(|p| idp.extension(p)?.err());
    if idp.malformed.is_empty() && ext.is_none() {
        return Box::default();
    }
    let mut v: Vec<MalformedMember> = idp
        .malformed
        .iter()
        .map(MalformedMember::from_ber)
        .collect();
    if let (Some(fault), Some(contents)) = (ext, idp.initial_dp_arg_extension) {
        // The codec keeps the extension's contents: the member again, as [59] with them.
        let mut raw = Vec::with_capacity(contents.len() + 4);
        Writer::new(&mut raw).constructed(Tag::ctx_cons(59), |w| w.raw(contents));
        v.push(MalformedMember {
            member: "initialDPArgExtension",
            raw: raw.into(),
            fault: fault.to_string(),
        });
    }
    v.into()
}

/// Octets as lower-case hex (call reference numbers are at most 8 octets: inline).
fn hex(b: &[u8]) -> CompactString {
    use std::fmt::Write;
    let mut s = CompactString::default();
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// EventReportBCSM → call-state change (TS 29.078 §8.3).
pub fn to_state(er: &EventReportBcsmArg<'_>) -> Option<CallState> {
    let cause = er
        .event_specific_information
        .as_ref()
        .and_then(|i| i.cause())
        .map(|c| c.value);
    Some(match er.event_type.0 {
        4 => CallState::RouteSelectFailure(cause),
        5 | 13 => CallState::Busy(cause),
        6 | 14 => CallState::NoAnswer,
        7 | 15 => CallState::Answered,
        9 | 17 => CallState::Disconnected(cause),
        10 | 18 => CallState::Abandoned,
        _ => return None,
    })
}

/// One Invoke carrying a final routing instruction (ITU component, for tests and tools).
pub fn write_instruction(w: &mut Writer<'_>, invoke_id: i8, instruction: Instruction) {
    let code = match instruction {
        Instruction::Continue | Instruction::Monitor => opcode::CONTINUE,
        Instruction::Connect(_) => opcode::CONNECT,
        Instruction::Release(_) => opcode::RELEASE_CALL,
    };
    crate::tcap::itu::invoke(w, invoke_id, code, |w| write_argument(w, instruction));
}

/// The argument of the instruction's operation (Continue has none).
pub fn write_argument(w: &mut Writer<'_>, instruction: Instruction) {
    match instruction {
        Instruction::Continue | Instruction::Monitor => {}
        Instruction::Connect(number) => {
            let digits = number.convert().unwrap_or_default();
            let dest = IsupNumber::e164(crate::camel::numbers::nature::INTERNATIONAL, digits);
            crate::camel::ConnectArg::to(dest).encode(w)
        }
        Instruction::Release(cause) => {
            let c = crate::camel::Cause::new(4, cause);
            let mut v = Vec::with_capacity(4);
            c.encode_into(&mut v);
            w.primitive(Tag::OCTET_STRING, &v)
        }
    }
}
