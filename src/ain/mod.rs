//! AIN 0.1/0.2 (Telcordia GR-1298/GR-1299) over ANSI TCAP: operation codes and the AINDigits
//! parameter format. The operations' argument codecs and the SSP dialogue handling build on
//! this (the AIN issue); the codes and digits here are what the lab decoder and those build on.
//!
//! Encodings follow ../shared/AIN-NOTES.md (GR-1299 as published in Wireshark's asn1/ain,
//! confirmed against tshark's `ain` dissector).

use crate::ber::{BerError, BerErrorKind, Result};
use crate::digits::{Digits, Isup};

/// Private TCAP operation codes: family (high octet) and specifier (low octet), as sent in
/// `D1 02 FF SS` (T1.114 §3.3.2; AIN-NOTES "Operation codes").
pub mod opcode {
    pub const INFO_COLLECTED: u16 = 0x6402;
    pub const INFO_ANALYZED: u16 = 0x6403;
    pub const FAILURE_OUTCOME: u16 = 0x6404;
    pub const TERMINATION_ATTEMPT: u16 = 0x6405;
    pub const T_BUSY: u16 = 0x6406;
    pub const T_NO_ANSWER: u16 = 0x6408;
    pub const O_NO_ANSWER: u16 = 0x6409;
    pub const T_ANSWER: u16 = 0x640a;
    pub const O_ANSWER: u16 = 0x640b;
    pub const O_TERM_SEIZED: u16 = 0x640c;
    pub const O_ABANDON: u16 = 0x640e;
    pub const SUCCESS_OUTCOME: u16 = 0x6411;
    pub const T_DISCONNECT: u16 = 0x6412;
    pub const TIMEOUT: u16 = 0x6414;
    pub const NETWORK_BUSY: u16 = 0x6417;
    pub const ORIGINATION_ATTEMPT: u16 = 0x6418;
    pub const O_DISCONNECT: u16 = 0x641a;
    pub const ANALYZE_ROUTE: u16 = 0x6501;
    pub const AUTHORIZE_TERMINATION: u16 = 0x6502;
    pub const DISCONNECT: u16 = 0x6503;
    pub const CONTINUE: u16 = 0x650d;
    pub const SEND_TO_RESOURCE: u16 = 0x6601;
    pub const ACG: u16 = 0x6901;
    pub const ACTIVITY_TEST: u16 = 0x6906;
    pub const FORWARD_CALL: u16 = 0x6a01;
    pub const REQUEST_REPORT_BCM_EVENT: u16 = 0x6d01;
    pub const CLOSE: u16 = 0x6e01;
}

/// The GR-1299 ASN.1 name of a private operation code.
pub fn operation_name(code: u16) -> Option<&'static str> {
    use opcode::*;
    Some(match code {
        INFO_COLLECTED => "info-Collected",
        INFO_ANALYZED => "info-Analyzed",
        FAILURE_OUTCOME => "failure-Outcome",
        TERMINATION_ATTEMPT => "termination-Attempt",
        T_BUSY => "t-Busy",
        T_NO_ANSWER => "t-No-Answer",
        O_NO_ANSWER => "o-No-Answer",
        T_ANSWER => "t-Answer",
        O_ANSWER => "o-Answer",
        O_TERM_SEIZED => "o-Term-Seized",
        O_ABANDON => "o-Abandon",
        SUCCESS_OUTCOME => "success-Outcome",
        T_DISCONNECT => "t-Disconnect",
        TIMEOUT => "timeout",
        NETWORK_BUSY => "network-Busy",
        ORIGINATION_ATTEMPT => "origination-Attempt",
        O_DISCONNECT => "o-Disconnect",
        ANALYZE_ROUTE => "analyze-Route",
        AUTHORIZE_TERMINATION => "authorize-Termination",
        DISCONNECT => "disconnect",
        CONTINUE => "continue",
        SEND_TO_RESOURCE => "send-To-Resource",
        ACG => "aCG",
        ACTIVITY_TEST => "activity-Test",
        FORWARD_CALL => "forward-Call",
        REQUEST_REPORT_BCM_EVENT => "request-Report-BCM-Event",
        CLOSE => "close",
        _ => return None,
    })
}

/// AINDigits (GR-1299; CalledPartyID, CallingPartyID, ChargeNumber, CollectedAddressInfo,
/// ...): octet 1 = odd/even (bit 8) + nature of number (bits 7–1); octet 2 = numbering plan
/// (bits 7–5) and, for calling party numbers, presentation (bits 4–3) and screening (bits
/// 2–1); then BCD coded as in ISUP, first digit in bits 4–1, `0000` filler when the count
/// is odd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AinDigits {
    pub nature: u8,
    pub plan: u8,
    pub presentation: u8,
    pub screening: u8,
    pub digits: Digits<Isup>,
}

impl AinDigits {
    /// Decode the parameter's contents; `offset` is their absolute offset (for errors).
    pub fn decode(value: &[u8], offset: usize) -> Result<AinDigits> {
        let [o1, o2, bcd @ ..] = value else {
            return Err(BerError::new(
                BerErrorKind::Invalid("AINDigits shorter than 2 octets"),
                offset,
            ));
        };
        let odd = o1 & 0x80 != 0;
        let count = (bcd.len() * 2).saturating_sub(usize::from(odd));
        let digits = Digits::from_bcd(bcd, Some(count))
            .map_err(|_| BerError::new(BerErrorKind::Invalid("AINDigits digit"), offset + 2))?;
        Ok(AinDigits {
            nature: o1 & 0x7f,
            plan: (o2 >> 4) & 0x07,
            presentation: (o2 >> 2) & 0x03,
            screening: o2 & 0x03,
            digits,
        })
    }

    /// Append the contents (without tag and length).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let odd = self.digits.len() % 2 == 1;
        out.push(u8::from(odd) << 7 | (self.nature & 0x7f));
        out.push(
            (self.plan & 0x07) << 4 | (self.presentation & 0x03) << 2 | (self.screening & 0x03),
        );
        self.digits.to_bcd(out, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calling_party_id_as_tshark_shows_it() {
        // CallingPartyID 2015550123, national (3), ISDN plan, presentation allowed, network
        // provided: 03 13 02 51 55 10 32 — even count, no filler.
        let enc = [0x03, 0x13, 0x02, 0x51, 0x55, 0x10, 0x32];
        let d = AinDigits::decode(&enc, 0).unwrap();
        assert_eq!(
            (d.nature, d.plan, d.presentation, d.screening),
            (3, 1, 0, 3)
        );
        assert_eq!(d.digits.as_str(), "2015550123");
        let mut out = Vec::new();
        d.encode_into(&mut out);
        assert_eq!(out, enc);
    }

    #[test]
    fn odd_count_uses_a_zero_filler() {
        let d = AinDigits {
            nature: 3,
            plan: 1,
            digits: "5550123".parse().unwrap(),
            ..Default::default()
        };
        let mut out = Vec::new();
        d.encode_into(&mut out);
        assert_eq!(out, [0x83, 0x10, 0x55, 0x05, 0x21, 0x03]);
        assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
        assert!(AinDigits::decode(&[0x83], 9).is_err());
    }

    #[test]
    fn operation_names() {
        assert_eq!(operation_name(opcode::INFO_ANALYZED), Some("info-Analyzed"));
        assert_eq!(operation_name(0x6501), Some("analyze-Route"));
        assert_eq!(operation_name(0x1234), None);
    }

    proptest::proptest! {
        #[test]
        fn round_trip(s in "[0-9]{0,30}", nature in 0u8..128, plan in 0u8..8) {
            let d = AinDigits { nature, plan, digits: s.parse().unwrap(), ..Default::default() };
            let mut out = Vec::new();
            d.encode_into(&mut out);
            proptest::prop_assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
        }
    }
}
