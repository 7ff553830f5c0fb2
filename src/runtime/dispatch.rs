//! Which shard takes a received message: the one that owns the dialogue it continues (our
//! transaction id names it, [`Shards::owner`]), any for a new dialogue (round robin), the
//! first for SCCP management and for the segments of a message being reassembled (whose
//! shard forwards the whole message to its dialogue's owner).
//!
//! WIN is the exception among new dialogues: each report of a call comes in a transaction
//! of its own, tied to the call by its BillingID only, so a new transaction on the WIN
//! subsystem goes to the shard its BillingID hashes to — the one that follows the call.

use crate::m3ua::ProtocolData;
use crate::sccp::scmg::SSN_SCMG;
use crate::sccp::{Unitdata, Variant};
use crate::tcap::dialogues::Shards;
use crate::tcap::tid::{self, Addressed};

/// Picks shards; one per association reader (the round robin is per reader).
#[derive(Debug, Clone)]
pub struct Dispatch {
    variant: Variant,
    shards: u32,
    turn: u32,
    win_ssn: Option<u8>,
}

impl Dispatch {
    /// `win_ssn`: the WIN subsystem, whose new transactions go by BillingID.
    pub fn new(variant: Variant, shards: usize, win_ssn: Option<u8>) -> Dispatch {
        Dispatch {
            variant,
            shards: shards.max(1) as u32,
            turn: 0,
            win_ssn,
        }
    }

    /// The shard following the WIN call a new transaction belongs to: the BillingID less
    /// its segment counter ([`crate::tcuser::win_map::call_key`]) hashed. FNV-1a: stable
    /// across processes and cheap on six octets.
    fn by_billing_id(&self, tcap: &[u8]) -> Option<usize> {
        let b = crate::win::peek_billing_id(tcap)?.to_array().ok()?;
        let h = b[..6].iter().fold(0x811c_9dc5u32, |h, &x| {
            (h ^ u32::from(x)).wrapping_mul(0x0100_0193)
        });
        Some((h % self.shards) as usize)
    }

    fn any(&mut self) -> usize {
        self.turn = (self.turn + 1) % self.shards;
        self.turn as usize
    }

    /// The shard for one received M3UA DATA payload.
    pub fn shard(&mut self, pd: &ProtocolData<'_>) -> usize {
        if self.shards == 1 {
            return 0;
        }
        if pd.si != 3 {
            // Refused wherever it goes.
            return 0;
        }
        let Ok(u) = Unitdata::decode_variant(pd.data, self.variant) else {
            // Whoever takes it answers what SCCP says.
            return self.any();
        };
        if u.called.ssn == Some(SSN_SCMG) {
            return 0;
        }
        if u.segmentation
            .is_some_and(|s| !(s.first && s.remaining == 0))
        {
            return 0;
        }
        let addressed = if u.is_service() {
            tid::returned(u.data)
        } else {
            tid::received(u.data)
        };
        match addressed {
            Addressed::Ours(t) => match Shards::owner(self.shards, t) {
                Some(s) => s as usize,
                None => self.any(),
            },
            Addressed::New if u.called.ssn.is_some() && u.called.ssn == self.win_ssn => {
                self.by_billing_id(u.data).unwrap_or_else(|| self.any())
            }
            Addressed::New | Addressed::Unreadable => self.any(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sccp::segment::Segmenter;
    use crate::sccp::{encode_udt, encode_udts, Address};
    use crate::tcap::itu::{encode, MessageType};

    fn udt(ssn: u8, tcap: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        encode_udt(
            &mut u,
            0x80,
            &Address::ssn_pc(200, ssn),
            &Address::ssn_pc(100, 146),
            tcap,
        );
        u
    }

    fn pd(sccp: &[u8]) -> ProtocolData<'_> {
        ProtocolData {
            opc: 100,
            dpc: 200,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 1,
            data: sccp,
        }
    }

    fn tcap(kind: MessageType, otid: Option<&[u8]>, dtid: Option<&[u8]>) -> Vec<u8> {
        let mut b = Vec::new();
        encode(&mut b, kind, otid, dtid, None, |_| {});
        b
    }

    #[test]
    fn continuations_go_to_the_shard_their_id_names_and_new_dialogues_take_turns() {
        let mut d = Dispatch::new(Variant::Itu, 3, None);
        // Shard 2 of 3 owns ids whose two low bits are 2.
        let ours = 0x0700_0106u32.to_be_bytes();
        for kind in [MessageType::Continue, MessageType::End, MessageType::Abort] {
            let otid = (kind == MessageType::Continue).then_some(&[9u8][..]);
            let m = udt(146, &tcap(kind, otid, Some(&ours)));
            assert_eq!(d.shard(&pd(&m)), 2, "{kind:?}");
        }
        let begin = udt(146, &tcap(MessageType::Begin, Some(&[9]), None));
        let turns: Vec<usize> = (0..6).map(|_| d.shard(&pd(&begin))).collect();
        assert_eq!(turns, [1, 2, 0, 1, 2, 0]);
        // Our message returned by SCCP: to the shard of its otid.
        let mut udts = Vec::new();
        encode_udts(
            &mut udts,
            1,
            &Address::ssn_pc(200, 146),
            &Address::ssn_pc(100, 146),
            &tcap(MessageType::Continue, Some(&ours), Some(&[9])),
        );
        assert_eq!(d.shard(&pd(&udts)), 2);
    }

    /// An ANSI TCAP package with one WIN Invoke of the call with BillingID number `id`,
    /// billing segment `segment`.
    fn win(
        kind: crate::tcap::ansi::PackageType,
        op: crate::win::Operation,
        id: u32,
        segment: u8,
    ) -> Vec<u8> {
        use crate::tcap::ansi::{self, TransactionIds};
        use crate::win::{BillingId, Mscid, Params, WinMessage};
        let m = WinMessage::invoke(
            op,
            Params {
                billing_id: Some(BillingId {
                    market_id: 14656,
                    swno: 1,
                    id_number: id,
                    segment_counter: segment,
                }),
                mscid: Some(Mscid {
                    market_id: 14656,
                    swno: 1,
                }),
                ..Default::default()
            },
        );
        let mut t = Vec::new();
        ansi::encode(
            &mut t,
            kind,
            TransactionIds {
                originating: kind.has_originating_id().then_some([0, 0, 0, 9]),
                responding: None,
            },
            None,
            // Encoded without the schema check: only the BillingID matters here.
            |w| {
                ansi::invoke(
                    w,
                    true,
                    Some(1),
                    None,
                    ansi::OpCode::Private(op.code()),
                    |w| {
                        ansi::parameter_set(w, |w| {
                            m.params.encode_members(op, crate::win::Kind::Invoke, w)
                        })
                    },
                )
            },
        );
        t
    }

    #[test]
    fn new_win_transactions_go_to_the_shard_of_their_billing_id() {
        use crate::tcap::ansi::PackageType::{QueryWithPermission, Unidirectional};
        use crate::win::Operation::{OAnswer, ODisconnect, OriginationRequest};
        let mut d = Dispatch::new(Variant::Itu, 4, Some(14));
        let mut seen = std::collections::BTreeSet::new();
        for id in 1..=40 {
            let query = win(QueryWithPermission, OriginationRequest, id, 0);
            let shard = d.shard(&pd(&udt(14, &query)));
            // The call's reports, each in a transaction of its own, follow it (the segment
            // counter moves on in a long call: not part of the key).
            for (kind, op, segment) in [
                (Unidirectional, OAnswer, 0),
                (QueryWithPermission, ODisconnect, 3),
            ] {
                let report = win(kind, op, id, segment);
                assert_eq!(d.shard(&pd(&udt(14, &report))), shard, "call {id} {op:?}");
            }
            seen.insert(shard);
        }
        assert_eq!(seen.len(), 4, "calls spread over every shard");
        // On another subsystem, or without a BillingID, new dialogues take turns.
        let other = win(QueryWithPermission, OriginationRequest, 1, 0);
        let turns: Vec<usize> = (0..4).map(|_| d.shard(&pd(&udt(247, &other)))).collect();
        assert_eq!(
            turns
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            4
        );
    }

    #[test]
    fn management_segments_and_one_shard_go_to_the_first() {
        let mut d = Dispatch::new(Variant::Itu, 2, None);
        assert_eq!(d.shard(&pd(&udt(SSN_SCMG, &[3, 1, 146, 200, 0, 0]))), 0);
        let long = tcap(MessageType::End, None, Some(&0x0700_0003u32.to_be_bytes()));
        let mut body = long.clone();
        body.resize(600, 0);
        let mut seg = Segmenter::new(Variant::Itu, 1);
        seg.max_segment = Some(200);
        let segments = seg
            .segment(&Unitdata::xudt(
                0x80,
                Address::ssn_pc(200, 146),
                Address::ssn_pc(100, 146),
                &body,
            ))
            .unwrap();
        assert!(segments.len() > 1);
        for s in &segments {
            assert_eq!(d.shard(&pd(s)), 0);
        }
        let mut one = Dispatch::new(Variant::Itu, 1, None);
        assert_eq!(one.shard(&pd(&udt(146, &long))), 0);
        // Garbage is spread like new dialogues.
        let _ = d.shard(&pd(&[0xff, 0]));
    }
}
