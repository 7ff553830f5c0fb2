//! UserID (GR-1299 §6): the line, ISDN BRI, trunk group or private facility a trigger was
//! raised for.

use super::digits::pack;
use super::{fixed, invalid, prim, tag};
use crate::ain::AinError;
use crate::ber::{BerError, BerErrorKind, Result, Tlv};
use crate::digits::{Digits, Isup};

/// UserID (GR-1299 §6 "UserID", `[53]` CHOICE, so explicitly tagged `BF 35`): the line,
/// ISDN BRI, trunk group or private facility the trigger was raised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserId<'a> {
    /// `[1] Dn`: the 10-digit directory number, 5 octets of BCD, first digit in bits 4–1 (the
    /// AINDigits digit order; tshark shows these octets raw).
    Dn(Digits<Isup>),
    /// `[2]` BRI: SPID (`[49]`, IA5 text) and DN.
    Bri { spid: &'a [u8], dn: Digits<Isup> },
    /// `[5] TrunkGroupID` INTEGER (0..9999).
    TrunkGroup(u16),
    /// `[6] PrivateFacilityGID` INTEGER (0..9999).
    PrivateFacility(u16),
    /// `ADSIcpeID` (untagged OCTET STRING, 4 octets).
    AdsiCpe([u8; 4]),
}

impl Default for UserId<'_> {
    fn default() -> Self {
        UserId::Dn(Digits::EMPTY)
    }
}

fn dn(t: &Tlv<'_>) -> Result<Digits<Isup>> {
    let v: [u8; 5] = fixed(t, "Dn size")?;
    Digits::from_bcd(&v, Some(10)).map_err(|_| invalid("Dn digit", t.value_offset))
}

fn dn_bytes(d: &Digits<Isup>) -> std::result::Result<[u8; 5], AinError> {
    if d.len() != 10 {
        return Err(AinError::Encode("a Dn is exactly 10 digits"));
    }
    let mut b = [0u8; 5];
    pack(d, &mut b);
    Ok(b)
}

fn small_u16(t: &Tlv<'_>, what: &'static str) -> Result<u16> {
    prim(t, what)?;
    u16::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}

impl<'a> UserId<'a> {
    /// Decode the `[53]` element (explicit: one CHOICE alternative inside).
    pub fn decode(t: &Tlv<'a>) -> Result<UserId<'a>> {
        let mut r = t.children()?;
        let Some(alt) = r.next_tlv()? else {
            return Err(BerError::new(
                BerErrorKind::Missing("UserID choice"),
                t.value_offset,
            ));
        };
        r.finish()?;
        use crate::ber::Class;
        let u = match (alt.tag.class, alt.tag.number) {
            (Class::Context, 1) => UserId::Dn(dn(&alt)?),
            (Class::Context, 2) => {
                let mut m = alt.children()?;
                let spid = m.expect(crate::ber::Tag::ctx(49), "spid")?;
                let d = m.expect(crate::ber::Tag::OCTET_STRING, "dn")?;
                m.finish()?;
                UserId::Bri {
                    spid: prim(&spid, "Spid")?,
                    dn: dn(&d)?,
                }
            }
            (Class::Context, 5) => UserId::TrunkGroup(small_u16(&alt, "TrunkGroupID")?),
            (Class::Context, 6) => UserId::PrivateFacility(small_u16(&alt, "PrivateFacilityGID")?),
            (Class::Universal, 4) => UserId::AdsiCpe(fixed(&alt, "ADSIcpeID size")?),
            _ => return Err(invalid("UserID choice", alt.offset)),
        };
        Ok(u)
    }

    /// Whether [`UserId::encode`] can write it (a DN is exactly 10 digits).
    pub fn validate(&self) -> std::result::Result<(), AinError> {
        match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => dn_bytes(d).map(drop),
            _ => Ok(()),
        }
    }

    /// Write the `[53]` element; nothing is written when it is invalid.
    pub fn encode(&self, w: &mut crate::ber::Writer<'_>) -> std::result::Result<(), AinError> {
        use crate::ber::Tag;
        let dn_enc = match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => Some(dn_bytes(d)?),
            _ => None,
        };
        w.constructed(Tag::ctx_cons(tag::USER_ID), |w| match *self {
            UserId::Dn(_) => w.primitive(Tag::ctx(1), &dn_enc.unwrap_or_default()),
            UserId::Bri { spid, .. } => w.constructed(Tag::ctx_cons(2), |w| {
                w.primitive(Tag::ctx(49), spid);
                w.primitive(Tag::OCTET_STRING, &dn_enc.unwrap_or_default());
            }),
            UserId::TrunkGroup(n) => w.integer(Tag::ctx(5), n.into()),
            UserId::PrivateFacility(n) => w.integer(Tag::ctx(6), n.into()),
            UserId::AdsiCpe(b) => w.primitive(Tag::OCTET_STRING, &b),
        });
        Ok(())
    }

    /// The directory number, where the UserID has one.
    pub fn dn(&self) -> Option<&Digits<Isup>> {
        match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => Some(d),
            _ => None,
        }
    }
}
