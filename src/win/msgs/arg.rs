//! [`Params`], any WIN argument or result, and its decoding: members in any order (a SET),
//! members not modelled skipped, duplicates and malformed contents refused or, lenient,
//! noted.

use super::{is_mandatory, P};
use crate::ber::{BerError, Class, Malformed, MalformedMembers, Tlv};
use crate::win::params::{
    cons, fixed, invalid, prim, small, tag, BillingId, Imsi, Min, Mscid, PcSsn, TerminationList,
    TriggerAddressList, WinCapability, WinDigits,
};

/// A WIN argument or result, borrowed from the received buffer: one field per modelled
/// parameter (TIA/EIA-41-D / IS-771 clause numbers in brackets). Bit-string and opaque
/// parameters are their contents as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Params<'a> {
    /// §6.5.2.16
    pub billing_id: Option<BillingId>,
    /// §6.5.2.117, 2 octets.
    pub serving_cell_id: Option<u16>,
    /// §6.5.2.58 Digits (Dialed in the queries; the modified dialled digits in results).
    pub digits: Option<WinDigits>,
    /// §6.5.2.81
    pub min: Option<Min>,
    /// §6.5.2.63 ElectronicSerialNumber, 4 octets.
    pub esn: Option<[u8; 4]>,
    /// §6.5.2.110 ENUMERATED (busy 1, no answer 2, unconditional 3, ...).
    pub redirection_reason: Option<u8>,
    /// §6.5.2.1 ENUMERATED.
    pub access_denied_reason: Option<u8>,
    /// §6.5.2.82
    pub mscid: Option<Mscid>,
    /// §6.5.2.147 ENUMERATED: the MSC's vendor.
    pub system_my_type_code: Option<u8>,
    /// §6.5.2.93
    pub pc_ssn: Option<PcSsn>,
    /// §6.5.2.77, 2 octets.
    pub location_area_id: Option<u16>,
    /// §6.5.2.21
    pub calling_party_number_digits1: Option<WinDigits>,
    /// §6.5.2.22
    pub calling_party_number_digits2: Option<WinDigits>,
    /// §6.5.2.28
    pub carrier_digits: Option<WinDigits>,
    /// §6.5.2.56
    pub destination_digits: Option<WinDigits>,
    /// §6.5.2.62 ENUMERATED.
    pub dmh_redirection_indicator: Option<u8>,
    /// §6.5.2.80
    pub mobile_directory_number: Option<WinDigits>,
    /// §6.5.2.83
    pub msc_identification_number: Option<WinDigits>,
    /// §6.5.2.90, bit string as received.
    pub origination_triggers: Option<&'a [u8]>,
    /// §6.5.2.107
    pub redirecting_number_digits: Option<WinDigits>,
    /// §6.5.2.156
    pub termination_list: Option<TerminationList<'a>>,
    /// §6.5.2.159, bit string as received.
    pub termination_triggers: Option<&'a [u8]>,
    /// §6.5.2.160, bit string as received.
    pub transaction_capability: Option<&'a [u8]>,
    /// §6.5.2.2, one octet ([`crate::win::params::action_code`]).
    pub action_code: Option<u8>,
    /// §6.5.2.6, the SEQUENCE's contents as received (announcement codes).
    pub announcement_list: Option<&'a [u8]>,
    /// §6.5.2.59
    pub dmh_account_code_digits: Option<WinDigits>,
    /// §6.5.2.60
    pub dmh_alternate_billing_digits: Option<WinDigits>,
    /// §6.5.2.61
    pub dmh_billing_digits: Option<WinDigits>,
    /// §6.5.2.114
    pub routing_digits: Option<WinDigits>,
    /// §6.5.2.bu
    pub imsi: Option<Imsi>,
    /// IS-771 §6.5.2.cu ENUMERATED.
    pub resume_pic: Option<u8>,
    /// IS-771 §6.5.2.dd: minutes from UTC, two's complement in 2 octets.
    pub time_date_offset: Option<i16>,
    /// IS-771 §6.5.2.de
    pub trigger_address_list: Option<TriggerAddressList<'a>>,
    /// IS-771 §6.5.2.dh ENUMERATED ([`crate::win::params::trigger_type`]).
    pub trigger_type: Option<u8>,
    /// IS-771 §6.5.2.di
    pub win_capability: Option<WinCapability<'a>>,
    /// IS-771 §6.5.2.ei, as received.
    pub dmh_service_id: Option<&'a [u8]>,
    /// IS-771 §6.5.2.el ENUMERATED ([`crate::win::params::release_cause`]).
    pub release_cause: Option<u8>,
    /// IS-771 §6.5.2.em INTEGER: time of day (UTC), tenths of a second since midnight.
    pub time_of_day: Option<i32>,
    /// IS-771 §6.5.2.en ENUMERATED.
    pub call_status: Option<u8>,
}

pub(super) fn set<T>(slot: &mut Option<T>, t: &Tlv<'_>, v: T) -> crate::ber::Result<()> {
    if slot.is_some() {
        return Err(invalid("duplicate parameter", t.offset));
    }
    *slot = Some(v);
    Ok(())
}

fn digits(t: &Tlv<'_>, what: &'static str) -> crate::ber::Result<WinDigits> {
    WinDigits::decode(prim(t, what)?, t.value_offset)
}

fn two(t: &Tlv<'_>, what: &'static str) -> crate::ber::Result<u16> {
    fixed::<2>(t, what).map(u16::from_be_bytes)
}

impl<'a> Params<'a> {
    /// Decode the members of a parameter element (`F2` set; also `F0`/`30`), in any order.
    /// Members of other tags, or of a class other than context, are skipped (see
    /// [`crate::win::WinMessage::unknown`]).
    pub fn decode_members(param: &Tlv<'a>) -> crate::ber::Result<Params<'a>> {
        let mut p = Params::default();
        for m in param.children()? {
            let m = m?;
            if m.tag.class == Class::Context {
                p.member(&m)?;
            }
        }
        Ok(p)
    }

    /// [`Params::decode_members`], lenient in: a malformed (or repeated) member that is not
    /// in `mandatory` is left out and noted in `malformed` with its own encoding, so that
    /// the call goes on without it; a malformed mandatory member fails the decode.
    pub fn decode_members_lenient(
        param: &Tlv<'a>,
        mandatory: &[P],
        malformed: &mut MalformedMembers<'a>,
    ) -> crate::ber::Result<Params<'a>> {
        let mut p = Params::default();
        for m in param.children()? {
            let m = m?;
            if m.tag.class != Class::Context {
                continue;
            }
            if let Err(fault) = p.member(&m) {
                let which = P::of_tag(m.tag.number);
                if which.is_some_and(|w| is_mandatory(w, mandatory)) {
                    return Err(fault);
                }
                malformed.push(Malformed {
                    member: which.map_or("parameter", P::name),
                    raw: m.raw,
                    fault,
                });
            }
        }
        Ok(p)
    }

    fn member(&mut self, t: &Tlv<'a>) -> Result<(), BerError> {
        use tag::*;
        let p = self;
        match t.tag.number {
            BILLING_ID => set(
                &mut p.billing_id,
                t,
                BillingId::decode(fixed(t, "BillingID size")?),
            ),
            SERVING_CELL_ID => set(&mut p.serving_cell_id, t, two(t, "ServingCellID size")?),
            DIGITS => set(&mut p.digits, t, digits(t, "Digits")?),
            MIN => set(
                &mut p.min,
                t,
                Min::decode(fixed(t, "MIN size")?, t.value_offset)?,
            ),
            ESN => set(&mut p.esn, t, fixed(t, "ESN size")?),
            REDIRECTION_REASON => set(&mut p.redirection_reason, t, small(t, "RedirectionReason")?),
            ACCESS_DENIED_REASON => set(
                &mut p.access_denied_reason,
                t,
                small(t, "AccessDeniedReason")?,
            ),
            MSCID => set(&mut p.mscid, t, Mscid::decode(fixed(t, "MSCID size")?)),
            SYSTEM_MY_TYPE_CODE => {
                set(&mut p.system_my_type_code, t, small(t, "SystemMyTypeCode")?)
            }
            PC_SSN => set(&mut p.pc_ssn, t, PcSsn::decode(fixed(t, "PC_SSN size")?)),
            LOCATION_AREA_ID => set(&mut p.location_area_id, t, two(t, "LocationAreaID size")?),
            CALLING_PARTY_NUMBER_DIGITS1 => set(
                &mut p.calling_party_number_digits1,
                t,
                digits(t, "CallingPartyNumberDigits1")?,
            ),
            CALLING_PARTY_NUMBER_DIGITS2 => set(
                &mut p.calling_party_number_digits2,
                t,
                digits(t, "CallingPartyNumberDigits2")?,
            ),
            CARRIER_DIGITS => set(&mut p.carrier_digits, t, digits(t, "CarrierDigits")?),
            DESTINATION_DIGITS => set(
                &mut p.destination_digits,
                t,
                digits(t, "DestinationDigits")?,
            ),
            DMH_REDIRECTION_INDICATOR => set(
                &mut p.dmh_redirection_indicator,
                t,
                small(t, "DMH_RedirectionIndicator")?,
            ),
            MOBILE_DIRECTORY_NUMBER => set(
                &mut p.mobile_directory_number,
                t,
                digits(t, "MobileDirectoryNumber")?,
            ),
            MSC_IDENTIFICATION_NUMBER => set(
                &mut p.msc_identification_number,
                t,
                digits(t, "MSCIdentificationNumber")?,
            ),
            ORIGINATION_TRIGGERS => set(
                &mut p.origination_triggers,
                t,
                prim(t, "OriginationTriggers")?,
            ),
            REDIRECTING_NUMBER_DIGITS => set(
                &mut p.redirecting_number_digits,
                t,
                digits(t, "RedirectingNumberDigits")?,
            ),
            TERMINATION_LIST => set(&mut p.termination_list, t, TerminationList::decode(t)?),
            TERMINATION_TRIGGERS => set(
                &mut p.termination_triggers,
                t,
                prim(t, "TerminationTriggers")?,
            ),
            TRANSACTION_CAPABILITY => set(
                &mut p.transaction_capability,
                t,
                prim(t, "TransactionCapability")?,
            ),
            ACTION_CODE => set(&mut p.action_code, t, fixed::<1>(t, "ActionCode size")?[0]),
            ANNOUNCEMENT_LIST => set(&mut p.announcement_list, t, cons(t, "AnnouncementList")?),
            DMH_ACCOUNT_CODE_DIGITS => set(
                &mut p.dmh_account_code_digits,
                t,
                digits(t, "DMH_AccountCodeDigits")?,
            ),
            DMH_ALTERNATE_BILLING_DIGITS => set(
                &mut p.dmh_alternate_billing_digits,
                t,
                digits(t, "DMH_AlternateBillingDigits")?,
            ),
            DMH_BILLING_DIGITS => set(
                &mut p.dmh_billing_digits,
                t,
                digits(t, "DMH_BillingDigits")?,
            ),
            ROUTING_DIGITS => set(&mut p.routing_digits, t, digits(t, "RoutingDigits")?),
            IMSI => set(
                &mut p.imsi,
                t,
                Imsi::decode(prim(t, "IMSI")?, t.value_offset)?,
            ),
            RESUME_PIC => set(&mut p.resume_pic, t, small(t, "ResumePIC")?),
            TIME_DATE_OFFSET => set(
                &mut p.time_date_offset,
                t,
                fixed::<2>(t, "TimeDateOffset size").map(i16::from_be_bytes)?,
            ),
            TRIGGER_ADDRESS_LIST => set(
                &mut p.trigger_address_list,
                t,
                TriggerAddressList::decode(t)?,
            ),
            TRIGGER_TYPE => set(&mut p.trigger_type, t, small(t, "TriggerType")?),
            WIN_CAPABILITY => set(&mut p.win_capability, t, WinCapability::decode(t)?),
            DMH_SERVICE_ID => set(&mut p.dmh_service_id, t, prim(t, "DMH_ServiceID")?),
            RELEASE_CAUSE => set(&mut p.release_cause, t, small(t, "ReleaseCause")?),
            TIME_OF_DAY => {
                prim(t, "TimeOfDay")?;
                let v =
                    i32::try_from(t.as_i64()?).map_err(|_| invalid("TimeOfDay", t.value_offset))?;
                set(&mut p.time_of_day, t, v)
            }
            CALL_STATUS => set(&mut p.call_status, t, small(t, "CallStatus")?),
            _ => Ok(()),
        }
    }

    /// Whether member `p` is present ([`P::Msid`]: a MIN or an IMSI).
    pub fn has(&self, p: P) -> bool {
        use P::*;
        match p {
            BillingId => self.billing_id.is_some(),
            ServingCellId => self.serving_cell_id.is_some(),
            Digits => self.digits.is_some(),
            Min => self.min.is_some(),
            Esn => self.esn.is_some(),
            RedirectionReason => self.redirection_reason.is_some(),
            AccessDeniedReason => self.access_denied_reason.is_some(),
            Mscid => self.mscid.is_some(),
            SystemMyTypeCode => self.system_my_type_code.is_some(),
            PcSsn => self.pc_ssn.is_some(),
            LocationAreaId => self.location_area_id.is_some(),
            CallingPartyNumberDigits1 => self.calling_party_number_digits1.is_some(),
            CallingPartyNumberDigits2 => self.calling_party_number_digits2.is_some(),
            CarrierDigits => self.carrier_digits.is_some(),
            DestinationDigits => self.destination_digits.is_some(),
            DmhRedirectionIndicator => self.dmh_redirection_indicator.is_some(),
            MobileDirectoryNumber => self.mobile_directory_number.is_some(),
            MscIdentificationNumber => self.msc_identification_number.is_some(),
            OriginationTriggers => self.origination_triggers.is_some(),
            RedirectingNumberDigits => self.redirecting_number_digits.is_some(),
            TerminationList => self.termination_list.is_some(),
            TerminationTriggers => self.termination_triggers.is_some(),
            TransactionCapability => self.transaction_capability.is_some(),
            ActionCode => self.action_code.is_some(),
            AnnouncementList => self.announcement_list.is_some(),
            DmhAccountCodeDigits => self.dmh_account_code_digits.is_some(),
            DmhAlternateBillingDigits => self.dmh_alternate_billing_digits.is_some(),
            DmhBillingDigits => self.dmh_billing_digits.is_some(),
            RoutingDigits => self.routing_digits.is_some(),
            Imsi => self.imsi.is_some(),
            ResumePic => self.resume_pic.is_some(),
            TimeDateOffset => self.time_date_offset.is_some(),
            TriggerAddressList => self.trigger_address_list.is_some(),
            TriggerType => self.trigger_type.is_some(),
            WinCapability => self.win_capability.is_some(),
            DmhServiceId => self.dmh_service_id.is_some(),
            ReleaseCause => self.release_cause.is_some(),
            TimeOfDay => self.time_of_day.is_some(),
            CallStatus => self.call_status.is_some(),
            Msid => self.min.is_some() || self.imsi.is_some(),
        }
    }
}
