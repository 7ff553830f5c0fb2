//! WIN operations: their private TCAP operation codes and names.
//!
//! TIA/EIA-41-D §6.4.1.2 codes an operation as a private `OperationCode` (`D1 02 FF SS`):
//! family 9 (TIA/EIA-41) with bit 8 as the reply-required flag, then the specifier. The
//! specifiers are TIA/EIA-41-D's (OriginationRequest) and IS-771's (the WIN operations), as
//! Wireshark's `ansi_map.asn` publishes them; WIN-INAP-NOTES.md lists them as confirmed
//! against tshark.

/// Operation family of TIA/EIA-41 (§6.4.1.2), the high octet without the reply bit.
pub const FAMILY: u8 = 0x09;

/// Private operation codes, family and specifier, as sent in `D1 02 09 SS`.
pub mod opcode {
    pub const ORIGINATION_REQUEST: u16 = 0x092f;
    pub const ANALYZED_INFORMATION: u16 = 0x0940;
    pub const FACILITY_SELECTED_AND_AVAILABLE: u16 = 0x0944;
    pub const T_BUSY: u16 = 0x094b;
    pub const T_NO_ANSWER: u16 = 0x094c;
    pub const CALL_CONTROL_DIRECTIVE: u16 = 0x0951;
    pub const O_ANSWER: u16 = 0x0952;
    pub const O_DISCONNECT: u16 = 0x0953;
    pub const T_ANSWER: u16 = 0x0955;
    pub const T_DISCONNECT: u16 = 0x0956;
    pub const O_CALLED_PARTY_BUSY: u16 = 0x0958;
    pub const O_NO_ANSWER: u16 = 0x0959;
}

/// The operations scpd decodes and encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    // MSC → SCP: trigger queries (TIA/EIA-41-D §6.4.2.30; IS-771 §6.4.2.i, m, t, u) ...
    OriginationRequest,
    AnalyzedInformation,
    FacilitySelectedAndAvailable,
    TBusy,
    TNoAnswer,
    // ... and call-event reports (IS-771 §6.4.2.aa–ah).
    OAnswer,
    ODisconnect,
    TAnswer,
    TDisconnect,
    OCalledPartyBusy,
    ONoAnswer,
    // SCP → MSC (IS-771 §6.4.2.z).
    CallControlDirective,
}

impl Operation {
    pub const ALL: [Operation; 12] = {
        use Operation::*;
        [
            OriginationRequest,
            AnalyzedInformation,
            FacilitySelectedAndAvailable,
            TBusy,
            TNoAnswer,
            OAnswer,
            ODisconnect,
            TAnswer,
            TDisconnect,
            OCalledPartyBusy,
            ONoAnswer,
            CallControlDirective,
        ]
    };

    /// The private operation code (family 9, specifier).
    pub const fn code(self) -> u16 {
        use opcode::*;
        use Operation::*;
        match self {
            OriginationRequest => ORIGINATION_REQUEST,
            AnalyzedInformation => ANALYZED_INFORMATION,
            FacilitySelectedAndAvailable => FACILITY_SELECTED_AND_AVAILABLE,
            TBusy => T_BUSY,
            TNoAnswer => T_NO_ANSWER,
            OAnswer => O_ANSWER,
            ODisconnect => O_DISCONNECT,
            TAnswer => T_ANSWER,
            TDisconnect => T_DISCONNECT,
            OCalledPartyBusy => O_CALLED_PARTY_BUSY,
            ONoAnswer => O_NO_ANSWER,
            CallControlDirective => CALL_CONTROL_DIRECTIVE,
        }
    }

    /// The operation of a private code; bit 8 of the family (reply required, TIA/EIA-41-D
    /// §6.4.1.2) is not part of the identity.
    pub fn from_code(code: u16) -> Option<Operation> {
        let code = code & 0x7fff;
        Operation::ALL.into_iter().find(|op| op.code() == code)
    }

    /// The operation's name in TIA/EIA-41-D / IS-771.
    pub const fn name(self) -> &'static str {
        use Operation::*;
        match self {
            OriginationRequest => "OriginationRequest",
            AnalyzedInformation => "AnalyzedInformation",
            FacilitySelectedAndAvailable => "FacilitySelectedAndAvailable",
            TBusy => "TBusy",
            TNoAnswer => "TNoAnswer",
            OAnswer => "OAnswer",
            ODisconnect => "ODisconnect",
            TAnswer => "TAnswer",
            TDisconnect => "TDisconnect",
            OCalledPartyBusy => "OCalledPartyBusy",
            ONoAnswer => "ONoAnswer",
            CallControlDirective => "CallControlDirective",
        }
    }

    /// The argument's element name in Wireshark's `ansi_map.asn` (what `tshark -V` prints
    /// above the parameters); the result's is this with `Res` appended.
    pub const fn asn1_name(self) -> &'static str {
        use Operation::*;
        match self {
            OriginationRequest => "originationRequest",
            AnalyzedInformation => "analyzedInformation",
            FacilitySelectedAndAvailable => "facilitySelectedAndAvailable",
            TBusy => "tBusy",
            TNoAnswer => "tNoAnswer",
            OAnswer => "oAnswer",
            ODisconnect => "oDisconnect",
            TAnswer => "tAnswer",
            TDisconnect => "tDisconnect",
            OCalledPartyBusy => "oCalledPartyBusy",
            ONoAnswer => "oNoAnswer",
            CallControlDirective => "callControlDirective",
        }
    }

    /// Sent by the MSC; `false` for what the SCP sends (CallControlDirective).
    pub const fn from_msc(self) -> bool {
        !matches!(self, Operation::CallControlDirective)
    }

    /// A trigger query that opens a WIN dialogue: the start of a call to scpd.
    pub const fn is_trigger(self) -> bool {
        use Operation::*;
        matches!(
            self,
            OriginationRequest
                | AnalyzedInformation
                | FacilitySelectedAndAvailable
                | TBusy
                | TNoAnswer
        )
    }

    /// Whether TIA/EIA-41-D / IS-771 define a RETURN RESULT for it. OAnswer and TAnswer are
    /// notifications (sent in a Unidirectional package, no reply).
    pub const fn has_result(self) -> bool {
        !matches!(self, Operation::OAnswer | Operation::TAnswer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_code(op.code()), Some(op));
            assert_eq!(Operation::from_code(op.code() | 0x8000), Some(op));
            assert_eq!((op.code() >> 8) as u8, FAMILY);
        }
        let mut codes: Vec<_> = Operation::ALL.iter().map(|o| o.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Operation::ALL.len());
        assert_eq!(Operation::from_code(0x6403), None);
    }
}
