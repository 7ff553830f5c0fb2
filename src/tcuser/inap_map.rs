//! INAP CS-1 ↔ the protocol-neutral service model: InitialDP becomes a [`Trigger`]
//! ([`to_trigger`]), EventReportBCSM a call state (CAP's mapping: CS-1 has the same
//! EventTypeBCSM values, [`super::camel_map::to_state`]), a monitored call arms the
//! detection points of [`armed_events`], and an [`Instruction`] becomes the argument of
//! Continue, Connect or ReleaseCall ([`write_argument`]).

use crate::ber::{Tag, Writer};
use crate::camel::numbers::nature;
use crate::inap::{
    event_name, BcsmEvent, Cause, ConnectArg, EventTypeBcsm, InitialDpArg, IsupNumber, LegId,
    LegType, MonitorMode,
};
use crate::service::{Direction, Instruction, MalformedMember, Party, Protocol, Trigger};

pub const VERSION: &str = "INAP CS-1";

/// The events armed for a monitored call (ETS 300 374-1 §9 RequestReportBCSMEvent):
/// notifications for the outcomes only reported, interrupted disconnect of either leg so
/// that scpd decides how the relationship ends, as for CAP (TS 29.078 §8.1).
pub fn armed_events(direction: Direction) -> ([BcsmEvent<'static>; 7], usize) {
    use MonitorMode::{Interrupted as R, NotifyAndContinue as N};
    let leg = |l| Some(LegId::SendingSide(l));
    let (l1, l2) = (LegType::LEG1, LegType::LEG2);
    let ev = |t: u8, m, l| BcsmEvent::new(EventTypeBcsm(t), m, l);
    if direction == Direction::Terminating {
        (
            [
                ev(13, N, leg(l2)), // tBusy
                ev(14, N, leg(l2)), // tNoAnswer
                ev(15, N, leg(l2)), // tAnswer
                ev(17, R, leg(l1)), // tDisconnect, calling side
                ev(17, R, leg(l2)), // tDisconnect, called side
                ev(18, N, leg(l1)), // tAbandon
                ev(0, N, None),
            ],
            6,
        )
    } else {
        (
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
        )
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

/// Whether the InitialDP is for the terminating half call: its DP (eventTypeBCSM
/// termAttemptAuthorized and later) or, without one, its triggerType (tNoAnswer 25,
/// tBusy 26, termAttemptAuthorized 33, tAnswer 34, tDisconnect 35).
fn terminating(idp: &InitialDpArg<'_>) -> bool {
    match idp.event_type_bcsm {
        Some(e) => e.is_terminating(),
        None => matches!(idp.trigger_type, Some(25 | 26 | 33..=35)),
    }
}

/// InitialDP → protocol-neutral trigger (ETS 300 374-1 §9).
pub fn to_trigger(idp: &InitialDpArg<'_>) -> Trigger {
    let direction = if terminating(idp) {
        Direction::Terminating
    } else {
        Direction::Originating
    };
    let trigger = idp
        .event_type_bcsm
        .and_then(event_name)
        .or_else(|| idp.trigger_type.and_then(crate::inap::trigger_type_name))
        .unwrap_or("unspecified");
    Trigger {
        protocol: Protocol::Inap,
        version: VERSION,
        direction,
        trigger,
        service_key: idp.service_key,
        calling: idp.calling_party_number.as_ref().map(isup_party),
        called: idp.called_party_number.as_ref().map(isup_party),
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
        imsi: None,
        imei: None,
        min: None,
        switch_address: None,
        location: None,
        call_reference: None,
        malformed: idp
            .malformed
            .iter()
            .map(MalformedMember::from_ber)
            .collect(),
    }
}

/// The argument of the instruction's operation (Continue has none): Connect to an
/// international E.164 number, ReleaseCall with a Q.850 cause from the public network
/// serving the remote user.
pub fn write_argument(w: &mut Writer<'_>, instruction: Instruction) {
    match instruction {
        Instruction::Continue | Instruction::Monitor => {}
        Instruction::Connect(number) => {
            let digits = number.convert().unwrap_or_default();
            ConnectArg::to(IsupNumber::e164(nature::INTERNATIONAL, digits)).encode(w)
        }
        Instruction::Release(cause) => {
            let mut v = Vec::with_capacity(4);
            Cause::new(4, cause).encode_into(&mut v);
            w.primitive(Tag::OCTET_STRING, &v)
        }
    }
}
