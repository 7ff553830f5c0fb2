//! Text forms for logs, the lab decoder and tests: dotted OBJECT IDENTIFIERs (X.690 §8.19)
//! and hex.

/// Dotted text of an encoded OBJECT IDENTIFIER value (X.690 §8.19), for logs and the lab
/// decoder. `None` when the encoding is invalid.
pub fn oid_to_string(value: &[u8]) -> Option<String> {
    use std::fmt::Write;
    if value.is_empty() || value[value.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut out = String::new();
    let mut arc: u64 = 0;
    let mut first = true;
    for &b in value {
        if arc > (u64::MAX >> 7) {
            return None;
        }
        arc = (arc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let (a, b) = match arc {
                    0..=39 => (0, arc),
                    40..=79 => (1, arc - 40),
                    _ => (2, arc - 80),
                };
                let _ = write!(out, "{a}.{b}");
                first = false;
            } else {
                let _ = write!(out, ".{arc}");
            }
            arc = 0;
        }
    }
    Some(out)
}

/// Hex text of a byte string (lab output, logs).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parse hex text (whitespace ignored). Used by the lab decoder and tests.
pub fn from_hex(text: &str) -> std::result::Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    digits
        .chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).map_err(|_| "non-ASCII".to_string())?;
            u8::from_str_radix(s, 16).map_err(|_| format!("not hex: {s:?}"))
        })
        .collect()
}
