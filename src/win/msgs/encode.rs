//! Checking a [`Params`] against its operation's schema and writing its members in the
//! ASN.1's order: canonical definite-length BER, no member the operation does not carry.

use super::{schema, Kind, Params, P};
use crate::ber::{Tag, Writer};
use crate::win::params::{tag, WinDigits};
use crate::win::{Operation, WinError};

impl<'a> Params<'a> {
    /// Check these parameters against `op`'s `kind` schema: mandatory members present, no
    /// member the operation does not carry, every value encodable.
    pub fn check(&self, op: Operation, kind: Kind) -> Result<(), WinError> {
        let s = schema(op, kind).ok_or(WinError::NoResult(op.name()))?;
        if let Some(p) = s.mandatory.iter().find(|p| !self.has(**p)) {
            return Err(WinError::Missing {
                op: op.name(),
                member: p.name(),
            });
        }
        if let Some(p) = P::ALL
            .iter()
            .find(|p| self.has(**p) && !s.order.contains(p))
        {
            return Err(WinError::NotInOperation {
                op: op.name(),
                member: p.name(),
            });
        }
        if let Some(b) = self.billing_id {
            b.to_array()?;
        }
        if let Some(m) = &self.min {
            m.to_array()?;
        }
        if let Some(i) = &self.imsi {
            i.to_array()?;
        }
        if let Some(p) = self.pc_ssn {
            p.to_array()?;
        }
        if let Some(l) = &self.termination_list {
            l.check()?;
        }
        if let Some(l) = &self.trigger_address_list {
            l.check()?;
        }
        [
            &self.digits,
            &self.calling_party_number_digits1,
            &self.calling_party_number_digits2,
            &self.carrier_digits,
            &self.destination_digits,
            &self.mobile_directory_number,
            &self.msc_identification_number,
            &self.redirecting_number_digits,
            &self.dmh_account_code_digits,
            &self.dmh_alternate_billing_digits,
            &self.dmh_billing_digits,
            &self.routing_digits,
        ]
        .into_iter()
        .flatten()
        .try_for_each(WinDigits::validate)
    }

    /// Write the members of `op`'s `kind` element in ASN.1 order (without the enclosing
    /// parameter set). Call [`Params::check`] first: an unencodable value is left out here.
    pub fn encode_members(&self, op: Operation, kind: Kind, w: &mut Writer<'_>) {
        if let Some(s) = schema(op, kind) {
            for p in s.order {
                self.write(*p, w);
            }
        }
    }

    fn write(&self, p: P, w: &mut Writer<'_>) {
        use tag::*;
        let d = |w: &mut Writer<'_>, n: u32, v: &Option<WinDigits>| {
            if let Some(v) = v {
                let (b, len) = v.to_array();
                w.primitive(Tag::ctx(n), &b[..len]);
            }
        };
        let int = |w: &mut Writer<'_>, n: u32, v: Option<u8>| {
            if let Some(v) = v {
                w.integer(Tag::ctx(n), v.into());
            }
        };
        let raw = |w: &mut Writer<'_>, n: u32, v: Option<&[u8]>| {
            if let Some(v) = v {
                w.primitive(Tag::ctx(n), v);
            }
        };
        match p {
            P::BillingId => {
                if let Some(Ok(b)) = self.billing_id.map(|b| b.to_array()) {
                    w.primitive(Tag::ctx(BILLING_ID), &b);
                }
            }
            P::ServingCellId => raw(
                w,
                SERVING_CELL_ID,
                self.serving_cell_id
                    .map(u16::to_be_bytes)
                    .as_ref()
                    .map(|b| &b[..]),
            ),
            P::Digits => d(w, DIGITS, &self.digits),
            P::Min => {
                if let Some(Ok(b)) = self.min.map(|m| m.to_array()) {
                    w.primitive(Tag::ctx(MIN), &b);
                }
            }
            P::Esn => raw(w, ESN, self.esn.as_ref().map(|b| &b[..])),
            P::RedirectionReason => int(w, REDIRECTION_REASON, self.redirection_reason),
            P::AccessDeniedReason => int(w, ACCESS_DENIED_REASON, self.access_denied_reason),
            P::Mscid => raw(
                w,
                MSCID,
                self.mscid.map(|m| m.to_array()).as_ref().map(|b| &b[..]),
            ),
            P::SystemMyTypeCode => int(w, SYSTEM_MY_TYPE_CODE, self.system_my_type_code),
            P::PcSsn => {
                if let Some(Ok(b)) = self.pc_ssn.map(|p| p.to_array()) {
                    w.primitive(Tag::ctx(PC_SSN), &b);
                }
            }
            P::LocationAreaId => raw(
                w,
                LOCATION_AREA_ID,
                self.location_area_id
                    .map(u16::to_be_bytes)
                    .as_ref()
                    .map(|b| &b[..]),
            ),
            P::CallingPartyNumberDigits1 => d(
                w,
                CALLING_PARTY_NUMBER_DIGITS1,
                &self.calling_party_number_digits1,
            ),
            P::CallingPartyNumberDigits2 => d(
                w,
                CALLING_PARTY_NUMBER_DIGITS2,
                &self.calling_party_number_digits2,
            ),
            P::CarrierDigits => d(w, CARRIER_DIGITS, &self.carrier_digits),
            P::DestinationDigits => d(w, DESTINATION_DIGITS, &self.destination_digits),
            P::DmhRedirectionIndicator => {
                int(w, DMH_REDIRECTION_INDICATOR, self.dmh_redirection_indicator)
            }
            P::MobileDirectoryNumber => {
                d(w, MOBILE_DIRECTORY_NUMBER, &self.mobile_directory_number)
            }
            P::MscIdentificationNumber => d(
                w,
                MSC_IDENTIFICATION_NUMBER,
                &self.msc_identification_number,
            ),
            P::OriginationTriggers => raw(w, ORIGINATION_TRIGGERS, self.origination_triggers),
            P::RedirectingNumberDigits => d(
                w,
                REDIRECTING_NUMBER_DIGITS,
                &self.redirecting_number_digits,
            ),
            P::TerminationList => {
                if let Some(l) = &self.termination_list {
                    l.encode(w);
                }
            }
            P::TerminationTriggers => raw(w, TERMINATION_TRIGGERS, self.termination_triggers),
            P::TransactionCapability => raw(w, TRANSACTION_CAPABILITY, self.transaction_capability),
            P::ActionCode => raw(
                w,
                ACTION_CODE,
                self.action_code.as_ref().map(std::slice::from_ref),
            ),
            P::AnnouncementList => {
                if let Some(v) = self.announcement_list {
                    w.constructed(Tag::ctx_cons(ANNOUNCEMENT_LIST), |w| w.raw(v));
                }
            }
            P::DmhAccountCodeDigits => d(w, DMH_ACCOUNT_CODE_DIGITS, &self.dmh_account_code_digits),
            P::DmhAlternateBillingDigits => d(
                w,
                DMH_ALTERNATE_BILLING_DIGITS,
                &self.dmh_alternate_billing_digits,
            ),
            P::DmhBillingDigits => d(w, DMH_BILLING_DIGITS, &self.dmh_billing_digits),
            P::RoutingDigits => d(w, ROUTING_DIGITS, &self.routing_digits),
            P::Imsi => {
                if let Some(Ok((b, n))) = self.imsi.map(|i| i.to_array()) {
                    w.primitive(Tag::ctx(IMSI), &b[..n]);
                }
            }
            P::ResumePic => int(w, RESUME_PIC, self.resume_pic),
            P::TimeDateOffset => raw(
                w,
                TIME_DATE_OFFSET,
                self.time_date_offset
                    .map(i16::to_be_bytes)
                    .as_ref()
                    .map(|b| &b[..]),
            ),
            P::TriggerAddressList => {
                if let Some(l) = &self.trigger_address_list {
                    l.encode(w);
                }
            }
            P::TriggerType => int(w, TRIGGER_TYPE, self.trigger_type),
            P::WinCapability => {
                if let Some(c) = &self.win_capability {
                    c.encode(w);
                }
            }
            P::DmhServiceId => raw(w, DMH_SERVICE_ID, self.dmh_service_id),
            P::ReleaseCause => int(w, RELEASE_CAUSE, self.release_cause),
            P::TimeOfDay => {
                if let Some(v) = self.time_of_day {
                    w.integer(Tag::ctx(TIME_OF_DAY), v.into());
                }
            }
            P::CallStatus => int(w, CALL_STATUS, self.call_status),
            P::Msid => {}
        }
    }
}
