//! The BER walker: an element written as JSON by its type in the schema, objects in key
//! order with repeated members once, members the table does not name shown by tag with
//! their structure, and the first error in encoding order reported.

use super::cap_schema::{K, M, T};
use super::{addr, isup};
use crate::ber::{BerError, Class, Tlv};
use crate::camel;
use crate::lab::json::{Small, J};
use std::fmt::Write as _;

fn matches(t: &Tlv<'_>, tag: T) -> bool {
    match tag {
        T::C(n) => t.tag.class == Class::Context && t.tag.number == n,
        T::U(n) => t.tag.class == Class::Universal && t.tag.number == n,
    }
}

/// Whether a member of type `k` is encoded constructed (to tell apart members sharing a
/// tag across phases).
fn constructed(k: K) -> Option<bool> {
    match k {
        K::Seq(_) | K::Choice(_) | K::SeqOf(_) | K::Pos(_) => Some(true),
        K::Alt(_) | K::Ber(_) | K::Hex | K::Generic => None,
        _ => Some(false),
    }
}

fn member<'m>(members: &'m [M], t: &Tlv<'_>) -> Option<&'m M> {
    let mut first = None;
    for m in members.iter().filter(|m| matches(t, m.0)) {
        if constructed(m.2).is_none_or(|c| c == t.tag.constructed) {
            return Some(m);
        }
        first.get_or_insert(m);
    }
    first
}

/// Whether entry `m` fits element `t` by its tag: an alternative of a [`K::Alt`] entry
/// (an untagged CHOICE member) does.
fn fits(m: &M, t: &Tlv<'_>) -> bool {
    match m.2 {
        K::Alt(alts) => alts.iter().any(|a| fits(a, t)),
        _ => matches(t, m.0),
    }
}

/// Names the children of one object: by tag, or for a [`K::Pos`] SEQUENCE by position
/// (each child the next entry that fits it; one that none fits is left unnamed).
struct Namer {
    ms: &'static [M],
    positional: bool,
    next: usize,
}

impl Namer {
    fn new(ms: &'static [M], positional: bool) -> Namer {
        Namer {
            ms,
            positional,
            next: 0,
        }
    }

    fn name(&mut self, t: &Tlv<'_>) -> Option<&'static M> {
        if !self.positional {
            return member(self.ms, t);
        }
        let rest = self.ms.get(self.next..)?;
        let i = self.next + rest.iter().position(|m| fits(m, t))?;
        self.next = i + 1;
        Some(&self.ms[i])
    }
}

/// A member's key: its ASN.1 name, or for one the table does not name its tag
/// (`[3]`, `[UNIVERSAL 4]`, ...).
#[derive(Clone, Copy)]
enum Name {
    Known(&'static str),
    Tag(Class, u32),
}

impl Name {
    fn of(t: &Tlv<'_>) -> Name {
        Name::Tag(t.tag.class, t.tag.number)
    }

    /// The key's text (a tag's written into `s`).
    fn text(self, s: &mut Small) -> &str {
        match self {
            Name::Known(n) => n,
            Name::Tag(class, n) => {
                s.clear();
                let _ = match class {
                    Class::Context => write!(s, "[{n}]"),
                    Class::Universal => write!(s, "[UNIVERSAL {n}]"),
                    Class::Application => write!(s, "[APPLICATION {n}]"),
                    Class::Private => write!(s, "[PRIVATE {n}]"),
                };
                s.as_str()
            }
        }
    }

    fn cmp(self, other: Name) -> std::cmp::Ordering {
        match (self, other) {
            (Name::Known(a), Name::Known(b)) => a.cmp(b),
            _ => {
                let (mut x, mut y) = (Small::new(), Small::new());
                self.text(&mut x).cmp(other.text(&mut y))
            }
        }
    }
}

/// One member of an object: the element and its table entry (`None`: not in the table).
#[derive(Clone, Copy)]
struct Item<'a> {
    member: Option<&'static M>,
    tlv: Tlv<'a>,
}

impl Item<'_> {
    fn name(&self) -> Name {
        match self.member {
            Some(m) => Name::Known(m.1),
            None => Name::of(&self.tlv),
        }
    }
}

/// Members the codec found malformed and kept raw.
pub(super) type Bad<'x> = &'x [crate::ber::Malformed<'x>];

/// The note on `t` if it is one of the malformed members (the same element: same place).
fn malformed<'x>(bad: Bad<'x>, t: &Tlv<'_>) -> Option<&'x crate::ber::Malformed<'x>> {
    bad.iter()
        .find(|b| std::ptr::eq(b.raw.as_ptr(), t.raw.as_ptr()) && b.raw.len() == t.raw.len())
}

/// Members of an object held on the stack while they are put in key order (the common
/// case; a longer list spills to the heap).
const INLINE: usize = 24;

/// Write the children of `t` as an object in key order, keeping the last of repeated
/// keys (as the map the lines were once built in did); `ms` names the children (empty:
/// none is named), by tag or by `positional`. Errors: the first one a walk in encoding
/// order meets.
fn object(
    j: &mut J,
    t: &Tlv<'_>,
    ms: &'static [M],
    positional: bool,
    bad: Bad<'_>,
) -> Result<(), BerError> {
    if !j.is_on() {
        // Nothing to write (--summary): only the errors matter.
        return first_error(t, ms, positional, bad);
    }
    let mut namer = Namer::new(ms, positional);
    let mut inline: [Option<Item<'_>>; INLINE] = [None; INLINE];
    let mut heap: Vec<Option<Item<'_>>> = Vec::new();
    let mut n = 0;
    for ch in t.children()? {
        let tlv = ch?;
        let item = Some(Item {
            member: namer.name(&tlv),
            tlv,
        });
        if n < INLINE {
            inline[n] = item;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&inline);
            }
            heap.push(item);
        }
        n += 1;
    }
    let items: &[Option<Item<'_>>] = if heap.is_empty() { &inline[..n] } else { &heap };
    let name_at = |i: usize| items[i].map_or(Name::Known(""), |it| it.name());
    // Sort indices, not items (insertion sort: stable, and the lists are short).
    let mut order_inline = [0usize; INLINE];
    let mut order_heap: Vec<usize> = Vec::new();
    let order: &mut [usize] = if heap.is_empty() {
        &mut order_inline[..n]
    } else {
        order_heap.resize(n, 0);
        &mut order_heap
    };
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    for i in 1..order.len() {
        let mut k = i;
        while k > 0 && name_at(order[k - 1]).cmp(name_at(order[k])).is_gt() {
            order.swap(k - 1, k);
            k -= 1;
        }
    }
    let mut s = Small::new();
    j.open();
    for (pos, &i) in order.iter().enumerate() {
        let Some(it) = items[i] else {
            continue;
        };
        let name = it.name();
        if order
            .get(pos + 1)
            .is_some_and(|&nx| name_at(nx).cmp(name).is_eq())
        {
            continue; // a later member with the same key wins
        }
        j.key(name.text(&mut s));
        if let Some(b) = malformed(bad, &it.tlv) {
            j.open().key("fault").display(&b.fault);
            j.key("raw").hex(b.raw).close();
            continue;
        }
        let r = match it.member {
            Some(m) => value(j, &it.tlv, m.2, bad),
            None => {
                generic(j, &it.tlv);
                Ok(())
            }
        };
        if let Err(e) = r {
            // Report the error a walk in encoding order meets first.
            return Err(first_error(t, ms, positional, bad).err().unwrap_or(e));
        }
    }
    j.close();
    Ok(())
}

/// The first error among the children of `t` (named by `ms`), in encoding order.
fn first_error(
    t: &Tlv<'_>,
    ms: &'static [M],
    positional: bool,
    bad: Bad<'_>,
) -> Result<(), BerError> {
    let mut off = J::off();
    let mut namer = Namer::new(ms, positional);
    for ch in t.children()? {
        let tlv = ch?;
        let m = namer.name(&tlv);
        if malformed(bad, &tlv).is_some() {
            continue;
        }
        if let Some(m) = m {
            value(&mut off, &tlv, m.2, bad)?;
        }
    }
    Ok(())
}

/// An element whose member is not in the table: its structure (hex for a primitive, or
/// for a constructed one whose children do not parse).
fn generic(j: &mut J, t: &Tlv<'_>) {
    if t.tag.constructed {
        let m = j.mark();
        if object(j, t, &[], false, &[]).is_ok() {
            return;
        }
        j.reset(m);
    }
    j.hex(t.value);
}

fn alternative(j: &mut J, t: &Tlv<'_>, alts: &'static [M], bad: Bad<'_>) -> Result<(), BerError> {
    j.open();
    match member(alts, t) {
        Some(m) => value(j.key(m.1), t, m.2, bad)?,
        None => generic(j.key(Name::of(t).text(&mut Small::new())), t),
    }
    j.close();
    Ok(())
}

/// Walk `t` as a `k`. Members found in `bad` (the ones the codec keeps raw, see
/// [`crate::ber::Malformed`]) are shown as `{"fault", "raw"}` where their value would be.
pub(super) fn value(j: &mut J, t: &Tlv<'_>, k: K, bad: Bad<'_>) -> Result<(), BerError> {
    let off = t.value_offset;
    match k {
        K::Int => {
            j.num(t.as_i64()?);
        }
        K::Enum(names) => {
            let n = t.as_i64()?;
            match names.iter().find(|(v, _)| *v == n) {
                Some((_, s)) => j.str(s),
                None => j.num(n),
            };
        }
        K::EventType => {
            let n = t.as_i64()?;
            match u8::try_from(n)
                .ok()
                .and_then(|n| camel::EventTypeBcsm(n).name())
            {
                Some(s) => j.str(s),
                None => j.num(n),
            };
        }
        K::Isup => isup(j, &camel::IsupNumber::decode(t.value, off)?, None),
        K::Generic => {
            let g = camel::GenericNumber::decode(t.value, off)?;
            isup(j, &g.number, Some(g.qualifier));
        }
        K::Addr => addr(j, &camel::AddressString::decode(t.value, off)?),
        K::Tbcd => {
            j.str(camel::numbers::TbcdDigits::decode(t.value, off)?.as_str());
        }
        K::Cause => {
            let c = camel::Cause::decode(t.value, off)?;
            j.open().key("codingStandard").num(c.coding_standard);
            j.key("location").num(c.location);
            j.key("value").num(c.value).close();
        }
        K::CellId => {
            let c = camel::CellIdOrLai::decode(t.value, off)?;
            let p = c.plmn();
            j.open();
            if let camel::CellIdOrLai::CellId { ci, .. } = c {
                j.key("cellId").num(ci);
            }
            j.key("lac").num(c.lac());
            j.key("mcc").display(format_args!("{:03}", p.mcc));
            if p.mnc_3_digits {
                j.key("mnc").display(format_args!("{:03}", p.mnc));
            } else {
                j.key("mnc").display(format_args!("{:02}", p.mnc));
            }
            j.close();
        }
        K::Null => {
            t.as_null()?;
            j.bool(true);
        }
        K::Bool if !t.tag.constructed => {
            j.bool(t.as_bool()?);
        }
        K::Hex => {
            j.hex(t.value);
        }
        K::Bits(names) => {
            let bits = camel::numbers::bit_string_bits(t.value).unwrap_or(0);
            j.open_array();
            for (i, n) in names.iter().enumerate() {
                if bits & (1 << i) != 0 {
                    j.str(n);
                }
            }
            j.close_array();
        }
        K::Seq(ms) if t.tag.constructed => object(j, t, ms, false, bad)?,
        K::Pos(ms) if t.tag.constructed => object(j, t, ms, true, bad)?,
        K::Geo => geo(j, t),
        K::Choice(alts) if t.tag.constructed => {
            let mut r = t.children()?;
            match r.next_tlv()? {
                Some(a) => alternative(j, &a, alts, bad)?,
                None => {
                    j.open().close();
                }
            }
        }
        K::Alt(alts) => alternative(j, t, alts, bad)?,
        K::SeqOf(inner) if t.tag.constructed => {
            j.open_array();
            for ch in t.children()? {
                value(j, &ch?, *inner, bad)?;
            }
            j.close_array();
        }
        K::Ber(inner) => {
            let in_ = crate::ber::Tlv::parse_single(t.value).map_err(|mut e| {
                e.offset += off;
                e
            })?;
            value(j, &in_, *inner, bad)?
        }
        // A primitive/constructed mismatch (another phase's type): show the structure.
        _ => generic(j, t),
    }
    Ok(())
}

/// GeographicalInformation (TS 23.032 §7.3.2) in degrees (north and east positive) and
/// metres, with the uncertainty code K; a value that is not an 8-octet ellipsoid point with
/// uncertainty circle is shown raw with its fault (MAP keeps the member opaque, so it is no
/// error of the argument).
fn geo(j: &mut J, t: &Tlv<'_>) {
    match crate::map::GeographicalInformation::decode(t.value, t.value_offset) {
        Ok(g) => {
            j.open();
            float(j.key("latitude"), g.latitude());
            float(j.key("longitude"), g.longitude());
            j.key("uncertaintyCode").num(g.uncertainty_code);
            float(j.key("uncertaintyRadius"), g.uncertainty_m());
            j.close();
        }
        Err(e) => {
            j.open().key("fault").display(&e);
            j.key("raw").hex(t.raw).close();
        }
    }
}

/// A finite number as a JSON number (Rust's shortest form that reads back the same).
fn float(j: &mut J, v: f64) {
    let mut s = Small::new();
    if v.is_finite() && write!(s, "{v}").is_ok() {
        j.raw(s.as_str().as_bytes());
    } else {
        j.null();
    }
}
