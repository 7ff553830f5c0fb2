//! WIN arguments and results: every parameter of a [`crate::win::Params`] present, by its
//! name in Wireshark's `ansi_map.asn` (what `tshark -V` prints), in name order.

use crate::lab::json::J;
use crate::win::{BillingId, DestinationAddress, Params, Termination, TriggerList, WinDigits, P};

/// WIN parameters in the order of their names (the order of the keys written).
fn win_order() -> &'static [P] {
    static ORDER: std::sync::OnceLock<Vec<P>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut v = P::ALL.to_vec();
        v.sort_by_key(|p| p.name());
        v
    })
}

/// A WIN argument or result: every member present, by name; the ones that did not decode
/// (lenient, [`crate::win::decode_invoke_lenient`]) raw with their fault.
pub fn win_params(j: &mut J, a: &Params<'_>, malformed: &[crate::ber::Malformed<'_>]) {
    j.open();
    for &p in win_order() {
        match malformed.iter().find(|m| m.member == p.name()) {
            Some(m) => {
                j.key(p.name()).open().key("fault").display(&m.fault);
                j.key("raw").hex(m.raw).close();
            }
            None if a.has(p) => win_member(j.key(p.name()), a, p),
            None => {}
        }
    }
    j.close();
}

fn digits(j: &mut J, d: &WinDigits) {
    j.open().key("digits").str(d.digits.as_str());
    j.key("encoding").num(d.encoding);
    j.key("natureOfNumber").num(d.nature);
    j.key("numberingPlan").num(d.plan);
    j.key("typeOfDigits").num(d.type_of_digits).close();
}

fn billing_id(j: &mut J, b: &BillingId) {
    j.open().key("idNumber").num(b.id_number);
    j.key("marketID").num(b.market_id);
    j.key("segmentCounter").num(b.segment_counter);
    j.key("swno").num(b.swno).close();
}

fn trigger_list(j: &mut J, t: &TriggerList<'_>) {
    j.open();
    match t.destination {
        DestinationAddress::GlobalTitle(gt) => {
            j.key("globalTitle").hex(gt);
        }
        DestinationAddress::PcSsn(p) => {
            j.key("pc-ssn").open().key("pointCode").num(p.point_code);
            j.key("ssn").num(p.ssn).close();
        }
    }
    j.key("wIN-TriggerList").hex(t.triggers.0).close();
}

/// The value of member `p` of `a` (present).
fn win_member(j: &mut J, a: &Params<'_>, p: P) {
    let n = |j: &mut J, v: Option<u8>| {
        j.opt_num(v);
    };
    let h = |j: &mut J, v: Option<&[u8]>| {
        j.hex(v.unwrap_or_default());
    };
    let d = |j: &mut J, v: &Option<WinDigits>| {
        if let Some(v) = v {
            digits(j, v);
        }
    };
    match p {
        P::BillingId => {
            if let Some(b) = &a.billing_id {
                billing_id(j, b);
            }
        }
        P::ServingCellId => {
            j.opt_num(a.serving_cell_id);
        }
        P::LocationAreaId => {
            j.opt_num(a.location_area_id);
        }
        P::Digits => d(j, &a.digits),
        P::Min => {
            j.str(a.min.as_ref().map_or("", |m| m.0.as_str()));
        }
        P::Imsi => {
            j.str(a.imsi.as_ref().map_or("", |m| m.0.as_str()));
        }
        P::Msid => {}
        P::Esn => h(j, a.esn.as_ref().map(|e| &e[..])),
        P::RedirectionReason => n(j, a.redirection_reason),
        P::AccessDeniedReason => n(j, a.access_denied_reason),
        P::Mscid => {
            if let Some(m) = &a.mscid {
                j.open().key("marketID").num(m.market_id);
                j.key("swno").num(m.swno).close();
            }
        }
        P::SystemMyTypeCode => n(j, a.system_my_type_code),
        P::PcSsn => {
            if let Some(p) = &a.pc_ssn {
                j.open().key("pointCode").num(p.point_code);
                j.key("ssn").num(p.ssn);
                j.key("type").num(p.kind).close();
            }
        }
        P::CallingPartyNumberDigits1 => d(j, &a.calling_party_number_digits1),
        P::CallingPartyNumberDigits2 => d(j, &a.calling_party_number_digits2),
        P::CarrierDigits => d(j, &a.carrier_digits),
        P::DestinationDigits => d(j, &a.destination_digits),
        P::DmhRedirectionIndicator => n(j, a.dmh_redirection_indicator),
        P::MobileDirectoryNumber => d(j, &a.mobile_directory_number),
        P::MscIdentificationNumber => d(j, &a.msc_identification_number),
        P::OriginationTriggers => h(j, a.origination_triggers),
        P::RedirectingNumberDigits => d(j, &a.redirecting_number_digits),
        P::TerminationList => {
            j.open_array();
            for t in a.termination_list.iter().flat_map(|l| l.iter()) {
                match t {
                    Termination::Pstn(p) => {
                        j.open().key("pstnTermination").open();
                        digits(j.key("destinationDigits"), &p.destination_digits);
                        j.close().close();
                    }
                    Termination::Intersystem(i) => {
                        j.open().key("intersystemTermination").open();
                        digits(j.key("destinationDigits"), &i.destination_digits);
                        j.key("mscid").open().key("marketID").num(i.mscid.market_id);
                        j.key("swno").num(i.mscid.swno).close();
                        j.close().close();
                    }
                    Termination::Local(raw) => {
                        j.open().key("localTermination").hex(raw).close();
                    }
                }
            }
            j.close_array();
        }
        P::TerminationTriggers => h(j, a.termination_triggers),
        P::TransactionCapability => h(j, a.transaction_capability),
        P::ActionCode => n(j, a.action_code),
        P::AnnouncementList => h(j, a.announcement_list),
        P::DmhAccountCodeDigits => d(j, &a.dmh_account_code_digits),
        P::DmhAlternateBillingDigits => d(j, &a.dmh_alternate_billing_digits),
        P::DmhBillingDigits => d(j, &a.dmh_billing_digits),
        P::RoutingDigits => d(j, &a.routing_digits),
        P::ResumePic => n(j, a.resume_pic),
        P::TimeDateOffset => {
            j.opt_num(a.time_date_offset);
        }
        P::TriggerAddressList => {
            j.open_array();
            if let Some(l) = &a.trigger_address_list {
                trigger_list(j, &l.first);
                if let Some(s) = &l.second {
                    trigger_list(j, s);
                }
            }
            j.close_array();
        }
        P::TriggerType => n(j, a.trigger_type),
        P::WinCapability => {
            if let Some(w) = &a.win_capability {
                j.open();
                if let Some(t) = w.trigger_capability {
                    j.key("triggerCapability").hex(t);
                }
                if let Some(o) = w.win_operations_capability {
                    j.key("wINOperationsCapability").hex(o);
                }
                j.close();
            }
        }
        P::DmhServiceId => h(j, a.dmh_service_id),
        P::ReleaseCause => n(j, a.release_cause),
        P::TimeOfDay => {
            j.opt_num(a.time_of_day);
        }
        P::CallStatus => n(j, a.call_status),
    }
}
