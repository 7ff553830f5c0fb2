//! LocationInformation (TS 29.002 MAP-MS-DataTypes), as CAP carries it: in InitialDP [52]
//! and in the change-of-position, oTermSeized and callAccepted event reports (TS 29.078).

use super::{
    address_into, contents, ctx, invalid, isup_into, octets, put_cons, put_null, put_prim, Scratch,
};
use crate::ber::{BerError, BerErrorKind, Malformed, MalformedMembers, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{AddressString, CellIdOrLai, IsupNumber};

/// LocationInformation (TS 29.002 MAP-MS-DataTypes), as carried in InitialDP [52].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocationInformation<'a> {
    /// ageOfLocationInformation (untagged INTEGER, minutes).
    pub age_of_location_information: Option<u32>,
    /// [0] GeographicalInformation, opaque.
    pub geographical_information: Option<&'a [u8]>,
    /// [1] vlr-number.
    pub vlr_number: Option<AddressString>,
    /// [2] LocationNumber (ISUP format).
    pub location_number: Option<IsupNumber>,
    /// [3] cellGlobalIdOrServiceAreaIdOrLAI.
    pub cell_id_or_lai: Option<CellIdOrLai>,
    /// [4] extensionContainer, opaque contents.
    pub extension_container: Option<&'a [u8]>,
    /// [5] selectedLSA-Id, opaque.
    pub selected_lsa_id: Option<&'a [u8]>,
    /// [6] msc-Number.
    pub msc_number: Option<AddressString>,
    /// [7] geodeticInformation, opaque.
    pub geodetic_information: Option<&'a [u8]>,
    /// [8] currentLocationRetrieved NULL.
    pub current_location_retrieved: bool,
    /// [9] sai-Present NULL: `cell_id_or_lai` holds a service area identity.
    pub sai_present: bool,
    /// [10] locationInformationEPS, opaque contents.
    pub location_information_eps: Option<&'a [u8]>,
    /// [11] userCSGInformation, opaque contents.
    pub user_csg_information: Option<&'a [u8]>,
}

impl<'a> LocationInformation<'a> {
    /// Decode from the element carrying it (any tag; its contents are the SEQUENCE's).
    /// Strict: a malformed member fails the decode (the event reports carrying it).
    pub fn decode(t: Tlv<'a>) -> Result<LocationInformation<'a>> {
        crate::ber::strictly(
            |notes| {
                let mut l = LocationInformation::default();
                l.decode_in_place(t, notes).map(|()| l)
            },
            |fault| fault,
        )
    }

    /// [`LocationInformation::decode`] into `self`, which must be the default: the
    /// InitialDP decodes into its own member instead of moving ~300 octets through `Result`s.
    /// Lenient: a malformed member is noted in `malformed` and left absent; only a
    /// malformed SEQUENCE fails.
    pub(crate) fn decode_in_place(
        &mut self,
        t: Tlv<'a>,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<()> {
        for m in t.children()? {
            let m = m?;
            let n = if m.tag == Tag::INTEGER {
                None
            } else if let Some(n) = ctx(&m) {
                Some(n)
            } else {
                continue;
            };
            if let Err(fault) = self.member(n, &m) {
                malformed.push(Malformed {
                    member: member_name(n),
                    raw: m.raw,
                    fault,
                });
            }
        }
        Ok(())
    }

    /// Decode member `[n]` (`None`: the untagged ageOfLocationInformation) into its slot;
    /// on a fault the slot is left absent.
    fn member(&mut self, n: Option<u32>, m: &Tlv<'a>) -> Result<()> {
        let l = self;
        let Some(n) = n else {
            l.age_of_location_information = Some(m.as_u32()?);
            return Ok(());
        };
        match n {
            0 => l.geographical_information = Some(octets(m, "geographicalInformation")?),
            1 => address_into(&mut l.vlr_number, m, "vlr-number")?,
            2 => isup_into(&mut l.location_number, m, "locationNumber")?,
            3 => l.cell_id_or_lai = Some(cell_id_or_lai(m)?),
            4 => l.extension_container = Some(contents(m, "extensionContainer")?),
            5 => l.selected_lsa_id = Some(octets(m, "selectedLSA-Id")?),
            6 => address_into(&mut l.msc_number, m, "msc-Number")?,
            7 => l.geodetic_information = Some(octets(m, "geodeticInformation")?),
            8 => l.current_location_retrieved = m.as_null().map(|_| true)?,
            9 => l.sai_present = m.as_null().map(|_| true)?,
            10 => l.location_information_eps = Some(contents(m, "locationInformationEPS")?),
            11 => l.user_csg_information = Some(contents(m, "userCSGInformation")?),
            _ => {}
        }
        Ok(())
    }

    /// Write `[tag] SEQUENCE { ... }`.
    pub fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        let mut s = Scratch::new();
        w.constructed(Tag::ctx_cons(tag), |w| {
            if let Some(a) = self.age_of_location_information {
                w.integer(Tag::INTEGER, i64::from(a));
            }
            put_prim(w, 0, self.geographical_information);
            if let Some(a) = &self.vlr_number {
                s.address(w, 1, a);
            }
            if let Some(n) = &self.location_number {
                s.isup(w, 2, n);
            }
            if let Some(c) = &self.cell_id_or_lai {
                s.0.clear();
                c.encode_into(&mut s.0);
                let alt = match c {
                    CellIdOrLai::CellId { .. } => 0,
                    CellIdOrLai::Lai { .. } => 1,
                };
                let v = &s.0;
                w.constructed(Tag::ctx_cons(3), |w| w.primitive(Tag::ctx(alt), v));
            }
            put_cons(w, 4, self.extension_container);
            put_prim(w, 5, self.selected_lsa_id);
            if let Some(a) = &self.msc_number {
                s.address(w, 6, a);
            }
            put_prim(w, 7, self.geodetic_information);
            put_null(w, 8, self.current_location_retrieved);
            put_null(w, 9, self.sai_present);
            put_cons(w, 10, self.location_information_eps);
            put_cons(w, 11, self.user_csg_information);
        });
    }
}

/// [3] cellGlobalIdOrServiceAreaIdOrLAI, an explicit CHOICE: [0] the 7-octet CGI/SAI or [1]
/// the 5-octet LAI (TS 29.002).
fn cell_id_or_lai(m: &Tlv<'_>) -> Result<CellIdOrLai> {
    let mut r = m.children()?;
    let c = r.next_tlv()?.ok_or(BerError::new(
        BerErrorKind::Missing("cellGlobalIdOrServiceAreaIdOrLAI alternative"),
        m.value_offset,
    ))?;
    let v = octets(&c, "cellGlobalIdOrServiceAreaIdOrLAI")?;
    match (ctx(&c), v.len()) {
        (Some(0), 7) | (Some(1), 5) => CellIdOrLai::decode(v, c.value_offset),
        (Some(0 | 1), _) => Err(invalid("cell id / LAI length", c.value_offset)),
        _ => Err(invalid(
            "cellGlobalIdOrServiceAreaIdOrLAI alternative",
            c.offset,
        )),
    }
}

/// The name of LocationInformation's member `[n]` (`None`: ageOfLocationInformation), as
/// a member of InitialDP's locationInformation, for notes on malformed members.
fn member_name(n: Option<u32>) -> &'static str {
    match n {
        None => "locationInformation.ageOfLocationInformation",
        Some(0) => "locationInformation.geographicalInformation",
        Some(1) => "locationInformation.vlr-number",
        Some(2) => "locationInformation.locationNumber",
        Some(3) => "locationInformation.cellGlobalIdOrServiceAreaIdOrLAI",
        Some(4) => "locationInformation.extensionContainer",
        Some(5) => "locationInformation.selectedLSA-Id",
        Some(6) => "locationInformation.msc-Number",
        Some(7) => "locationInformation.geodeticInformation",
        Some(8) => "locationInformation.currentLocationRetrieved",
        Some(9) => "locationInformation.sai-Present",
        Some(10) => "locationInformation.locationInformationEPS",
        Some(11) => "locationInformation.userCSGInformation",
        Some(_) => "locationInformation",
    }
}
