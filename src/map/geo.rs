//! GeographicalInformation (TS 29.002 §17.7.1, 8 octets): a TS 23.032 §7.3.2 "ellipsoid
//! point with uncertainty circle", the only shape TS 29.002 allows there.
//!
//! Octet 1: type of shape (bits 8–5, 0001), spare. Octets 2–4: sign of latitude (bit 8,
//! 1 = south) and the 23-bit latitude code N, N ≤ 2^23·X/90 < N+1 (§6.1). Octets 5–7: the
//! longitude code, 24-bit two's complement, N ≤ 2^24·X/360 < N+1. Octet 8: spare bit and
//! the 7-bit uncertainty code K, radius r = 10·(1.1^K − 1) metres (§6.2).
//!
//! The codes are kept as received, so a value re-encodes exactly; degrees and metres are
//! derived from them. Decoding gives the lower corner of the code's cell, 2^23·X/90 = N
//! read back (as Wireshark does); encoding computes N with the standard's floor, and the
//! two are inverse: degrees read from a code encode to that code.

use crate::ber::{invalid, Result};

/// Type of shape "ellipsoid point with uncertainty circle" (TS 23.032 §7.2).
pub const SHAPE_POINT_WITH_UNCERTAINTY_CIRCLE: u8 = 1;

/// 2^23, the latitude and half the longitude scale.
const TWO_23: f64 = 8_388_608.0;

/// A TS 23.032 §7.3.2 ellipsoid point with uncertainty circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GeographicalInformation {
    /// Sign of latitude: south of the equator.
    pub south: bool,
    /// Latitude code N (23 bits).
    pub latitude_code: u32,
    /// Longitude code (24-bit two's complement, −2^23 ..= 2^23 − 1).
    pub longitude_code: i32,
    /// Uncertainty code K (7 bits).
    pub uncertainty_code: u8,
}

impl GeographicalInformation {
    /// Decode the 8 octets; `offset` is their absolute offset (for errors). Another shape
    /// or length is an error; the spare bits are ignored.
    pub fn decode(v: &[u8], offset: usize) -> Result<GeographicalInformation> {
        let [shape, la1, la2, la3, lo1, lo2, lo3, k] = *v else {
            return Err(invalid("GeographicalInformation length (8 octets)", offset));
        };
        if shape >> 4 != SHAPE_POINT_WITH_UNCERTAINTY_CIRCLE {
            return Err(invalid(
                "GeographicalInformation shape (ellipsoid point with uncertainty circle)",
                offset,
            ));
        }
        let lat = u32::from_be_bytes([0, la1, la2, la3]);
        Ok(GeographicalInformation {
            south: lat & 0x80_0000 != 0,
            latitude_code: lat & 0x7f_ffff,
            // Sign-extend the 24-bit value.
            longitude_code: i32::from_be_bytes([lo1, lo2, lo3, 0]) >> 8,
            uncertainty_code: k & 0x7f,
        })
    }

    /// The 8 octets (spare bits 0).
    pub fn encode(&self) -> [u8; 8] {
        let lat = (self.latitude_code & 0x7f_ffff) | if self.south { 0x80_0000 } else { 0 };
        let [_, la1, la2, la3] = lat.to_be_bytes();
        let [_, lo1, lo2, lo3] = (self.longitude_code as u32 & 0xff_ffff).to_be_bytes();
        [
            SHAPE_POINT_WITH_UNCERTAINTY_CIRCLE << 4,
            la1,
            la2,
            la3,
            lo1,
            lo2,
            lo3,
            self.uncertainty_code & 0x7f,
        ]
    }

    /// The point at `latitude`, `longitude` (degrees; north and east positive) with an
    /// uncertainty of at least `radius_m` metres: the smallest code whose radius covers
    /// it (the largest, 1 800 km, if none does). Latitudes beyond ±90° are clamped,
    /// longitudes taken modulo 360°; NaN counts as 0.
    pub fn from_degrees(latitude: f64, longitude: f64, radius_m: f64) -> GeographicalInformation {
        let lat = if latitude.is_nan() {
            0.0
        } else {
            latitude.clamp(-90.0, 90.0)
        };
        let n = (lat.abs() * TWO_23 / 90.0).floor() as u32;
        let lon = if longitude.is_nan() {
            0.0
        } else if (-180.0..180.0).contains(&longitude) {
            // Untouched, so that degrees read from a code encode to it exactly.
            longitude
        } else {
            (longitude + 180.0).rem_euclid(360.0) - 180.0
        };
        let radius = if radius_m.is_nan() { 0.0 } else { radius_m };
        let m = (lon * (2.0 * TWO_23) / 360.0).floor() as i64;
        GeographicalInformation {
            south: lat < 0.0,
            latitude_code: n.min(0x7f_ffff),
            longitude_code: m.clamp(-0x80_0000, 0x7f_ffff) as i32,
            uncertainty_code: (0..=127u8)
                .find(|&k| uncertainty_radius(k) >= radius)
                .unwrap_or(127),
        }
    }

    /// Latitude in degrees, north positive.
    pub fn latitude(&self) -> f64 {
        let x = f64::from(self.latitude_code) * 90.0 / TWO_23;
        if self.south {
            -x
        } else {
            x
        }
    }

    /// Longitude in degrees, east positive.
    pub fn longitude(&self) -> f64 {
        f64::from(self.longitude_code) * 360.0 / (2.0 * TWO_23)
    }

    /// Radius of the uncertainty circle in metres.
    pub fn uncertainty_m(&self) -> f64 {
        uncertainty_radius(self.uncertainty_code)
    }
}

/// r = C·((1 + x)^K − 1) with C = 10 and x = 0.1 (TS 23.032 §6.2).
fn uncertainty_radius(k: u8) -> f64 {
    10.0 * (1.1f64.powi(i32::from(k)) - 1.0)
}
