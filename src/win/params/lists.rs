//! The constructed parameters scpd models: WINCapability (IS-771 §6.5.2.di), TriggerAddressList
//! and TriggerList (IS-771 §6.5.2.de, dg; how an SCP arms WIN triggers such as O_Answer and
//! T_Disconnect for the rest of a call) and TerminationList (TIA/EIA-41-D §6.5.2.156, with
//! PSTNTermination §6.5.2.98 and IntersystemTermination §6.5.2.74: how an SCP routes a call
//! to a number). Members are read in any order; members not modelled are skipped.

use super::{fixed, invalid, prim, tag, BillingId, Imsi, Min, Mscid, PcSsn, WinDigits};
use crate::ber::{BerError, Class, Result, Tag, Tlv, Writer};
use crate::win::WinError;

fn dup(t: &Tlv<'_>) -> BerError {
    invalid("duplicate member", t.offset)
}

fn set<T>(slot: &mut Option<T>, t: &Tlv<'_>, v: T) -> Result<()> {
    if slot.is_some() {
        return Err(dup(t));
    }
    *slot = Some(v);
    Ok(())
}

fn digits(t: &Tlv<'_>, what: &'static str) -> Result<WinDigits> {
    WinDigits::decode(prim(t, what)?, t.value_offset)
}

/// The context-class members of a constructed parameter.
fn members<'a>(t: &Tlv<'a>, what: &'static str) -> Result<impl Iterator<Item = Result<Tlv<'a>>>> {
    let r = t.children().map_err(|_| invalid(what, t.offset))?;
    Ok(r.filter(|m| m.as_ref().map_or(true, |m| m.tag.class == Class::Context)))
}

fn write_digits(w: &mut Writer<'_>, n: u32, d: &WinDigits) {
    let (b, len) = d.to_array();
    w.primitive(Tag::ctx(n), &b[..len]);
}

/// WINCapability (IS-771 §6.5.2.di): which WIN triggers the MSC can arm from a
/// TriggerAddressList (TriggerCapability, §6.5.2.df) and which WIN operations it supports
/// (WINOperationsCapability, §6.5.2.dj). Both kept as received: bit strings whose meaning
/// the SCP looks up, not values it computes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WinCapability<'a> {
    pub trigger_capability: Option<&'a [u8]>,
    pub win_operations_capability: Option<&'a [u8]>,
}

impl<'a> WinCapability<'a> {
    pub fn decode(t: &Tlv<'a>) -> Result<WinCapability<'a>> {
        let mut c = WinCapability::default();
        for m in members(t, "WINCapability")? {
            let m = m?;
            match m.tag.number {
                tag::TRIGGER_CAPABILITY => set(
                    &mut c.trigger_capability,
                    &m,
                    prim(&m, "TriggerCapability")?,
                )?,
                tag::WIN_OPERATIONS_CAPABILITY => set(
                    &mut c.win_operations_capability,
                    &m,
                    prim(&m, "WINOperationsCapability")?,
                )?,
                _ => {}
            }
        }
        Ok(c)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::ctx_cons(tag::WIN_CAPABILITY), |w| {
            if let Some(v) = self.trigger_capability {
                w.primitive(Tag::ctx(tag::TRIGGER_CAPABILITY), v);
            }
            if let Some(v) = self.win_operations_capability {
                w.primitive(Tag::ctx(tag::WIN_OPERATIONS_CAPABILITY), v);
            }
        });
    }
}

/// WIN_TriggerList (IS-771 §6.5.2.dk): the triggers to arm, one TriggerType octet each
/// ([`crate::win::params::trigger_type`]). Wireshark types it as an OCTET STRING.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WinTriggerList<'a>(pub &'a [u8]);

impl WinTriggerList<'_> {
    /// The TriggerType values, in order.
    pub fn trigger_types(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.iter().copied()
    }
}

/// DestinationAddress (IS-771 §6.5.2.ck): where the MSC sends the reports of the triggers
/// in a TriggerList, a global title (§6.5.2.co) or a PC_SSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestinationAddress<'a> {
    /// The SCCP global title as T1.112 codes it, kept as received.
    GlobalTitle(&'a [u8]),
    PcSsn(PcSsn),
}

/// TriggerList (IS-771 §6.5.2.dg): a destination and the triggers whose reports go there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerList<'a> {
    pub destination: DestinationAddress<'a>,
    pub triggers: WinTriggerList<'a>,
}

impl<'a> TriggerList<'a> {
    pub fn decode(t: &Tlv<'a>) -> Result<TriggerList<'a>> {
        let mut dest = None;
        let mut triggers = None;
        for m in members(t, "TriggerList")? {
            let m = m?;
            match m.tag.number {
                tag::GLOBAL_TITLE => set(
                    &mut dest,
                    &m,
                    DestinationAddress::GlobalTitle(prim(&m, "GlobalTitle")?),
                )?,
                tag::PC_SSN => set(
                    &mut dest,
                    &m,
                    DestinationAddress::PcSsn(PcSsn::decode(fixed(&m, "PC_SSN size")?)),
                )?,
                tag::WIN_TRIGGER_LIST => set(
                    &mut triggers,
                    &m,
                    WinTriggerList(prim(&m, "WIN_TriggerList")?),
                )?,
                _ => {}
            }
        }
        match (dest, triggers) {
            (Some(destination), Some(triggers)) => Ok(TriggerList {
                destination,
                triggers,
            }),
            _ => Err(invalid(
                "TriggerList without destination or triggers",
                t.offset,
            )),
        }
    }

    fn check(&self) -> std::result::Result<(), WinError> {
        if let DestinationAddress::PcSsn(p) = self.destination {
            p.to_array()?;
        }
        Ok(())
    }

    fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::ctx_cons(tag::TRIGGER_LIST), |w| {
            match self.destination {
                DestinationAddress::GlobalTitle(gt) => w.primitive(Tag::ctx(tag::GLOBAL_TITLE), gt),
                DestinationAddress::PcSsn(p) => {
                    if let Ok(v) = p.to_array() {
                        w.primitive(Tag::ctx(tag::PC_SSN), &v);
                    }
                }
            }
            w.primitive(Tag::ctx(tag::WIN_TRIGGER_LIST), self.triggers.0);
        });
    }
}

/// TriggerAddressList (IS-771 §6.5.2.de): one or two TriggerLists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerAddressList<'a> {
    pub first: TriggerList<'a>,
    pub second: Option<TriggerList<'a>>,
}

impl<'a> TriggerAddressList<'a> {
    pub fn decode(t: &Tlv<'a>) -> Result<TriggerAddressList<'a>> {
        let mut lists: [Option<TriggerList<'a>>; 2] = [None, None];
        let mut n = 0;
        for m in members(t, "TriggerAddressList")? {
            let m = m?;
            if m.tag.number != tag::TRIGGER_LIST {
                continue;
            }
            let slot = lists
                .get_mut(n)
                .ok_or_else(|| invalid("more than two TriggerLists", m.offset))?;
            *slot = Some(TriggerList::decode(&m)?);
            n += 1;
        }
        let [Some(first), second] = lists else {
            return Err(invalid(
                "TriggerAddressList without a TriggerList",
                t.offset,
            ));
        };
        Ok(TriggerAddressList { first, second })
    }

    pub fn check(&self) -> std::result::Result<(), WinError> {
        self.first.check()?;
        self.second.map_or(Ok(()), |s| s.check())
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::ctx_cons(tag::TRIGGER_ADDRESS_LIST), |w| {
            self.first.encode(w);
            if let Some(s) = &self.second {
                s.encode(w);
            }
        });
    }
}

/// PSTNTermination (TIA/EIA-41-D §6.5.2.98): route the call to a PSTN number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PstnTermination<'a> {
    /// DestinationDigits: the number to route to.
    pub destination_digits: WinDigits,
    pub carrier_digits: Option<WinDigits>,
    pub esn: Option<[u8; 4]>,
    pub imsi: Option<Imsi>,
    pub min: Option<Min>,
    pub routing_digits: Option<WinDigits>,
    /// TerminationTriggers (§6.5.2.159), as received.
    pub termination_triggers: Option<&'a [u8]>,
}

/// IntersystemTermination (TIA/EIA-41-D §6.5.2.74): route the call to another MSC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntersystemTermination<'a> {
    pub destination_digits: WinDigits,
    /// The serving MSC of the destination.
    pub mscid: Mscid,
    pub billing_id: Option<BillingId>,
    pub carrier_digits: Option<WinDigits>,
    pub routing_digits: Option<WinDigits>,
    pub termination_triggers: Option<&'a [u8]>,
}

/// One member of a TerminationList (§6.5.2.156).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination<'a> {
    Pstn(PstnTermination<'a>),
    Intersystem(IntersystemTermination<'a>),
    /// LocalTermination (§6.5.2.76), its contents as received: an SCP routing to a number
    /// does not build one.
    Local(&'a [u8]),
}

/// The most terminations a [`TerminationList`] holds. TIA/EIA-41-D lets an MSC take up to
/// 15 legs (TransactionCapability "multiple terminations"); an SCP redirecting a call
/// sends one, and more than four is refused as malformed rather than truncated.
pub const MAX_TERMINATIONS: usize = 4;

/// TerminationList (TIA/EIA-41-D §6.5.2.156): SET OF the terminations to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TerminationList<'a> {
    entries: [Option<Termination<'a>>; MAX_TERMINATIONS],
}

impl<'a> TerminationList<'a> {
    /// A list with one termination.
    pub fn one(t: Termination<'a>) -> TerminationList<'a> {
        let mut l = TerminationList::default();
        l.entries[0] = Some(t);
        l
    }

    /// Append a termination; `false` when the list is full.
    pub fn push(&mut self, t: Termination<'a>) -> bool {
        match self.entries.iter_mut().find(|e| e.is_none()) {
            Some(slot) => {
                *slot = Some(t);
                true
            }
            None => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Termination<'a>> {
        self.entries.iter().flatten()
    }

    pub fn decode(t: &Tlv<'a>) -> Result<TerminationList<'a>> {
        let mut l = TerminationList::default();
        let mut any = false;
        for m in members(t, "TerminationList")? {
            let m = m?;
            let e = match m.tag.number {
                tag::PSTN_TERMINATION => Termination::Pstn(decode_pstn(&m)?),
                tag::INTERSYSTEM_TERMINATION => Termination::Intersystem(decode_intersystem(&m)?),
                tag::LOCAL_TERMINATION => Termination::Local(super::cons(&m, "LocalTermination")?),
                _ => continue,
            };
            if !l.push(e) {
                return Err(invalid(
                    "TerminationList: more than 4 terminations",
                    m.offset,
                ));
            }
            any = true;
        }
        if !any {
            return Err(invalid("empty TerminationList", t.offset));
        }
        Ok(l)
    }

    pub fn check(&self) -> std::result::Result<(), WinError> {
        if self.iter().next().is_none() {
            return Err(WinError::Encode("empty TerminationList"));
        }
        for e in self.iter() {
            let ds = match e {
                Termination::Pstn(p) => {
                    if let Some(i) = &p.imsi {
                        i.to_array()?;
                    }
                    if let Some(m) = &p.min {
                        m.to_array()?;
                    }
                    [
                        Some(&p.destination_digits),
                        p.carrier_digits.as_ref(),
                        p.routing_digits.as_ref(),
                    ]
                }
                Termination::Intersystem(i) => {
                    if let Some(b) = i.billing_id {
                        b.to_array()?;
                    }
                    [
                        Some(&i.destination_digits),
                        i.carrier_digits.as_ref(),
                        i.routing_digits.as_ref(),
                    ]
                }
                Termination::Local(_) => [None, None, None],
            };
            ds.into_iter().flatten().try_for_each(WinDigits::validate)?;
        }
        Ok(())
    }

    /// Write the list (call [`TerminationList::check`] first: what does not encode is left
    /// out here).
    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::ctx_cons(tag::TERMINATION_LIST), |w| {
            for e in self.iter() {
                match e {
                    Termination::Pstn(p) => {
                        w.constructed(Tag::ctx_cons(tag::PSTN_TERMINATION), |w| encode_pstn(p, w))
                    }
                    Termination::Intersystem(i) => w
                        .constructed(Tag::ctx_cons(tag::INTERSYSTEM_TERMINATION), |w| {
                            encode_intersystem(i, w)
                        }),
                    Termination::Local(raw) => {
                        w.constructed(Tag::ctx_cons(tag::LOCAL_TERMINATION), |w| w.raw(raw))
                    }
                }
            }
        });
    }
}

fn decode_pstn<'a>(t: &Tlv<'a>) -> Result<PstnTermination<'a>> {
    let mut dest = None;
    let mut p = PstnTermination::default();
    for m in members(t, "PSTNTermination")? {
        let m = m?;
        match m.tag.number {
            tag::DESTINATION_DIGITS => set(&mut dest, &m, digits(&m, "DestinationDigits")?)?,
            tag::CARRIER_DIGITS => set(&mut p.carrier_digits, &m, digits(&m, "CarrierDigits")?)?,
            tag::ESN => set(&mut p.esn, &m, fixed(&m, "ESN size")?)?,
            tag::IMSI => set(
                &mut p.imsi,
                &m,
                Imsi::decode(prim(&m, "IMSI")?, m.value_offset)?,
            )?,
            tag::MIN => set(
                &mut p.min,
                &m,
                Min::decode(fixed(&m, "MIN size")?, m.value_offset)?,
            )?,
            tag::ROUTING_DIGITS => set(&mut p.routing_digits, &m, digits(&m, "RoutingDigits")?)?,
            tag::TERMINATION_TRIGGERS => set(
                &mut p.termination_triggers,
                &m,
                prim(&m, "TerminationTriggers")?,
            )?,
            _ => {}
        }
    }
    p.destination_digits =
        dest.ok_or_else(|| invalid("PSTNTermination without DestinationDigits", t.offset))?;
    Ok(p)
}

fn encode_pstn(p: &PstnTermination<'_>, w: &mut Writer<'_>) {
    write_digits(w, tag::DESTINATION_DIGITS, &p.destination_digits);
    if let Some(d) = &p.carrier_digits {
        write_digits(w, tag::CARRIER_DIGITS, d);
    }
    if let Some(e) = &p.esn {
        w.primitive(Tag::ctx(tag::ESN), e);
    }
    if let Some(Ok((b, n))) = p.imsi.map(|i| i.to_array()) {
        w.primitive(Tag::ctx(tag::IMSI), &b[..n]);
    }
    if let Some(Ok(b)) = p.min.map(|m| m.to_array()) {
        w.primitive(Tag::ctx(tag::MIN), &b);
    }
    if let Some(d) = &p.routing_digits {
        write_digits(w, tag::ROUTING_DIGITS, d);
    }
    if let Some(v) = p.termination_triggers {
        w.primitive(Tag::ctx(tag::TERMINATION_TRIGGERS), v);
    }
}

fn decode_intersystem<'a>(t: &Tlv<'a>) -> Result<IntersystemTermination<'a>> {
    let mut dest = None;
    let mut mscid = None;
    let mut i = IntersystemTermination::default();
    for m in members(t, "IntersystemTermination")? {
        let m = m?;
        match m.tag.number {
            tag::DESTINATION_DIGITS => set(&mut dest, &m, digits(&m, "DestinationDigits")?)?,
            tag::MSCID => set(&mut mscid, &m, Mscid::decode(fixed(&m, "MSCID size")?))?,
            tag::BILLING_ID => set(
                &mut i.billing_id,
                &m,
                BillingId::decode(fixed(&m, "BillingID size")?),
            )?,
            tag::CARRIER_DIGITS => set(&mut i.carrier_digits, &m, digits(&m, "CarrierDigits")?)?,
            tag::ROUTING_DIGITS => set(&mut i.routing_digits, &m, digits(&m, "RoutingDigits")?)?,
            tag::TERMINATION_TRIGGERS => set(
                &mut i.termination_triggers,
                &m,
                prim(&m, "TerminationTriggers")?,
            )?,
            _ => {}
        }
    }
    match (dest, mscid) {
        (Some(d), Some(m)) => {
            i.destination_digits = d;
            i.mscid = m;
            Ok(i)
        }
        _ => Err(invalid(
            "IntersystemTermination without DestinationDigits or MSCID",
            t.offset,
        )),
    }
}

fn encode_intersystem(i: &IntersystemTermination<'_>, w: &mut Writer<'_>) {
    write_digits(w, tag::DESTINATION_DIGITS, &i.destination_digits);
    w.primitive(Tag::ctx(tag::MSCID), &i.mscid.to_array());
    if let Some(Ok(b)) = i.billing_id.map(|b| b.to_array()) {
        w.primitive(Tag::ctx(tag::BILLING_ID), &b);
    }
    if let Some(d) = &i.carrier_digits {
        write_digits(w, tag::CARRIER_DIGITS, d);
    }
    if let Some(d) = &i.routing_digits {
        write_digits(w, tag::ROUTING_DIGITS, d);
    }
    if let Some(v) = i.termination_triggers {
        w.primitive(Tag::ctx(tag::TERMINATION_TRIGGERS), v);
    }
}
