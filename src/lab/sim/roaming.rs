//! The roaming numbers of the simulated network: the MSRNs the visited MSC's VLR hands out
//! for calls to its mobiles (TS 23.018 §7.2). The simulated HLR (`--role hlr`) gives them
//! in its SendRoutingInformation results; the simulated MSC takes a call to one of them as
//! a leg to a roaming mobile and delivers it without querying the SCP: a call routed on an
//! MSRN meets no T-CSI (TS 23.078 §4.5.1), which is why a transfer leg by MSRN triggers
//! nothing.

/// A range of equal-length numbers counting up from the first, `count` of them, wrapping
/// at the numbers' width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoamingNumbers {
    base: u64,
    width: usize,
    modulus: u64,
    count: u32,
}

impl RoamingNumbers {
    /// `first`: 1 to 15 digits; `count` at least 1.
    pub fn new(first: &str, count: u32) -> Result<RoamingNumbers, String> {
        if first.is_empty() || first.len() > 15 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("MSRN {first:?}: 1 to 15 digits"));
        }
        if count == 0 {
            return Err("the MSRN range needs at least one number".into());
        }
        let width = first.len();
        Ok(RoamingNumbers {
            base: first.parse().unwrap_or(0),
            width,
            modulus: 10u64.pow(width as u32),
            count,
        })
    }

    /// How many numbers the range has (at least one).
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The `k`th number (counted round the range).
    pub fn nth(&self, k: u32) -> String {
        let n = (self.base + u64::from(k % self.count)) % self.modulus;
        format!("{n:0width$}", width = self.width)
    }

    /// Whether `number` is one of the range.
    pub fn contains(&self, number: &str) -> bool {
        number.len() == self.width
            && number.bytes().all(|b| b.is_ascii_digit())
            && number.parse::<u64>().is_ok_and(|n| {
                (n + self.modulus - self.base % self.modulus) % self.modulus < u64::from(self.count)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_counts_up_keeps_its_width_and_wraps() {
        let r = RoamingNumbers::new("491739990000", 1000).unwrap();
        assert_eq!(r.nth(0), "491739990000");
        assert_eq!(r.nth(999), "491739990999");
        assert_eq!(r.nth(1000), "491739990000");
        assert!(r.contains("491739990999") && !r.contains("491739991000"));
        assert!(!r.contains("49173999000") && !r.contains("4917399900x0"));
        let w = RoamingNumbers::new("998", 3).unwrap();
        assert_eq!([w.nth(0), w.nth(1), w.nth(2)], ["998", "999", "000"]);
        assert!(w.contains("000") && !w.contains("001") && !w.contains("997"));
        assert!(RoamingNumbers::new("", 1).is_err());
        assert!(RoamingNumbers::new("12", 0).is_err());
    }
}
