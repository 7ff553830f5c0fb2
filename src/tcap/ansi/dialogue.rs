//! The ANSI TCAP dialogue portion (T1.114.3 `DialoguePortion`, F9): protocol version,
//! application and security context, user information and confidentiality, decoded and
//! encoded.

use super::{tags, AnsiError};
use crate::ber::{BerError, BerErrorKind, Tag, Tlv, Writer};

/// Application context of the dialogue portion (T1.114.3 `DialoguePortion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationContext<'a> {
    /// `IntegerApplicationContext` (DB).
    Integer(i64),
    /// `ObjectIDApplicationContext` (DC): the encoded OID contents.
    Oid(&'a [u8]),
}

/// Security context of the dialogue portion: `[0]` INTEGER or `[1]` OBJECT IDENTIFIER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityContext<'a> {
    Integer(i64),
    Oid(&'a [u8]),
}

/// Protocol-version bits (T1.114.3 `ProtocolVersion`, one octet, combinable).
pub mod version {
    pub const T1_114_1996: u8 = 0x01;
    pub const T1_114_2000: u8 = 0x02;
    /// What scpd sends: both.
    pub const SUPPORTED: u8 = T1_114_1996 | T1_114_2000;
}

/// The dialogue portion (F9), used both as decode output and encode input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DialoguePortion<'a> {
    /// Protocol version octet (DA).
    pub version: Option<u8>,
    pub application_context: Option<ApplicationContext<'a>>,
    /// Contents of User Information (FD): the encoded EXTERNALs, as received.
    pub user_information: Option<&'a [u8]>,
    pub security_context: Option<SecurityContext<'a>>,
    /// Contents of Confidentiality (A2), as received (opaque to TCAP).
    pub confidentiality: Option<&'a [u8]>,
}

pub(super) fn decode_dialogue(portion: Tlv<'_>) -> Result<DialoguePortion<'_>, AnsiError> {
    let bad = AnsiError::BadlyStructuredDialoguePortion;
    let mut d = DialoguePortion::default();
    let mut r = portion.children().map_err(bad)?;
    let dup = |t: &Tlv<'_>| {
        bad(BerError::new(
            BerErrorKind::Invalid("duplicate dialogue portion member"),
            t.offset,
        ))
    };
    while let Some(t) = r.next_tlv().map_err(bad)? {
        match t.tag {
            x if x == tags::PROTOCOL_VERSION => {
                if d.version.is_some() {
                    return Err(dup(&t));
                }
                let [v] = t.value else {
                    return Err(bad(BerError::new(
                        BerErrorKind::Invalid("protocol version size"),
                        t.value_offset,
                    )));
                };
                if v & version::SUPPORTED == 0 {
                    return Err(AnsiError::UnsupportedProtocolVersion {
                        version: *v,
                        offset: t.value_offset,
                    });
                }
                d.version = Some(*v);
            }
            x if x == tags::INTEGER_APPLICATION_CONTEXT || x == tags::OID_APPLICATION_CONTEXT => {
                if d.application_context.is_some() {
                    return Err(dup(&t));
                }
                d.application_context = Some(if x == tags::OID_APPLICATION_CONTEXT {
                    ApplicationContext::Oid(oid(t).map_err(bad)?)
                } else {
                    ApplicationContext::Integer(t.as_i64().map_err(bad)?)
                });
            }
            x if x == tags::USER_INFORMATION => {
                if d.user_information.is_some() {
                    return Err(dup(&t));
                }
                for e in t.children().map_err(bad)? {
                    e.and_then(|e| e.expect(Tag::EXTERNAL)).map_err(bad)?;
                }
                d.user_information = Some(t.value);
            }
            x if x == tags::INTEGER_SECURITY_ID || x == tags::OID_SECURITY_ID => {
                if d.security_context.is_some() {
                    return Err(dup(&t));
                }
                d.security_context = Some(if x == tags::OID_SECURITY_ID {
                    SecurityContext::Oid(oid(t).map_err(bad)?)
                } else {
                    SecurityContext::Integer(t.as_i64().map_err(bad)?)
                });
            }
            x if x == tags::CONFIDENTIALITY => {
                if d.confidentiality.is_some() {
                    return Err(dup(&t));
                }
                t.children()
                    .map_err(bad)?
                    .try_for_each(|e| e.map(drop))
                    .map_err(bad)?;
                d.confidentiality = Some(t.value);
            }
            // Members a later T1.114 may add are skipped (DESIGN.md: tolerate extensions).
            _ => {}
        }
    }
    Ok(d)
}

fn oid(t: Tlv<'_>) -> Result<&[u8], BerError> {
    if t.value.is_empty() || t.value[t.value.len() - 1] & 0x80 != 0 {
        Err(BerError::new(
            BerErrorKind::Invalid("OBJECT IDENTIFIER"),
            t.value_offset,
        ))
    } else {
        Ok(t.value)
    }
}

pub(super) fn encode_dialogue(w: &mut Writer<'_>, d: &DialoguePortion<'_>) {
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        if let Some(v) = d.version {
            w.primitive(tags::PROTOCOL_VERSION, &[v]);
        }
        match d.application_context {
            Some(ApplicationContext::Integer(v)) => w.integer(tags::INTEGER_APPLICATION_CONTEXT, v),
            Some(ApplicationContext::Oid(o)) => w.primitive(tags::OID_APPLICATION_CONTEXT, o),
            None => {}
        }
        if let Some(u) = d.user_information {
            w.constructed(tags::USER_INFORMATION, |w| w.raw(u));
        }
        match d.security_context {
            Some(SecurityContext::Integer(v)) => w.integer(tags::INTEGER_SECURITY_ID, v),
            Some(SecurityContext::Oid(o)) => w.primitive(tags::OID_SECURITY_ID, o),
            None => {}
        }
        if let Some(c) = d.confidentiality {
            w.constructed(tags::CONFIDENTIALITY, |w| w.raw(c));
        }
    });
}
