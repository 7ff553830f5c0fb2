//! Charging operations (TS 29.078 §6.1.1, CAP-datatypes): ApplyCharging (opcode 35) and its
//! report ApplyChargingReport (36), FurnishChargingInformation (34).
//!
//! The three carry their payload as an OCTET STRING that itself contains a BER encoding
//! (AChBillingChargingCharacteristics, CallResult, FCIBillingChargingCharacteristics ::=
//! OCTET STRING (CONSTRAINED BY {-- shall be the result of the BER-encoded value of type
//! CAMEL-... --})). Decoders parse the inner encoding too, still borrowing from the input.

use super::ops::{contents, ctx, invalid, octets, put_cons, sequence, small_enum};
use super::{LegId, LegType};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};

/// Parse the single BER element an OCTET STRING carries (`CONSTRAINED BY` BER contents).
fn inner<'a>(t: &Tlv<'a>, what: &'static str) -> Result<Tlv<'a>> {
    let v = octets(t, what)?;
    let (tlv, used) = Tlv::parse(v, t.value_offset)?;
    if used != v.len() {
        return Err(BerError::new(
            BerErrorKind::Trailing(v.len() - used),
            t.value_offset + used,
        ));
    }
    Ok(tlv)
}

/// Write `tag` OCTET STRING whose contents are what `f` encodes.
fn put_containing(w: &mut Writer<'_>, tag: Tag, f: impl FnOnce(&mut Writer<'_>)) {
    let mut buf = Vec::with_capacity(32);
    f(&mut Writer::new(&mut buf));
    w.primitive(tag, &buf);
}

fn missing(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Missing(what), offset)
}

/// The leg of a SendingSideID / ReceivingSideID (CHOICE of one alternative, explicitly
/// tagged by its member).
fn side(t: &Tlv<'_>) -> Result<LegType> {
    LegId::decode_choice(t).map(LegId::leg)
}

/// AChChargingAddress (CAP v4): CHOICE { legID [2] LegID, srfConnection [50] CallSegmentID }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AChChargingAddress {
    LegId(LegId),
    SrfConnection(u8),
}

impl AChChargingAddress {
    /// Decode from the explicit wrapper element.
    fn decode(outer: &Tlv<'_>) -> Result<AChChargingAddress> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(missing(
            "aChChargingAddress alternative",
            outer.value_offset,
        ))?;
        let a = match ctx(&t) {
            Some(2) => AChChargingAddress::LegId(LegId::decode_choice(&t)?),
            Some(50) => AChChargingAddress::SrfConnection(small_enum(&t, "srfConnection")?),
            _ => return Err(invalid("aChChargingAddress alternative", t.offset)),
        };
        r.finish()?;
        Ok(a)
    }

    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            AChChargingAddress::LegId(l) => l.encode_choice(w, 2),
            AChChargingAddress::SrfConnection(s) => w.integer(Tag::ctx(50), i64::from(*s)),
        });
    }
}

/// CAMEL-AChBillingChargingCharacteristics, alternative timeDurationCharging [0] (the only
/// one): how long the call may last before the gsmSSF reports (and maybe releases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeDurationCharging<'a> {
    /// [0] maxCallPeriodDuration, 1..864000 in units of 100 ms (at most 24 h).
    pub max_call_period_duration: u32,
    /// [1] releaseIfdurationExceeded. CAP v3+: BOOLEAN DEFAULT FALSE. CAP v2: a SEQUENCE
    /// { tone BOOLEAN DEFAULT FALSE, ... } whose presence means "release"; see
    /// [`TimeDurationCharging::release_tone`].
    pub release_if_duration_exceeded: bool,
    /// CAP v2 form of releaseIfdurationExceeded: `Some(tone)` when received (or to be sent)
    /// as the SEQUENCE { tone }, `None` for the v3+ BOOLEAN.
    pub release_tone: Option<bool>,
    /// [2] tariffSwitchInterval, 1..86400 seconds.
    pub tariff_switch_interval: Option<u32>,
    /// [3] audibleIndicator (CAP v4 CHOICE { tone BOOLEAN, burstList [1] }): contents of
    /// the explicit wrapper, opaque.
    pub audible_indicator: Option<&'a [u8]>,
    /// [4] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> TimeDurationCharging<'a> {
    /// Decode the AChBillingChargingCharacteristics OCTET STRING's contents.
    pub fn decode_ach(bytes: &'a [u8], offset: usize) -> Result<TimeDurationCharging<'a>> {
        let (t, used) = Tlv::parse(bytes, offset)?;
        if used != bytes.len() {
            return Err(BerError::new(
                BerErrorKind::Trailing(bytes.len() - used),
                offset + used,
            ));
        }
        if ctx(&t) != Some(0) {
            return Err(invalid(
                "aChBillingChargingCharacteristics alternative",
                t.offset,
            ));
        }
        let mut d = TimeDurationCharging::default();
        let mut have_max = false;
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    d.max_call_period_duration = m.as_u32()?;
                    have_max = true;
                }
                Some(1) if m.tag.constructed => {
                    d.release_if_duration_exceeded = true;
                    let mut tone = false;
                    for x in m.children()? {
                        let x = x?;
                        if x.tag.is(Tag::BOOLEAN) {
                            tone = x.as_bool()?;
                        }
                    }
                    d.release_tone = Some(tone);
                }
                Some(1) => d.release_if_duration_exceeded = m.as_bool()?,
                Some(2) => d.tariff_switch_interval = Some(m.as_u32()?),
                Some(3) => d.audible_indicator = Some(contents(&m, "audibleIndicator")?),
                Some(4) => d.extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        if !have_max {
            return Err(missing("maxCallPeriodDuration", t.value_offset));
        }
        Ok(d)
    }

    /// Write the CAMEL-AChBillingChargingCharacteristics value (`[0] { ... }`).
    pub fn encode_ach(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::ctx_cons(0), |w| {
            w.integer(Tag::ctx(0), i64::from(self.max_call_period_duration));
            match self.release_tone {
                Some(tone) => w.constructed(Tag::ctx_cons(1), |w| {
                    if tone {
                        w.boolean(Tag::BOOLEAN, true);
                    }
                }),
                None if self.release_if_duration_exceeded => w.boolean(Tag::ctx(1), true),
                None => {}
            }
            if let Some(t) = self.tariff_switch_interval {
                w.integer(Tag::ctx(2), i64::from(t));
            }
            put_cons(w, 3, self.audible_indicator);
            put_cons(w, 4, self.extensions);
        });
    }
}

/// ApplyChargingArg (opcode 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplyChargingArg<'a> {
    /// [0] aChBillingChargingCharacteristics (decoded from its OCTET STRING).
    pub ach: TimeDurationCharging<'a>,
    /// [2] partyToCharge SendingSideID; absent means the DEFAULT leg1.
    pub party_to_charge: Option<LegType>,
    /// [3] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [50] aChChargingAddress (CAP v4); absent means the DEFAULT legID sendingSideID leg1.
    pub ach_charging_address: Option<AChChargingAddress>,
}

impl<'a> ApplyChargingArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ApplyChargingArg<'a>> {
        let mut a = ApplyChargingArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    a.ach = TimeDurationCharging::decode_ach(
                        octets(&m, "aChBillingChargingCharacteristics")?,
                        m.value_offset,
                    )?;
                    have = true;
                }
                Some(2) => a.party_to_charge = Some(side(&m)?),
                Some(3) => a.extensions = Some(contents(&m, "extensions")?),
                Some(50) => a.ach_charging_address = Some(AChChargingAddress::decode(&m)?),
                _ => {}
            }
        }
        if !have {
            return Err(missing(
                "aChBillingChargingCharacteristics",
                param.value_offset,
            ));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ApplyChargingArg<'a>> {
        ApplyChargingArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            put_containing(w, Tag::ctx(0), |w| self.ach.encode_ach(w));
            if let Some(l) = self.party_to_charge {
                LegId::SendingSide(l).encode_choice(w, 2);
            }
            put_cons(w, 3, self.extensions);
            if let Some(c) = &self.ach_charging_address {
                c.encode(w, 50);
            }
        });
    }
}

/// TimeInformation: CHOICE { timeIfNoTariffSwitch [0] INTEGER (0..864000),
/// timeIfTariffSwitch [1] SEQUENCE { timeSinceTariffSwitch [0], tariffSwitchInterval [1]
/// OPTIONAL } } (units of 100 ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInformation {
    NoTariffSwitch(u32),
    TariffSwitch {
        time_since_tariff_switch: u32,
        tariff_switch_interval: Option<u32>,
    },
}

impl Default for TimeInformation {
    fn default() -> Self {
        TimeInformation::NoTariffSwitch(0)
    }
}

impl TimeInformation {
    fn decode(outer: &Tlv<'_>) -> Result<TimeInformation> {
        let mut r = outer.children()?;
        let t = r
            .next_tlv()?
            .ok_or(missing("timeInformation alternative", outer.value_offset))?;
        let v = match ctx(&t) {
            Some(0) => TimeInformation::NoTariffSwitch(t.as_u32()?),
            Some(1) => {
                let (mut since, mut interval) = (None, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => since = Some(m.as_u32()?),
                        Some(1) => interval = Some(m.as_u32()?),
                        _ => {}
                    }
                }
                TimeInformation::TariffSwitch {
                    time_since_tariff_switch: since
                        .ok_or(missing("timeSinceTariffSwitch", t.value_offset))?,
                    tariff_switch_interval: interval,
                }
            }
            _ => return Err(invalid("timeInformation alternative", t.offset)),
        };
        r.finish()?;
        Ok(v)
    }

    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            TimeInformation::NoTariffSwitch(t) => w.integer(Tag::ctx(0), i64::from(*t)),
            TimeInformation::TariffSwitch {
                time_since_tariff_switch,
                tariff_switch_interval,
            } => w.constructed(Tag::ctx_cons(1), |w| {
                w.integer(Tag::ctx(0), i64::from(*time_since_tariff_switch));
                if let Some(i) = tariff_switch_interval {
                    w.integer(Tag::ctx(1), i64::from(*i));
                }
            }),
        });
    }

    /// Total time in units of 100 ms since the connection (or the last tariff switch).
    pub fn elapsed(&self) -> u32 {
        match *self {
            TimeInformation::NoTariffSwitch(t) => t,
            TimeInformation::TariffSwitch {
                time_since_tariff_switch,
                tariff_switch_interval,
            } => time_since_tariff_switch.saturating_add(tariff_switch_interval.unwrap_or(0)),
        }
    }
}

/// CAMEL-CallResult, alternative timeDurationChargingResult [0]: the contents of
/// ApplyChargingReport (opcode 36), which is an OCTET STRING containing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplyChargingReportArg<'a> {
    /// [0] partyToCharge ReceivingSideID.
    pub party_to_charge: LegType,
    /// [1] timeInformation.
    pub time_information: TimeInformation,
    /// [2] legActive (CAP v2: callActive) BOOLEAN DEFAULT TRUE; `None` when absent.
    pub leg_active: Option<bool>,
    /// [3] callLegReleasedAtTcpExpiry NULL (CAP v3+).
    pub call_leg_released_at_tcp_expiry: bool,
    /// [4] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [5] aChChargingAddress (CAP v4).
    pub ach_charging_address: Option<AChChargingAddress>,
}

impl Default for LegType {
    fn default() -> Self {
        LegType::LEG1
    }
}

impl<'a> ApplyChargingReportArg<'a> {
    /// Decode the parameter (an OCTET STRING containing CAMEL-CallResult).
    pub fn decode(param: Tlv<'a>) -> Result<ApplyChargingReportArg<'a>> {
        param.expect(Tag::OCTET_STRING)?;
        let t = inner(&param, "applyChargingReport")?;
        if ctx(&t) != Some(0) {
            return Err(invalid("CallResult alternative", t.offset));
        }
        let mut a = ApplyChargingReportArg::default();
        let (mut party, mut time) = (None, None);
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => party = Some(side(&m)?),
                Some(1) => time = Some(TimeInformation::decode(&m)?),
                Some(2) => a.leg_active = Some(m.as_bool()?),
                Some(3) => a.call_leg_released_at_tcp_expiry = m.as_null().map(|_| true)?,
                Some(4) => a.extensions = Some(contents(&m, "extensions")?),
                Some(5) => a.ach_charging_address = Some(AChChargingAddress::decode(&m)?),
                _ => {}
            }
        }
        a.party_to_charge = party.ok_or(missing("partyToCharge", t.value_offset))?;
        a.time_information = time.ok_or(missing("timeInformation", t.value_offset))?;
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ApplyChargingReportArg<'a>> {
        ApplyChargingReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        put_containing(w, Tag::OCTET_STRING, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                LegId::ReceivingSide(self.party_to_charge).encode_choice(w, 0);
                self.time_information.encode(w, 1);
                if let Some(a) = self.leg_active {
                    w.boolean(Tag::ctx(2), a);
                }
                if self.call_leg_released_at_tcp_expiry {
                    w.null(Tag::ctx(3));
                }
                put_cons(w, 4, self.extensions);
                if let Some(c) = &self.ach_charging_address {
                    c.encode(w, 5);
                }
            })
        });
    }

    /// Whether the leg is still active (legActive's DEFAULT is TRUE).
    pub fn is_leg_active(&self) -> bool {
        self.leg_active.unwrap_or(true)
    }
}

/// FurnishChargingInformationArg (opcode 34): an OCTET STRING containing
/// CAMEL-FCIBillingChargingCharacteristics, alternative fCIBCCCAMELsequence1 [0].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FurnishChargingInformationArg<'a> {
    /// [0] freeFormatData (1..160 octets, operator-defined, goes into the call record).
    pub free_format_data: &'a [u8],
    /// [1] partyToCharge SendingSideID; absent means the DEFAULT leg1.
    pub party_to_charge: Option<LegType>,
    /// [2] appendFreeFormatData ENUMERATED { overwrite (0), append (1) } DEFAULT overwrite.
    pub append_free_format_data: Option<u8>,
}

impl<'a> FurnishChargingInformationArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<FurnishChargingInformationArg<'a>> {
        param.expect(Tag::OCTET_STRING)?;
        let t = inner(&param, "furnishChargingInformation")?;
        if ctx(&t) != Some(0) {
            return Err(invalid(
                "FCIBillingChargingCharacteristics alternative",
                t.offset,
            ));
        }
        let mut a = FurnishChargingInformationArg::default();
        let mut ffd = None;
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => ffd = Some(octets(&m, "freeFormatData")?),
                Some(1) => a.party_to_charge = Some(side(&m)?),
                Some(2) => {
                    a.append_free_format_data = Some(small_enum(&m, "appendFreeFormatData")?)
                }
                _ => {}
            }
        }
        a.free_format_data = ffd.ok_or(missing("freeFormatData", t.value_offset))?;
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<FurnishChargingInformationArg<'a>> {
        FurnishChargingInformationArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        put_containing(w, Tag::OCTET_STRING, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                w.primitive(Tag::ctx(0), self.free_format_data);
                if let Some(l) = self.party_to_charge {
                    LegId::SendingSide(l).encode_choice(w, 1);
                }
                if let Some(a) = self.append_free_format_data {
                    w.integer(Tag::ctx(2), i64::from(a));
                }
            })
        });
    }
}
