//! Which shard takes a received message: the one that owns the dialogue it continues (our
//! transaction id names it, [`Shards::owner`]), any for a new dialogue (round robin), the
//! first for SCCP management and for the segments of a message being reassembled (whose
//! shard forwards the whole message to its dialogue's owner).

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
}

impl Dispatch {
    pub fn new(variant: Variant, shards: usize) -> Dispatch {
        Dispatch {
            variant,
            shards: shards.max(1) as u32,
            turn: 0,
        }
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
        let mut d = Dispatch::new(Variant::Itu, 3);
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

    #[test]
    fn management_segments_and_one_shard_go_to_the_first() {
        let mut d = Dispatch::new(Variant::Itu, 2);
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
        let mut one = Dispatch::new(Variant::Itu, 1);
        assert_eq!(one.shard(&pd(&udt(146, &long))), 0);
        // Garbage is spread like new dialogues.
        let _ = d.shard(&pd(&[0xff, 0]));
    }
}
