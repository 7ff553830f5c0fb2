//! SCCP management (Q.713 §5.3, Q.714 §5.3; T1.112.3 §5 for ANSI): the SCMG messages SSA,
//! SSP, SST, SOR, SOG and SSC carried in UDT between SSN 1 and SSN 1, and [`Scmg`], a sans-IO
//! subsystem-status core that answers SST for subsystems that are up and broadcasts SSA/SSP
//! when a local subsystem changes state.
//!
//! Body layout: format identifier, affected SSN, affected PC (ITU 2 octets LE, 14 bits;
//! ANSI and Chinese 3 octets), subsystem multiplicity indicator (bits 2-1), and for SSC the
//! congestion level (bits 4-1).

use std::collections::BTreeMap;

use super::{Address, Layout, SccpError, Unitdata, Variant};

/// SCMG format identifiers (Q.713 §5.1, Table 23; T1.112.3 adds SBR/SNR/SRT).
pub mod scmg_type {
    pub const SSA: u8 = 0x01;
    pub const SSP: u8 = 0x02;
    pub const SST: u8 = 0x03;
    pub const SOR: u8 = 0x04;
    pub const SOG: u8 = 0x05;
    pub const SSC: u8 = 0x06;
    /// ANSI subsystem-backup-routing.
    pub const SBR: u8 = 0xfd;
    /// ANSI subsystem-normal-routing.
    pub const SNR: u8 = 0xfe;
    /// ANSI subsystem-routing-status-test.
    pub const SRT: u8 = 0xff;
}

/// The SSN of SCCP management.
pub const SSN_SCMG: u8 = 1;

/// One SCMG message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScmgMessage {
    /// Format identifier ([`scmg_type`]).
    pub format: u8,
    pub affected_ssn: u8,
    pub affected_pc: u32,
    /// Subsystem multiplicity indicator (0-3).
    pub multiplicity: u8,
    /// SSC only: congestion level 1-8 (Q.713 §5.2.5).
    pub congestion_level: Option<u8>,
}

impl ScmgMessage {
    pub fn new(format: u8, affected_ssn: u8, affected_pc: u32) -> Self {
        ScmgMessage {
            format,
            affected_ssn,
            affected_pc,
            multiplicity: 0,
            congestion_level: None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self.format {
            scmg_type::SSA => "SSA",
            scmg_type::SSP => "SSP",
            scmg_type::SST => "SST",
            scmg_type::SOR => "SOR",
            scmg_type::SOG => "SOG",
            scmg_type::SSC => "SSC",
            scmg_type::SBR => "SBR",
            scmg_type::SNR => "SNR",
            scmg_type::SRT => "SRT",
            _ => "unknown",
        }
    }

    fn layout(variant: Variant) -> Layout {
        Layout::of(variant, true)
    }

    /// Decode an SCMG body (the data of a UDT/XUDT/LUDT to SSN 1).
    pub fn decode(b: &[u8], variant: Variant) -> Result<ScmgMessage, SccpError> {
        let layout = Self::layout(variant);
        let format = *b.first().ok_or(SccpError::Truncated(0))?;
        let known = match format {
            scmg_type::SSA..=scmg_type::SSC => true,
            scmg_type::SBR..=scmg_type::SRT => variant == Variant::Ansi,
            _ => false,
        };
        if !known {
            return Err(SccpError::BadParameter {
                offset: 0,
                reason: "unknown SCMG format identifier",
            });
        }
        let n = layout.pc_len();
        let need = 3 + n + usize::from(format == scmg_type::SSC);
        if b.len() < need {
            return Err(SccpError::Truncated(b.len()));
        }
        let pc = u32::from_le_bytes([b[2], b[3], if n == 3 { b[4] } else { 0 }, 0]);
        Ok(ScmgMessage {
            format,
            affected_ssn: b[1],
            affected_pc: pc & layout.pc_mask(),
            multiplicity: b[2 + n] & 0x03,
            congestion_level: (format == scmg_type::SSC).then(|| b[3 + n] & 0x0f),
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>, variant: Variant) {
        let layout = Self::layout(variant);
        out.extend_from_slice(&[self.format, self.affected_ssn]);
        let pc = (self.affected_pc & layout.pc_mask()).to_le_bytes();
        out.extend_from_slice(&pc[..layout.pc_len()]);
        out.push(self.multiplicity & 0x03);
        if self.format == scmg_type::SSC {
            out.push(self.congestion_level.unwrap_or(1) & 0x0f);
        }
    }
}

/// What [`Scmg`] asks the caller to do or tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScmgEvent {
    /// Send this SCCP message (a UDT to SSN 1) to point code `dpc`.
    Send { dpc: u32, sccp: Vec<u8> },
    /// A remote subsystem was reported allowed (SSA).
    RemoteAllowed { pc: u32, ssn: u8 },
    /// A remote subsystem was reported prohibited (SSP).
    RemoteProhibited { pc: u32, ssn: u8 },
    /// A remote subsystem or SCCP is congested (SSC).
    RemoteCongested { pc: u32, ssn: u8, level: u8 },
}

/// Subsystem-status core for scpd's own point code (sans-IO: SCMG bodies in, UDTs out).
#[derive(Debug, Clone)]
pub struct Scmg {
    variant: Variant,
    local_pc: u32,
    /// Local subsystems and whether each is in service.
    local: BTreeMap<u8, bool>,
    /// Point codes told about local state changes (STPs, mated and concerned nodes).
    concerned: Vec<u32>,
}

impl Scmg {
    /// Local subsystems start in service.
    pub fn new(
        variant: Variant,
        local_pc: u32,
        subsystems: impl IntoIterator<Item = u8>,
        concerned: Vec<u32>,
    ) -> Scmg {
        Scmg {
            variant,
            local_pc,
            local: subsystems.into_iter().map(|s| (s, true)).collect(),
            concerned,
        }
    }

    /// Whether local subsystem `ssn` is in service (SCMG itself always is).
    pub fn is_up(&self, ssn: u8) -> bool {
        ssn == SSN_SCMG || self.local.get(&ssn).copied().unwrap_or(false)
    }

    /// Whether `ssn` is one of ours.
    pub fn is_local(&self, ssn: u8) -> bool {
        ssn == SSN_SCMG || self.local.contains_key(&ssn)
    }

    /// Replace the concerned point codes (a configuration reload).
    pub fn set_concerned(&mut self, concerned: Vec<u32>) {
        self.concerned = concerned;
    }

    /// A local subsystem went in (`up`) or out of service: SSA or SSP to every concerned
    /// point code (Q.714 §5.3.2/§5.3.3). Nothing when the state did not change.
    pub fn set_state(&mut self, ssn: u8, up: bool) -> Vec<ScmgEvent> {
        match self.local.insert(ssn, up) {
            Some(old) if old == up => return Vec::new(),
            _ => {}
        }
        let format = if up { scmg_type::SSA } else { scmg_type::SSP };
        let m = ScmgMessage::new(format, ssn, self.local_pc);
        self.concerned
            .iter()
            .map(|&dpc| ScmgEvent::Send {
                dpc,
                sccp: self.udt(dpc, &m),
            })
            .collect()
    }

    /// The state of every local subsystem (SSA if in service, SSP if not) to every concerned
    /// point code: what a node says when a route to them becomes available, e.g. when its
    /// M3UA association comes up (Q.714 §5.3.2.2 / §5.3.3.2 broadcast).
    pub fn announce(&self) -> Vec<ScmgEvent> {
        let mut out = Vec::with_capacity(self.local.len() * self.concerned.len());
        for (&ssn, &up) in &self.local {
            let format = if up { scmg_type::SSA } else { scmg_type::SSP };
            let m = ScmgMessage::new(format, ssn, self.local_pc);
            out.extend(self.concerned.iter().map(|&dpc| ScmgEvent::Send {
                dpc,
                sccp: self.udt(dpc, &m),
            }));
        }
        out
    }

    /// Our local subsystems.
    pub fn subsystems(&self) -> impl Iterator<Item = u8> + '_ {
        self.local.keys().copied()
    }

    /// Handle a UDT/XUDT/LUDT to SSN 1 from point code `opc`.
    pub fn receive(&mut self, opc: u32, u: &Unitdata<'_>) -> Result<Vec<ScmgEvent>, SccpError> {
        let m = ScmgMessage::decode(u.data, self.variant)?;
        let (pc, ssn) = (m.affected_pc, m.affected_ssn);
        Ok(match m.format {
            // Q.714 §5.3.4.3: answer SST with SSA if the subsystem is allowed; say nothing
            // if it is prohibited (or not ours), so the tester keeps testing.
            scmg_type::SST if pc == self.local_pc && self.is_up(ssn) => {
                let a = ScmgMessage {
                    format: scmg_type::SSA,
                    ..m
                };
                vec![ScmgEvent::Send {
                    dpc: opc,
                    sccp: self.udt(opc, &a),
                }]
            }
            // Q.714 §5.3.5.3: a coordinated state change request for one of ours is granted.
            scmg_type::SOR if pc == self.local_pc && self.is_local(ssn) => {
                let g = ScmgMessage {
                    format: scmg_type::SOG,
                    ..m
                };
                vec![ScmgEvent::Send {
                    dpc: opc,
                    sccp: self.udt(opc, &g),
                }]
            }
            scmg_type::SSA => vec![ScmgEvent::RemoteAllowed { pc, ssn }],
            scmg_type::SSP => vec![ScmgEvent::RemoteProhibited { pc, ssn }],
            scmg_type::SSC => vec![ScmgEvent::RemoteCongested {
                pc,
                ssn,
                level: m.congestion_level.unwrap_or(0),
            }],
            _ => Vec::new(),
        })
    }

    /// A UDT class 0 without return option from SCMG to SCMG (Q.714 §5.3.1), routed on PC +
    /// SSN, carrying `m`.
    pub fn udt(&self, dpc: u32, m: &ScmgMessage) -> Vec<u8> {
        let national = self.variant == Variant::Ansi;
        let called = Address {
            national,
            ..Address::ssn_pc(dpc, SSN_SCMG)
        };
        let calling = Address {
            national,
            ..Address::ssn_pc(self.local_pc, SSN_SCMG)
        };
        let mut body = Vec::with_capacity(8);
        m.encode(&mut body, self.variant);
        let mut out = Vec::with_capacity(24);
        // Cannot fail: PC+SSN addresses and an 8-octet body fit any UDT.
        let _ = Unitdata::udt(0, called, calling, &body).encode(&mut out, self.variant);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::from_hex;

    #[test]
    fn go_sccp_scmg_bodies() {
        // go-sccp sccp_test.go:185 SSA, :193 SSC.
        let ssa = from_hex("0109950100").unwrap();
        let m = ScmgMessage::decode(&ssa, Variant::Itu).unwrap();
        assert_eq!(
            (m.type_name(), m.affected_ssn, m.affected_pc),
            ("SSA", 9, 0x0195)
        );
        let ssc = from_hex("060995010004").unwrap();
        let m = ScmgMessage::decode(&ssc, Variant::Itu).unwrap();
        assert_eq!((m.type_name(), m.congestion_level), ("SSC", Some(4)));
        let mut out = Vec::new();
        m.encode(&mut out, Variant::Itu);
        assert_eq!(out, ssc);
        assert!(ScmgMessage::decode(&ssc[..5], Variant::Itu).is_err());
        assert!(ScmgMessage::decode(&[0x07, 0, 0, 0, 0], Variant::Itu).is_err());
    }

    #[test]
    fn every_type_round_trips_in_every_variant() {
        for v in [Variant::Itu, Variant::Ansi, Variant::Chinese] {
            let mut types = vec![1, 2, 3, 4, 5, 6];
            if v == Variant::Ansi {
                types.extend([0xfd, 0xfe, 0xff]);
            }
            for t in types {
                let m = ScmgMessage {
                    format: t,
                    affected_ssn: 146,
                    affected_pc: if v == Variant::Itu { 0x2abc } else { 0x0a0b0c },
                    multiplicity: 2,
                    congestion_level: (t == 6).then_some(5),
                };
                let mut out = Vec::new();
                m.encode(&mut out, v);
                assert_eq!(
                    out.len(),
                    if v == Variant::Itu { 5 } else { 6 } + usize::from(t == 6)
                );
                assert_eq!(ScmgMessage::decode(&out, v).unwrap(), m, "{v:?} {t}");
            }
        }
    }

    fn scmg_udt(variant: Variant, from: u32, to: u32, m: ScmgMessage) -> Vec<u8> {
        Scmg::new(variant, from, [], vec![]).udt(to, &m)
    }

    #[test]
    fn sst_is_answered_with_ssa_only_while_up() {
        let mut s = Scmg::new(Variant::Itu, 100, [146], vec![200, 201]);
        let sst = scmg_udt(
            Variant::Itu,
            200,
            100,
            ScmgMessage::new(scmg_type::SST, 146, 100),
        );
        let u = Unitdata::decode(&sst).unwrap();
        assert_eq!(
            (u.called.ssn, u.calling.ssn, u.protocol_class),
            (Some(1), Some(1), 0)
        );
        let out = s.receive(200, &u).unwrap();
        let [ScmgEvent::Send { dpc: 200, sccp }] = &out[..] else {
            panic!("{out:?}")
        };
        let r = Unitdata::decode(sccp).unwrap();
        assert_eq!((r.called.pc, r.calling.pc), (Some(200), Some(100)));
        assert_eq!(
            ScmgMessage::decode(r.data, Variant::Itu).unwrap(),
            ScmgMessage::new(scmg_type::SSA, 146, 100)
        );
        // Down: SSP to both concerned points, then SST goes unanswered.
        let out = s.set_state(146, false);
        assert_eq!(out.len(), 2);
        for (e, want) in out.iter().zip([200, 201]) {
            let ScmgEvent::Send { dpc, sccp } = e else {
                panic!()
            };
            assert_eq!(*dpc, want);
            let m = ScmgMessage::decode(Unitdata::decode(sccp).unwrap().data, Variant::Itu);
            assert_eq!(m.unwrap(), ScmgMessage::new(scmg_type::SSP, 146, 100));
        }
        assert!(
            s.set_state(146, false).is_empty(),
            "no change, no broadcast"
        );
        assert!(s.receive(200, &u).unwrap().is_empty());
        // Up again: SSA broadcast.
        let out = s.set_state(146, true);
        let ScmgEvent::Send { sccp, .. } = &out[0] else {
            panic!()
        };
        let m = ScmgMessage::decode(Unitdata::decode(sccp).unwrap().data, Variant::Itu);
        assert_eq!(m.unwrap().format, scmg_type::SSA);
        // SST for an SSN we do not have, or for SCMG itself.
        let other = scmg_udt(
            Variant::Itu,
            200,
            100,
            ScmgMessage::new(scmg_type::SST, 8, 100),
        );
        assert!(s
            .receive(200, &Unitdata::decode(&other).unwrap())
            .unwrap()
            .is_empty());
        let own = scmg_udt(
            Variant::Itu,
            200,
            100,
            ScmgMessage::new(scmg_type::SST, 1, 100),
        );
        assert_eq!(
            s.receive(200, &Unitdata::decode(&own).unwrap())
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn ansi_sst_and_remote_state() {
        let mut s = Scmg::new(Variant::Ansi, 0x010203, [254], vec![]);
        let sst = scmg_udt(
            Variant::Ansi,
            0x0a0b0c,
            0x010203,
            ScmgMessage::new(scmg_type::SST, 254, 0x010203),
        );
        let u = Unitdata::decode_variant(&sst, Variant::Ansi).unwrap();
        assert!(u.called.national);
        let out = s.receive(0x0a0b0c, &u).unwrap();
        let [ScmgEvent::Send { sccp, .. }] = &out[..] else {
            panic!()
        };
        let r = Unitdata::decode_variant(sccp, Variant::Ansi).unwrap();
        assert_eq!(r.called.pc, Some(0x0a0b0c));
        let m = ScmgMessage::decode(r.data, Variant::Ansi).unwrap();
        assert_eq!((m.format, m.affected_pc), (scmg_type::SSA, 0x010203));
        let ssp = scmg_udt(
            Variant::Ansi,
            0x0a0b0c,
            0x010203,
            ScmgMessage::new(scmg_type::SSP, 6, 0x0a0b0c),
        );
        let u = Unitdata::decode_variant(&ssp, Variant::Ansi).unwrap();
        assert_eq!(
            s.receive(0x0a0b0c, &u).unwrap(),
            [ScmgEvent::RemoteProhibited {
                pc: 0x0a0b0c,
                ssn: 6
            }]
        );
    }
}
