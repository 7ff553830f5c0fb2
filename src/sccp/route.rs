//! SCCP routing of a called party address (Q.714 §2.2): route on SSN, or global title
//! translation through a local table of [`GtRule`]s (longest digit prefix wins, then the
//! earlier rule).
//!
//! Configuration shape (`[sccp]` in config/scpd.toml, proposed):
//!
//! ```toml
//! [[sccp.gt_rules]]          # E.164 international 4917…: our CAMEL subsystem
//! tt = 0
//! np = 1
//! nai = 4
//! prefix = "4917"
//! route = "local"
//! ssn = 146
//!
//! [[sccp.gt_rules]]          # any other 49…: to the HLR at PC 200, route on SSN
//! prefix = "49"
//! route = "remote"
//! pc = 200
//! ssn = 6
//!
//! [[sccp.gt_rules]]          # everything else: to the STP at PC 300 for translation there
//! prefix = ""
//! route = "retranslate"
//! pc = 300
//! new_tt = 10
//! ```

use serde::{Deserialize, Deserializer};

use super::{cause, Address, AddressBuf, Layout, SccpError, Variant};
use crate::digits::{Digits, Isup};

/// What a matching rule does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum GtAction {
    /// Deliver to our own subsystem `ssn` (or the SSN the address carries).
    Local { ssn: Option<u8> },
    /// Route on PC + SSN to `pc`; `ssn` replaces the address's SSN when given. The GT is
    /// kept in the address.
    Remote { pc: u32, ssn: Option<u8> },
    /// Keep routing on GT, with translation type `new_tt`, through the node at `pc`.
    Retranslate { pc: u32, new_tt: u8 },
}

/// One row of the GT translation table. `tt`, `np`, `nai` absent = any.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GtRule {
    pub tt: Option<u8>,
    pub np: Option<u8>,
    pub nai: Option<u8>,
    /// Leading digits to match; empty matches every GT of that nature.
    #[serde(default, deserialize_with = "digits")]
    pub prefix: Digits<Isup>,
    #[serde(flatten)]
    pub action: GtAction,
}

fn digits<'de, D: Deserializer<'de>>(d: D) -> Result<Digits<Isup>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// To our own subsystem.
    Local(u8),
    /// To point code `pc` with this called party address.
    Remote { pc: u32, called: AddressBuf },
    /// Nowhere: return with this cause (Q.713 §3.12).
    NoTranslation(u8),
}

/// The local routing table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GtTable {
    pub variant: Variant,
    /// Our own point code: route-on-SSN addresses naming it (or none) are local.
    pub local_pc: Option<u32>,
    #[serde(default)]
    pub gt_rules: Vec<GtRule>,
}

impl GtTable {
    pub fn new(variant: Variant, local_pc: Option<u32>, gt_rules: Vec<GtRule>) -> GtTable {
        GtTable {
            variant,
            local_pc,
            gt_rules,
        }
    }

    /// Route `called` (decoded in this table's variant).
    pub fn route(&self, called: &Address<'_>) -> Result<Route, SccpError> {
        if called.route_on_ssn {
            let Some(ssn) = called.ssn.filter(|&s| s != 0) else {
                return Ok(Route::NoTranslation(cause::UNQUALIFIED));
            };
            return Ok(match called.pc {
                Some(pc) if Some(pc) != self.local_pc => Route::Remote {
                    pc,
                    called: AddressBuf::new(self.variant, called)?,
                },
                _ => Route::Local(ssn),
            });
        }
        let Some(gt) = called.gt else {
            return Ok(Route::NoTranslation(cause::NO_TRANSLATION_NATURE));
        };
        let f = Layout::of(self.variant, called.national).gt_fields(gt.gti);
        let (has_tt, has_np, has_nai) = f.map_or((false, false, false), |f| (f.tt, f.np_es, f.nai));
        let fits = |want: Option<u8>, has: bool, v: u8| want.is_none_or(|w| has && w == v);
        let digits = gt.digits();
        let mut nature = false;
        let mut best: Option<&GtRule> = None;
        for r in &self.gt_rules {
            if !(fits(r.tt, has_tt, gt.tt)
                && fits(r.np, has_np, gt.np)
                && fits(r.nai, has_nai, gt.nai))
            {
                continue;
            }
            nature = true;
            if digits.as_str().starts_with(r.prefix.as_str())
                && best.is_none_or(|b| r.prefix.len() > b.prefix.len())
            {
                best = Some(r);
            }
        }
        let Some(rule) = best else {
            return Ok(Route::NoTranslation(if nature {
                cause::NO_TRANSLATION_ADDRESS
            } else {
                cause::NO_TRANSLATION_NATURE
            }));
        };
        Ok(match rule.action {
            GtAction::Local { ssn } => match ssn.or(called.ssn).filter(|&s| s != 0) {
                Some(s) => Route::Local(s),
                None => Route::NoTranslation(cause::UNQUALIFIED),
            },
            GtAction::Remote { pc, ssn } => {
                let a = Address {
                    route_on_ssn: true,
                    pc: Some(pc),
                    ssn: ssn.or(called.ssn),
                    ..*called
                };
                Route::Remote {
                    pc,
                    called: AddressBuf::new(self.variant, &a)?,
                }
            }
            GtAction::Retranslate { pc, new_tt } => {
                let mut g = gt;
                g.tt = new_tt;
                // A GT without a TT field gets the form that has one.
                if !has_tt {
                    g.gti = if Layout::of(self.variant, called.national) == Layout::Ansi {
                        2
                    } else {
                        4
                    };
                    g.es = if g.odd { 1 } else { 2 };
                }
                let a = Address {
                    gt: Some(g),
                    ..*called
                };
                Route::Remote {
                    pc,
                    called: AddressBuf::new(self.variant, &a)?,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sccp::GlobalTitle;

    fn table() -> GtTable {
        let toml = r#"
            variant = "itu"
            local_pc = 100

            [[gt_rules]]
            tt = 0
            np = 1
            nai = 4
            prefix = "4917"
            route = "local"
            ssn = 146

            [[gt_rules]]
            np = 1
            prefix = "49"
            route = "remote"
            pc = 200
            ssn = 6

            [[gt_rules]]
            np = 1
            prefix = "491799"
            route = "retranslate"
            pc = 300
            new_tt = 10

            [[gt_rules]]
            np = 7
            prefix = ""
            route = "local"
        "#;
        toml::from_str(toml).unwrap()
    }

    fn gt_addr<'a>(gti: u8, np: u8, nai: u8, bcd: &'a [u8], odd: bool) -> Address<'a> {
        Address {
            route_on_ssn: false,
            pc: None,
            ssn: Some(146),
            gt: Some(GlobalTitle::new(gti, 0, np, nai, bcd, odd)),
            national: false,
        }
    }

    fn bcd(d: &str) -> (Vec<u8>, bool) {
        let mut v = Vec::new();
        let odd = GlobalTitle::pack(&d.parse().unwrap(), &mut v);
        (v, odd)
    }

    #[test]
    fn longest_prefix_wins() {
        let t = table();
        let (b, o) = bcd("491701234");
        assert_eq!(
            t.route(&gt_addr(4, 1, 4, &b, o)).unwrap(),
            Route::Local(146)
        );
        // NAI 3 (national) does not match the first rule; the second (any NAI) does.
        let r = t.route(&gt_addr(4, 1, 3, &b, o)).unwrap();
        let Route::Remote { pc: 200, called } = r else {
            panic!("{r:?}")
        };
        let a = called.address();
        assert!(a.route_on_ssn);
        assert_eq!((a.pc, a.ssn), (Some(200), Some(6)));
        assert_eq!(a.gt.unwrap().digits().as_str(), "491701234");
        // 491799… is longer than 4917…: retranslate with TT 10 at the STP.
        let (b, o) = bcd("4917991");
        let r = t.route(&gt_addr(4, 1, 4, &b, o)).unwrap();
        let Route::Remote { pc: 300, called } = r else {
            panic!("{r:?}")
        };
        let a = called.address();
        assert!(!a.route_on_ssn);
        assert_eq!(a.gt.unwrap().tt, 10);
        assert_eq!(a.gt.unwrap().digits().as_str(), "4917991");
        // E.214 anything: local, SSN from the address.
        let (b, o) = bcd("26201");
        assert_eq!(
            t.route(&gt_addr(3, 7, 0, &b, o)).unwrap(),
            Route::Local(146)
        );
    }

    #[test]
    fn no_translation_causes() {
        let t = table();
        let (b, o) = bcd("3312");
        assert_eq!(
            t.route(&gt_addr(4, 1, 4, &b, o)).unwrap(),
            Route::NoTranslation(cause::NO_TRANSLATION_ADDRESS)
        );
        // GTI 1 has no numbering plan: no rule of that nature.
        assert_eq!(
            t.route(&gt_addr(1, 0, 4, &b, o)).unwrap(),
            Route::NoTranslation(cause::NO_TRANSLATION_NATURE)
        );
        let mut no_gt = gt_addr(4, 1, 4, &b, o);
        no_gt.gt = None;
        assert_eq!(
            t.route(&no_gt).unwrap(),
            Route::NoTranslation(cause::NO_TRANSLATION_NATURE)
        );
    }

    #[test]
    fn route_on_ssn() {
        let t = table();
        assert_eq!(
            t.route(&Address::ssn_pc(100, 146)).unwrap(),
            Route::Local(146)
        );
        let mut no_pc = Address::ssn_pc(0, 8);
        no_pc.pc = None;
        assert_eq!(t.route(&no_pc).unwrap(), Route::Local(8));
        let r = t.route(&Address::ssn_pc(222, 6)).unwrap();
        assert!(matches!(r, Route::Remote { pc: 222, .. }), "{r:?}");
        assert_eq!(
            t.route(&Address::ssn_pc(100, 0)).unwrap(),
            Route::NoTranslation(cause::UNQUALIFIED)
        );
    }

    #[test]
    fn ansi_gti_2_retranslates() {
        let t = GtTable::new(
            Variant::Ansi,
            Some(0x010203),
            vec![GtRule {
                tt: Some(8),
                np: None,
                nai: None,
                prefix: "800".parse().unwrap(),
                action: GtAction::Retranslate {
                    pc: 0x050505,
                    new_tt: 9,
                },
            }],
        );
        let (b, _) = bcd("8005551212");
        let a = Address {
            route_on_ssn: false,
            pc: None,
            ssn: Some(0),
            gt: Some(GlobalTitle::new(2, 8, 0, 0, &b, false)),
            national: true,
        };
        let Route::Remote { pc, called } = t.route(&a).unwrap() else {
            panic!()
        };
        assert_eq!(pc, 0x050505);
        let g = called.address().gt.unwrap();
        assert_eq!((g.gti, g.tt, g.digits().as_str()), (2, 9, "8005551212"));
    }
}
