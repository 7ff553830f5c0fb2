//! CAP BearerCapability's bearerCap (TS 29.078 CAP-datatypes): the ISUP User Service
//! Information (Q.763 §3.57, the Q.931 §4.5.5 bearer capability).

use super::invalid;
use crate::ber::Result;

/// CAP BearerCapability's bearerCap: the ISUP User Service Information (Q.763 §3.57, i.e.
/// the Q.931 §4.5.5 bearer capability from octet 3), TS 29.078 CAP-datatypes note.
///
/// Octet 3: ext, coding standard (bits 7–6), information transfer capability (bits 5–1);
/// octet 4: ext, transfer mode (bits 7–6), information transfer rate (bits 5–1); optional
/// octet 5: layer 1 identification (bits 7–6 = 01), user information layer 1 protocol
/// (bits 5–1). Later octets are kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BearerCapability<'a> {
    /// 0 ITU-T, 1 ISO/IEC, 2 national, 3 network specific.
    pub coding_standard: u8,
    /// 0 speech, 8 unrestricted digital, 9 restricted digital, 16 3.1 kHz audio,
    /// 17 unrestricted digital with tones/announcements, 24 video.
    pub information_transfer_capability: u8,
    /// 0 circuit mode, 2 packet mode.
    pub transfer_mode: u8,
    /// 16 64 kbit/s, 17 2×64, 19 384 kbit/s, 21 1536, 23 1920, 24 multirate; 0 (packet).
    pub transfer_rate: u8,
    /// Octet 5's user information layer 1 protocol (2 G.711 µ-law, 3 G.711 A-law, ...).
    pub layer1_protocol: Option<u8>,
    /// The whole value as received (octets 3 onwards), for relaying.
    pub raw: &'a [u8],
}

/// Information transfer capability values (Q.931 §4.5.5).
pub mod transfer_capability {
    pub const SPEECH: u8 = 0;
    pub const UNRESTRICTED_DIGITAL: u8 = 8;
    pub const RESTRICTED_DIGITAL: u8 = 9;
    pub const AUDIO_3_1_KHZ: u8 = 16;
    pub const UNRESTRICTED_DIGITAL_WITH_TONES: u8 = 17;
    pub const VIDEO: u8 = 24;
}

impl<'a> BearerCapability<'a> {
    /// Decode the bearerCap OCTET STRING's contents.
    pub fn decode(value: &'a [u8], offset: usize) -> Result<BearerCapability<'a>> {
        let [o3, o4, rest @ ..] = value else {
            return Err(invalid("bearer capability shorter than 2 octets", offset));
        };
        let layer1_protocol = match rest.first() {
            Some(o5) if (o5 >> 5) & 0x03 == 0x01 => Some(o5 & 0x1f),
            _ => None,
        };
        Ok(BearerCapability {
            coding_standard: (o3 >> 5) & 0x03,
            information_transfer_capability: o3 & 0x1f,
            transfer_mode: (o4 >> 5) & 0x03,
            transfer_rate: o4 & 0x1f,
            layer1_protocol,
            raw: value,
        })
    }

    /// Decode from the contents of InitialDP's bearerCapability CHOICE (`[0] bearerCap`).
    pub fn decode_choice(choice: &'a [u8]) -> Result<BearerCapability<'a>> {
        let t = crate::ber::Tlv::parse_single(choice)?;
        if t.tag != crate::ber::Tag::ctx(0) {
            return Err(invalid("bearerCapability alternative", t.offset));
        }
        BearerCapability::decode(t.value, t.value_offset)
    }

    /// Encode octets 3–4 (and 5 when a layer 1 protocol is set), all with ext = 1.
    pub fn encode_fields(&self, out: &mut Vec<u8>) {
        out.push(
            0x80 | ((self.coding_standard & 0x03) << 5)
                | (self.information_transfer_capability & 0x1f),
        );
        out.push(0x80 | ((self.transfer_mode & 0x03) << 5) | (self.transfer_rate & 0x1f));
        if let Some(l) = self.layer1_protocol {
            out.push(0x80 | 0x20 | (l & 0x1f));
        }
    }
}
