//! Annotated AIN fixtures built by hand from GR-1299's definitions (the ASN.1 Wireshark
//! publishes in `asn1/ain`, AIN-NOTES.md for the digit formats): one operation argument or
//! error parameter each, every octet explained after `#`. No public AIN capture exists; these
//! are checked against scpd's decoder (tests/ain_fixtures.rs) and against tshark's `ain`
//! dissector (tests/ain_tshark.rs).
//!
//! Conventions: `[n]` is the context tag; tags above 30 take the multi-octet form `9f nn`
//! (`9f 81 nn` above 127); AINDigits octet 1 is the odd/even bit and the nature of number,
//! octet 2 the numbering plan (and presentation/screening for a calling number), then BCD
//! with digit 1 in bits 4-1 and a `0000` filler after an odd count.
#![allow(dead_code)]

/// Strip the `#` comments and whitespace: the fixture's octets.
pub fn bytes(annotated: &str) -> Vec<u8> {
    let hex: String = annotated
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    scpd::ber::from_hex(&hex).expect("fixture hex")
}

/// An operation argument: the Invoke parameter of `op`.
pub struct Fixture {
    pub name: &'static str,
    pub op: scpd::ain::Operation,
    pub annotated: &'static str,
    /// Text tshark -V must show (operation and values); empty where Wireshark's AIN module
    /// lacks the operation.
    pub tshark: &'static [&'static str],
    pub what: &'static str,
}

/// A ReturnError parameter of private error `code`.
pub struct ErrorFixture {
    pub name: &'static str,
    pub code: i32,
    pub annotated: &'static str,
    pub tshark: &'static [&'static str],
    pub what: &'static str,
}

/// InfoCollected: an off-hook-delay trigger on line 201-555-0123 after 703-555-1234 was dialled.
pub const INFO_COLLECTED: &str = "
    f2 33                                    # argument: parameter set F2 (AIN 0.1 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       93 07                                 # chargeNumber [19] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       9f 23 04                              # lata [35] AINDigits
          80                                 # odd count, nature of number 0 (not used)
          00                                 # numbering plan 0
          22 04                              # BCD 224, digit 1 in bits 4-1, filler 0000
       9f 34 01                              # triggerCriteriaType [52] ENUMERATED offHookDelay
          11                                 # 17
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       96 07                                 # collectedAddressInfo [22] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
";

/// InfoAnalyzed: a 10-digit (NPA-NXX-XXXX) trigger for 703-555-1234 dialled from 201-555-0123 over carrier 0288.
pub const INFO_ANALYZED: &str = "
    30 4c                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 23 04                              # lata [35] AINDigits
          80                                 # odd count, nature of number 0 (not used)
          00                                 # numbering plan 0
          22 04                              # BCD 224, digit 1 in bits 4-1, filler 0000
       9f 34 01                              # triggerCriteriaType [52] ENUMERATED npaNXXXXXX
          08                                 # 8
       93 07                                 # chargeNumber [19] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       94 01                                 # chargePartyStationType [20] INTEGER (ANI II 00)
          00                                 # 0
       9f 29 04                              # carrier [41] CarrierFormat
          02                                 # carrier selection 2
          34                                 # nature of carrier 3, 4 digits
          20 88                              # BCD 0288
       9f 2b 07                              # redirectingPartyID [43] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 00                     # BCD 2015550100, digit 1 in bits 4-1
       9f 2c 02                              # redirectionInformation [44] 2 octets
          13                                 # original redirecting reason 1, redirecting indicator 3
          21                                 # redirecting reason 2, redirection counter 1
";

/// TerminationAttempt: a call from 201-555-0123 forwarded (no reply) from 703-555-0000 to the line 703-555-1234.
pub const TERMINATION_ATTEMPT: &str = "
    30 3c                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             07 53 55 21 43                  # BCD 7035551234
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 34 01                              # triggerCriteriaType [52] ENUMERATED terminationAttempt
          0f                                 # 15
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       9f 24 07                              # originalCalledPartyID [36] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 00 00                     # BCD 7035550000, digit 1 in bits 4-1
       9f 2b 07                              # redirectingPartyID [43] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 00 00                     # BCD 7035550000, digit 1 in bits 4-1
       9f 2c 02                              # redirectionInformation [44] 2 octets
          23                                 # original redirecting reason 2, redirecting indicator 3
          21                                 # redirecting reason 2, redirection counter 1
";

/// OriginationAttempt: line 201-555-0123 went off hook (AIN 0.2 only).
pub const ORIGINATION_ATTEMPT: &str = "
    30 23                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       93 07                                 # chargeNumber [19] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       9f 34 01                              # triggerCriteriaType [52] ENUMERATED offHookImmediate
          10                                 # 16
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
";

/// NetworkBusy: all routes busy on trunk group 1234.
pub const NETWORK_BUSY: &str = "
    30 20                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 04                              # userID [53] CHOICE (explicit)
          85 02                              # trunkGroupID [5] INTEGER 1234
             04 d2                           # contents
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 34 01                              # triggerCriteriaType [52] ENUMERATED networkBusy
          18                                 # 24
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
";

/// OAnswer: the called party answered (EDP-N).
pub const O_ANSWER: &str = "
    30 11                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          ff                                 # TRUE
";

/// ODisconnect: the far end hung up (EDP-R).
pub const O_DISCONNECT: &str = "
    30 1f                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          00                                 # FALSE
       9f 74 01                              # disconnectCause [116] ENUMERATED farEnd
          00                                 # 0
       9f 81 04 01                           # legID [132] INTEGER
          01                                 # 1
       9f 81 07 01                           # pointInCall [135] ENUMERATED oActive
          09                                 # 9
";

/// ONoAnswer: no answer from 703-555-1234.
pub const O_NO_ANSWER: &str = "
    f2 1a                                    # argument: parameter set F2 (AIN 0.1 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          00                                 # FALSE
";

/// OCalledPartyBusy: 703-555-1234 busy, Q.850 cause 17 user busy (not in Wireshark: tshark names no operation).
pub const O_CALLED_PARTY_BUSY: &str = "
    f2 1a                                    # argument: parameter set F2 (AIN 0.1 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8e 02                                 # busyCause [14] cause indicators
          82                                 # ext 1, coding standard 0 (ITU), location 2
          91                                 # ext 1, cause value 17
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
";

/// OAbandon: the caller hung up before answer.
pub const O_ABANDON: &str = "
    30 16                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 81 07 01                           # pointInCall [135] ENUMERATED sendCall
          07                                 # 7
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          00                                 # FALSE
";

/// OTermSeized: the called line was seized (ringing).
pub const O_TERM_SEIZED: &str = "
    30 11                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          ff                                 # TRUE
";

/// TAnswer: the terminating line answered.
pub const T_ANSWER: &str = "
    30 11                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             07 53 55 21 43                  # BCD 7035551234
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          ff                                 # TRUE
";

/// TDisconnect: the calling party hung up on the terminating side.
pub const T_DISCONNECT: &str = "
    30 1a                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             07 53 55 21 43                  # BCD 7035551234
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 81 04 01                           # legID [132] INTEGER
          02                                 # 2
       9f 74 01                              # disconnectCause [116] ENUMERATED farEnd
          00                                 # 0
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          00                                 # FALSE
";

/// TBusy: the terminating line is busy.
pub const T_BUSY: &str = "
    30 1e                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             07 53 55 21 43                  # BCD 7035551234
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       8e 02                                 # busyCause [14] cause indicators
          80                                 # ext 1, coding standard 0 (ITU), location 0
          91                                 # ext 1, cause value 17
       9f 5e 01                              # busyType [94] ENUMERATED callCanBeOffered
          00                                 # 0
";

/// TNoAnswer: the terminating line did not answer.
pub const T_NO_ANSWER: &str = "
    30 1a                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             07 53 55 21 43                  # BCD 7035551234
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 6f 01                              # notificationIndicator [111] BOOLEAN
          00                                 # FALSE
";

/// Timeout: the SCP-set timer expired while alerting.
pub const TIMEOUT: &str = "
    30 1c                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 81 04 01                           # legID [132] INTEGER
          01                                 # 1
       9f 81 06 01                           # bCMType [134] ENUMERATED oBcm
          00                                 # 0
       9f 81 07 01                           # pointInCall [135] ENUMERATED oAlerting
          08                                 # 8
";

/// FailureOutcome: the instruction failed: timer expired.
pub const FAILURE_OUTCOME: &str = "
    30 16                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 81 04 01                           # legID [132] INTEGER
          01                                 # 1
       9f 20 01                              # failureCause [32] ENUMERATED timerExpired
          13                                 # 19
";

/// TerminationNotification: the end of a call monitored with Send_Notification (AIN 0.1).
pub const TERMINATION_NOTIFICATION: &str = "
    f2 19                                    # argument: parameter set F2 (AIN 0.1 form)
       9f 3c 06                              # echoData [60] 6 octets the SCP chose
          01 02 03 04 05 06                  # 6 octets the SCP chose
       9f 43 01                              # terminationIndicator [67] 1 octet
          01                                 # 1 octet
       9f 3a 05                              # connectTime [58] 5 octets
          00 00 01 2c 00                     # 5 octets
       8e 02                                 # busyCause [14] cause indicators
          80                                 # ext 1, coding standard 0 (ITU), location 0
          90                                 # ext 1, cause value 16
";

/// Close: Close as a switch relays it.
pub const CLOSE_FROM_SSP: &str = "
    30 11                                    # argument: SEQUENCE (AIN 0.2 form)
       bf 35 07                              # userID [53] CHOICE (explicit)
          81 05                              # dn [1] Dn, 5 octets
             02 51 55 10 32                  # BCD 2015550123
       8d 01                                 # bearerCapability [13] ENUMERATED speech
          00                                 # 0
       9f 48 01                              # closeCause [72] ENUMERATED callTerminated
          00                                 # 0
";

/// AnalyzeRoute: route to 703-555-1234, outpulse 555-1234 on trunk group 0123 with AMA data.
pub const ANALYZE_ROUTE: &str = "
    30 59                                    # argument: SEQUENCE (AIN 0.2 form)
       93 07                                 # chargeNumber [19] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 25 06                              # outpulseNumber [37] AINDigits
          81                                 # odd count, nature of number 1 (subscriber)
          10                                 # numbering plan 1 (ISDN)
          55 15 32 04                        # BCD 5551234, digit 1 in bits 4-1, filler 0000
       9f 2a 05                              # primaryTrunkGroup [42] 5 octets (GR-1299 trunk group format)
          00 01 23 40 00                     # 5 octets (GR-1299 trunk group format)
       9f 29 04                              # carrier [41] CarrierFormat
          01                                 # carrier selection 1
          34                                 # nature of carrier 3, 4 digits
          20 88                              # BCD 0288
       9f 2b 07                              # redirectingPartyID [43] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 00                     # BCD 2015550100, digit 1 in bits 4-1
       9f 28 04                              # primaryBillingIndicator [40] BillingIndicator 4 octets (call type 003, structure 0001)
          00 03 00 01                        # BillingIndicator 4 octets (call type 003, structure 0001)
       86 07                                 # aMAAlternateBillingNumber [6] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          08 50 55 01 00                     # BCD 8005551000, digit 1 in bits 4-1
       8a 05                                 # aMAslpID [10] BCD 123456789, filler 0000
          21 43 65 87 09                     # BCD 123456789, filler 0000
       9f 2c 02                              # redirectionInformation [44] 2 octets
          13                                 # original redirecting reason 1, redirecting indicator 3
          21                                 # redirecting reason 2, redirection counter 1
";

/// ForwardCall: forward a terminating call (no reply) to 703-555-1234.
pub const FORWARD_CALL: &str = "
    30 18                                    # argument: SEQUENCE (AIN 0.2 form)
       8f 07                                 # calledPartyID [15] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          07 53 55 21 43                     # BCD 7035551234, digit 1 in bits 4-1
       9f 2b 07                              # redirectingPartyID [43] AINDigits
          03                                 # even count, nature of number 3 (national)
          10                                 # numbering plan 1 (ISDN)
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       9f 2c 02                              # redirectionInformation [44] 2 octets
          23                                 # original redirecting reason 2, redirecting indicator 3
          21                                 # redirecting reason 2, redirection counter 1
";

/// Continue: default processing, AMA SLP ID recorded.
pub const CONTINUE: &str = "
    30 07                                    # argument: SEQUENCE (AIN 0.2 form)
       8a 05                                 # aMAslpID [10] BCD 123456789, filler 0000
          21 43 65 87 09                     # BCD 123456789, filler 0000
";

/// AuthorizeTermination: let the call ring the line.
pub const AUTHORIZE_TERMINATION: &str = "
    30 0c                                    # argument: SEQUENCE (AIN 0.2 form)
       92 07                                 # callingPartyID [18] AINDigits
          03                                 # even count, nature of number 3 (national)
          13                                 # numbering plan 1 (ISDN), presentation 0, screening 3
          02 51 55 10 32                     # BCD 2015550123, digit 1 in bits 4-1
       98 01                                 # controllingLegTreatment [24] ENUMERATED ringBackAudibleRingingToneOn
          01                                 # 1
";

/// Disconnect: release the call (no members).
pub const DISCONNECT: &str = "
    30 00                                    # argument: SEQUENCE (AIN 0.2 form)
";

/// RequestReportBcmEvent: arm busy/no answer/disconnect/abandon as EDP-R and answer as EDP-N.
pub const REQUEST_REPORT_BCM_EVENT: &str = "
    30 12                                    # argument: SEQUENCE (AIN 0.2 form)
       9f 5c 04                              # eDPRequest [92] BIT STRING
          03                                 # 3 unused bits (21 named bits)
          c0 18 00                           # bits 0 oCalledPartyBusy, 1 oNoAnswer, 11 oDisconnect, 12 oAbandon
       9f 5d 04                              # eDPNotification [93] BIT STRING
          03                                 # 3 unused bits (21 named bits)
          10 00 00                           # bits 3 oAnswer
       9f 5b 01                              # oNoAnswerTimer [91] INTEGER seconds
          1e                                 # 30
";

/// SendNotification: ask for a Termination_Notification (AIN 0.1; not in Wireshark: tshark names no operation).
pub const SEND_NOTIFICATION: &str = "
    f2 09                                    # argument: parameter set F2 (AIN 0.1 form)
       9f 3c 06                              # echoData [60] 6 octets the SCP chooses
          01 02 03 04 05 06                  # 6 octets the SCP chooses
";

/// Close: end the AIN relationship.
pub const CLOSE: &str = "
    30 04                                    # argument: SEQUENCE (AIN 0.2 form)
       9f 48 01                              # closeCause [72] ENUMERATED eDPsCompleted
          01                                 # 1
";

/// Acg: automatic code gapping of 703-555 for 4 s, one call a second.
pub const ACG: &str = "
    30 16                                    # argument: SEQUENCE (AIN 0.2 form)
       9f 3b 01                              # controlCauseIndicator [59] 1 octet (SCP overload)
          01                                 # 1 octet (SCP overload)
       9f 3e 01                              # gapDuration [62] ENUMERATED no4Seconds
          03                                 # 3
       9f 3f 01                              # nationalGapInterval [63] ENUMERATED no1Second
          05                                 # 5
       9f 46 01                              # translationType [70] INTEGER
          00                                 # 0
       9f 45 03                              # globalTitleAddress [69] digits 703555, BCD
          07 53 55                           # digits 703555, BCD
";

/// SetTimer: SSP T1 = 5 s.
pub const SET_TIMER: &str = "
    30 05                                    # argument: SEQUENCE (AIN 0.2 form)
       9f 81 26 01                           # sSPResponseMessageTimerT1 [166] INTEGER tenths of a second
          32                                 # 50
";

/// applicationError: an Analyze_Route arrived where the SSP expected none.
pub const APPLICATION_ERROR: &str = "
    30 0e                                    # parameter: SEQUENCE
       bf 37 0b                              # applicationErrorString [55] SEQUENCE
          9f 38 01                           # errorCause [56] ENUMERATED unexpectedMessage
             04                              # 4
          bf 39 04                           # failedMessage [57] SEQUENCE
             02 02                           # opCode INTEGER 25857 (analyzeRoute)
                65 01                        # contents
";

/// failureReport: application timeout.
pub const FAILURE_REPORT: &str = "
    30 04                                    # parameter: SEQUENCE
       9f 20 01                              # failureCause [32] ENUMERATED apTimeout
          03                                 # 3
";

pub const FIXTURES: &[Fixture] = &[
    Fixture { name: "INFO_COLLECTED", op: scpd::ain::Operation::InfoCollected, annotated: INFO_COLLECTED, tshark: &["infoCollected", "userID: dn (0)", "dn: 0251551032", "bearerCapability: speech (0)", "chargeNumber: 03100251551032", "lata: 80002204", "BCD digits: 2240", "triggerCriteriaType: offHookDelay (17)", "callingPartyID: 03130251551032", "collectedAddressInfo: 03100753552143", "BCD digits: 7035551234"], what: "an off-hook-delay trigger on line 201-555-0123 after 703-555-1234 was dialled" },
    Fixture { name: "INFO_ANALYZED", op: scpd::ain::Operation::InfoAnalyzed, annotated: INFO_ANALYZED, tshark: &["infoAnalyzed", "calledPartyID: 03100753552143", "BCD digits: 7035551234", "triggerCriteriaType: npaNXXXXXX (8)", "callingPartyID: 03130251551032", "chargePartyStationType: 0", "Nature of Carrier: interLATA (3)", "Carrier digits: 0288", "redirectingPartyID: 03100251551000", "redirectionInformation: 1321"], what: "a 10-digit (NPA-NXX-XXXX) trigger for 703-555-1234 dialled from 201-555-0123 over carrier 0288" },
    Fixture { name: "TERMINATION_ATTEMPT", op: scpd::ain::Operation::TerminationAttempt, annotated: TERMINATION_ATTEMPT, tshark: &["terminationAttempt", "dn: 0753552143", "calledPartyID: 03100753552143", "triggerCriteriaType: terminationAttempt (15)", "callingPartyID: 03130251551032", "originalCalledPartyID: 03100753550000", "redirectingPartyID: 03100753550000", "redirectionInformation: 2321"], what: "a call from 201-555-0123 forwarded (no reply) from 703-555-0000 to the line 703-555-1234" },
    Fixture { name: "ORIGINATION_ATTEMPT", op: scpd::ain::Operation::OriginationAttempt, annotated: ORIGINATION_ATTEMPT, tshark: &["originationAttempt", "triggerCriteriaType: offHookImmediate (16)", "chargeNumber: 03100251551032", "callingPartyID: 03130251551032"], what: "line 201-555-0123 went off hook (AIN 0.2 only)" },
    Fixture { name: "NETWORK_BUSY", op: scpd::ain::Operation::NetworkBusy, annotated: NETWORK_BUSY, tshark: &["networkBusy", "trunkGroupID: 1234", "triggerCriteriaType: networkBusy (24)", "calledPartyID: 03100753552143"], what: "all routes busy on trunk group 1234" },
    Fixture { name: "O_ANSWER", op: scpd::ain::Operation::OAnswer, annotated: O_ANSWER, tshark: &["oAnswer", "notificationIndicator: True"], what: "the called party answered (EDP-N)" },
    Fixture { name: "O_DISCONNECT", op: scpd::ain::Operation::ODisconnect, annotated: O_DISCONNECT, tshark: &["oDisconnect", "notificationIndicator: False", "disconnectCause: farEnd (0)", "legID: 1", "pointInCall: oActive (9)"], what: "the far end hung up (EDP-R)" },
    Fixture { name: "O_NO_ANSWER", op: scpd::ain::Operation::ONoAnswer, annotated: O_NO_ANSWER, tshark: &["oNoAnswer", "calledPartyID: 03100753552143", "notificationIndicator: False"], what: "no answer from 703-555-1234" },
    Fixture { name: "O_CALLED_PARTY_BUSY", op: scpd::ain::Operation::OCalledPartyBusy, annotated: O_CALLED_PARTY_BUSY, tshark: &[], what: "703-555-1234 busy, Q.850 cause 17 user busy (not in Wireshark: tshark names no operation)" },
    Fixture { name: "O_ABANDON", op: scpd::ain::Operation::OAbandon, annotated: O_ABANDON, tshark: &["oAbandon", "pointInCall: sendCall (7)", "notificationIndicator: False"], what: "the caller hung up before answer" },
    Fixture { name: "O_TERM_SEIZED", op: scpd::ain::Operation::OTermSeized, annotated: O_TERM_SEIZED, tshark: &["oTermSeized", "notificationIndicator: True"], what: "the called line was seized (ringing)" },
    Fixture { name: "T_ANSWER", op: scpd::ain::Operation::TAnswer, annotated: T_ANSWER, tshark: &["tAnswer", "notificationIndicator: True"], what: "the terminating line answered" },
    Fixture { name: "T_DISCONNECT", op: scpd::ain::Operation::TDisconnect, annotated: T_DISCONNECT, tshark: &["tDisconnect", "dn: 0753552143", "legID: 2", "disconnectCause: farEnd (0)", "notificationIndicator: False"], what: "the calling party hung up on the terminating side" },
    Fixture { name: "T_BUSY", op: scpd::ain::Operation::TBusy, annotated: T_BUSY, tshark: &["tBusy", "calledPartyID: 03100753552143", "busyCause: 8091", "busyType: callCanBeOffered (0)"], what: "the terminating line is busy" },
    Fixture { name: "T_NO_ANSWER", op: scpd::ain::Operation::TNoAnswer, annotated: T_NO_ANSWER, tshark: &["tNoAnswer", "calledPartyID: 03100753552143", "notificationIndicator: False"], what: "the terminating line did not answer" },
    Fixture { name: "TIMEOUT", op: scpd::ain::Operation::Timeout, annotated: TIMEOUT, tshark: &["timeout", "legID: 1", "bCMType: oBcm (0)", "pointInCall: oAlerting (8)"], what: "the SCP-set timer expired while alerting" },
    Fixture { name: "FAILURE_OUTCOME", op: scpd::ain::Operation::FailureOutcome, annotated: FAILURE_OUTCOME, tshark: &["failureOutcome", "legID: 1", "failureCause: timerExpired (19)"], what: "the instruction failed: timer expired" },
    Fixture { name: "TERMINATION_NOTIFICATION", op: scpd::ain::Operation::TerminationNotification, annotated: TERMINATION_NOTIFICATION, tshark: &["terminationNotification", "echoData: 010203040506", "terminationIndicator: 01", "connectTime: 0000012c00", "busyCause: 8090"], what: "the end of a call monitored with Send_Notification (AIN 0.1)" },
    Fixture { name: "CLOSE_FROM_SSP", op: scpd::ain::Operation::Close, annotated: CLOSE_FROM_SSP, tshark: &["close", "closeCause: callTerminated (0)"], what: "Close as a switch relays it" },
    Fixture { name: "ANALYZE_ROUTE", op: scpd::ain::Operation::AnalyzeRoute, annotated: ANALYZE_ROUTE, tshark: &["analyzeRoute", "chargeNumber: 03100251551032", "callingPartyID: 03130251551032", "calledPartyID: 03100753552143", "outpulseNumber: 811055153204", "BCD digits: 55512340", "primaryTrunkGroup: 0001234000", "Carrier digits: 0288", "redirectingPartyID: 03100251551000", "primaryBillingIndicator: 00030001", "aMAAlternateBillingNumber: 03100850550100", "aMAslpID: 2143658709", "AMAslpID: 1234567890", "redirectionInformation: 1321"], what: "route to 703-555-1234, outpulse 555-1234 on trunk group 0123 with AMA data" },
    Fixture { name: "FORWARD_CALL", op: scpd::ain::Operation::ForwardCall, annotated: FORWARD_CALL, tshark: &["forwardCall", "calledPartyID: 03100753552143", "redirectingPartyID: 03100251551032", "redirectionInformation: 2321"], what: "forward a terminating call (no reply) to 703-555-1234" },
    Fixture { name: "CONTINUE", op: scpd::ain::Operation::Continue, annotated: CONTINUE, tshark: &["continue", "aMAslpID: 2143658709", "AMAslpID: 1234567890"], what: "default processing, AMA SLP ID recorded" },
    Fixture { name: "AUTHORIZE_TERMINATION", op: scpd::ain::Operation::AuthorizeTermination, annotated: AUTHORIZE_TERMINATION, tshark: &["authorizeTermination", "callingPartyID: 03130251551032", "controllingLegTreatment: ringBackAudibleRingingToneOn (1)"], what: "let the call ring the line" },
    Fixture { name: "DISCONNECT", op: scpd::ain::Operation::Disconnect, annotated: DISCONNECT, tshark: &["disconnect", "DisconnectArg"], what: "release the call (no members)" },
    Fixture { name: "REQUEST_REPORT_BCM_EVENT", op: scpd::ain::Operation::RequestReportBcmEvent, annotated: REQUEST_REPORT_BCM_EVENT, tshark: &["requestReportBCMEvent", "eDPRequest: c01800", "oCalledPartyBusy: True", "oNoAnswer: True", "oDisconnect: True", "oAbandon: True", "eDPNotification: 100000", "oAnswer: True", "oNoAnswerTimer: 30"], what: "arm busy/no answer/disconnect/abandon as EDP-R and answer as EDP-N" },
    Fixture { name: "SEND_NOTIFICATION", op: scpd::ain::Operation::SendNotification, annotated: SEND_NOTIFICATION, tshark: &[], what: "ask for a Termination_Notification (AIN 0.1; not in Wireshark: tshark names no operation)" },
    Fixture { name: "CLOSE", op: scpd::ain::Operation::Close, annotated: CLOSE, tshark: &["close", "closeCause: eDPsCompleted (1)"], what: "end the AIN relationship" },
    Fixture { name: "ACG", op: scpd::ain::Operation::Acg, annotated: ACG, tshark: &["acg", "controlCauseIndicator: 01", "gapDuration: no4Seconds (3)", "nationalGapInterval: no1Second (5)", "translationType: 0", "globalTitleAddress: 075355"], what: "automatic code gapping of 703-555 for 4 s, one call a second" },
    Fixture { name: "SET_TIMER", op: scpd::ain::Operation::SetTimer, annotated: SET_TIMER, tshark: &["setTimer", "sSPResponseMessageTimerT1: 50"], what: "SSP T1 = 5 s" },
];

pub const ERROR_FIXTURES: &[ErrorFixture] = &[
    ErrorFixture {
        name: "APPLICATION_ERROR",
        code: 1,
        annotated: APPLICATION_ERROR,
        tshark: &["errorCause: unexpectedMessage (4)", "opCode: 25857"],
        what: "applicationError: an Analyze_Route arrived where the SSP expected none",
    },
    ErrorFixture {
        name: "FAILURE_REPORT",
        code: 2,
        annotated: FAILURE_REPORT,
        tshark: &["failureCause: apTimeout (3)"],
        what: "failureReport: application timeout",
    },
];
