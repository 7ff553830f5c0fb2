//! The INAP CS-1 messages the simulated fixed-network SSP sends: InitialDP in a TC-BEGIN
//! with the Core INAP CS-1 SSP-to-SCP application context (ETS 300 374-1 §9). Its
//! EventReportBCSM is CAP's type tag for tag, so the CAMEL flow's [`super::camel::report`]
//! writes it.

use super::SimConfig;
use crate::camel::numbers::nature;
use crate::inap::{ac, opcode, EventTypeBcsm, InitialDpArg, IsupNumber};
use crate::tcap::itu::{self, DialogueOut, MessageType};

/// The TC-BEGIN with InitialDP: collectedInfo (event 2) for an originating call,
/// termAttemptAuthorized (12) for a terminating one, with the Q.763 called and calling
/// party numbers (a CS-1 switch has no IMSI, location or BCD number to add).
pub fn initial_dp(
    cfg: &SimConfig,
    calling: &str,
    called: &str,
    terminating: bool,
    otid: &[u8],
    out: &mut Vec<u8>,
) {
    let parse_isup = |s: &str| s.parse().unwrap_or_default();
    let idp = InitialDpArg {
        service_key: cfg.service_key,
        called_party_number: Some(IsupNumber::e164(nature::INTERNATIONAL, parse_isup(called))),
        calling_party_number: Some(IsupNumber {
            screening: 3,
            ..IsupNumber::e164(nature::INTERNATIONAL, parse_isup(calling))
        }),
        calling_partys_category: Some(0x0a),
        event_type_bcsm: Some(EventTypeBcsm(if terminating { 12 } else { 2 })),
        ..Default::default()
    };
    itu::encode(
        out,
        MessageType::Begin,
        Some(otid),
        None,
        Some(DialogueOut::Aarq { ac: ac::SSP_TO_SCP }),
        |w| itu::invoke(w, 1, opcode::INITIAL_DP, |w| idp.encode(w)),
    );
}
