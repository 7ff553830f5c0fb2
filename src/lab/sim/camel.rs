//! The CAMEL messages the simulated MSC sends: InitialDP in a TC-BEGIN, and the
//! EventReportBCSM of an answer or a disconnect (3GPP TS 29.078).

use super::SimConfig;
use crate::camel::{
    ac, numbers::nature, opcode, AddressString, CellIdOrLai, EventReportBcsmArg, EventSpecificInfo,
    EventTypeBcsm, InitialDpArg, IsupNumber, LegType, LocationInformation, Plmn,
};
use crate::tcap::itu::{self, DialogueOut, MessageType};

/// Encode the TC-BEGIN with InitialDP for a call of `cfg` (its numbers and direction).
pub fn initial_dp_begin(cfg: &SimConfig, otid: &[u8], out: &mut Vec<u8>) {
    initial_dp(cfg, &cfg.calling, &cfg.called, cfg.terminating, otid, out)
}

/// The TC-BEGIN with InitialDP: O-CSI collectedInfo (event 2) with the dialled
/// calledPartyBCDNumber, or T-CSI termAttemptAuthorized (12) with calledPartyNumber
/// (3GPP TS 29.078 §6.1.1.1 InitialDPArg).
pub(super) fn initial_dp(
    cfg: &SimConfig,
    calling: &str,
    called: &str,
    terminating: bool,
    otid: &[u8],
    out: &mut Vec<u8>,
) {
    let parse_isup = |s: &str| s.parse().unwrap_or_default();
    let mut idp = InitialDpArg {
        service_key: cfg.service_key,
        calling_party_number: Some(IsupNumber {
            screening: 3,
            ..IsupNumber::e164(nature::INTERNATIONAL, parse_isup(calling))
        }),
        calling_partys_category: Some(0x0a),
        imsi: cfg.imsi.parse().ok(),
        msc_address: Some(AddressString::international(
            "491720000000".parse().unwrap_or_default(),
        )),
        location_information: Some(LocationInformation {
            age_of_location_information: Some(0),
            vlr_number: Some(AddressString::international(
                "491720000001".parse().unwrap_or_default(),
            )),
            cell_id_or_lai: Some(CellIdOrLai::CellId {
                plmn: Plmn {
                    mcc: 262,
                    mnc: 1,
                    mnc_3_digits: false,
                },
                lac: 0x1234,
                ci: 0x5678,
            }),
            ..Default::default()
        }),
        call_reference_number: Some(otid),
        ..Default::default()
    };
    if terminating {
        idp.event_type_bcsm = Some(EventTypeBcsm(12));
        idp.called_party_number = Some(IsupNumber::e164(nature::INTERNATIONAL, parse_isup(called)));
    } else {
        idp.event_type_bcsm = Some(EventTypeBcsm(2));
        idp.called_party_bcd_number = Some(AddressString::international(
            called.parse().unwrap_or_default(),
        ));
    }
    itu::encode(
        out,
        MessageType::Begin,
        Some(otid),
        None,
        Some(DialogueOut::Aarq {
            ac: ac::CAP_V2_GSMSSF_TO_GSMSCF,
        }),
        |w| itu::invoke(w, 1, opcode::INITIAL_DP, |w| idp.encode(w)),
    );
}

pub(super) fn report(
    event: u8,
    leg: LegType,
    notification: bool,
    cause: Option<u8>,
    invoke_id: i8,
    w: &mut crate::ber::Writer<'_>,
) {
    let mut er = EventReportBcsmArg::new(EventTypeBcsm(event), leg);
    er.misc_call_info = Some(if notification {
        crate::camel::ops::MiscCallInfo::NOTIFICATION
    } else {
        crate::camel::ops::MiscCallInfo::REQUEST
    });
    let cause_bytes;
    if let Some(c) = cause {
        cause_bytes = crate::camel::Cause::new(0, c).to_vec();
        let c = crate::camel::Cause::decode(&cause_bytes, 0).expect("encoded above");
        er.event_specific_information = Some(if event == 9 {
            EventSpecificInfo::ODisconnect {
                release_cause: Some(c),
            }
        } else {
            EventSpecificInfo::TDisconnect {
                release_cause: Some(c),
            }
        });
    }
    itu::invoke(w, invoke_id, opcode::EVENT_REPORT_BCSM, |w| er.encode(w));
}
