//! Our transaction id in a TCAP message, read from its first elements without decoding the
//! rest: the runtime routes a continuation to the shard that owns its dialogue
//! ([`super::dialogues::Shards`]) before any stack has seen it.
//!
//! ITU (Q.773 §3.1): Continue carries otid then dtid, End and Abort only dtid; the dtid is
//! ours. ANSI (T1.114.3 §3.2): the Transaction ID holds the sender's (originating) id then
//! the receiver's (responding) id; in a Conversation the responding id is ours, a Response
//! or Abort holds only it. A message of ours that SCCP returned (UDTS) carries our id as
//! its originating one.

use super::ansi::{self, PackageType};
use super::itu::tags;
use crate::ber::{Reader, Tlv};

/// What a received TCAP message is, for routing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressed {
    /// It begins a dialogue (Begin, Query) or belongs to none (Unidirectional).
    New,
    /// It continues or ends the dialogue with this local id of ours.
    Ours(u32),
    /// Neither could be read: whoever takes it answers what the protocol says.
    Unreadable,
}

/// Where a message received from a peer belongs.
pub fn received(tcap: &[u8]) -> Addressed {
    peek(tcap, false)
}

/// Where a message of ours that SCCP returned belongs.
pub fn returned(tcap: &[u8]) -> Addressed {
    peek(tcap, true)
}

/// The peer's originating id of a message that begins a dialogue (ITU Begin: otid first,
/// Q.773 §3.1; ANSI Query: the transaction id holds only it, T1.114.3 §3.2), read without
/// decoding the rest: an overloaded node refuses it at this cost.
pub fn beginning(tcap: &[u8]) -> Option<&[u8]> {
    let (top, _) = Tlv::parse(tcap, 0).ok()?;
    if let Some(package) = PackageType::from_tag(top.tag) {
        let (_, ids) = ansi::peek_transaction_id(tcap)?;
        return matches!(
            package,
            PackageType::QueryWithPermission | PackageType::QueryWithoutPermission
        )
        .then_some(ids)
        .filter(|ids| ids.len() == 4);
    }
    if !top.tag.is(tags::BEGIN) {
        return None;
    }
    let otid = Reader::new(top.value).next_tlv().ok()??;
    otid.tag.is(tags::OTID).then_some(otid.value)
}

fn local(b: &[u8]) -> Addressed {
    match <[u8; 4]>::try_from(b) {
        Ok(b) => Addressed::Ours(u32::from_be_bytes(b)),
        // Not four octets: not an id we gave out.
        Err(_) => Addressed::Unreadable,
    }
}

fn peek(tcap: &[u8], ours_sent: bool) -> Addressed {
    let Ok((top, _)) = Tlv::parse(tcap, 0) else {
        return Addressed::Unreadable;
    };
    if let Some(package) = PackageType::from_tag(top.tag) {
        let Some((_, ids)) = ansi::peek_transaction_id(tcap) else {
            return Addressed::Unreadable;
        };
        return match (package, ids.len(), ours_sent) {
            (PackageType::Unidirectional, ..) => Addressed::New,
            (PackageType::QueryWithPermission | PackageType::QueryWithoutPermission, _, false) => {
                Addressed::New
            }
            (_, 4 | 8, true) => local(&ids[..4]),
            (_, 8, false) => local(&ids[4..]),
            (PackageType::Response | PackageType::Abort, 4, false) => local(ids),
            _ => Addressed::Unreadable,
        };
    }
    let want = if top.tag.is(tags::BEGIN) || top.tag.is(tags::UNIDIRECTIONAL) {
        if !ours_sent {
            return Addressed::New;
        }
        tags::OTID
    } else if top.tag.is(tags::CONTINUE) {
        if ours_sent {
            tags::OTID
        } else {
            tags::DTID
        }
    } else if top.tag.is(tags::END) || top.tag.is(tags::ABORT) {
        tags::DTID
    } else {
        return Addressed::Unreadable;
    };
    let mut r = Reader::new(top.value);
    for _ in 0..2 {
        match r.next_tlv() {
            Ok(Some(t)) if t.tag.is(want) => return local(t.value),
            Ok(Some(_)) => continue,
            _ => break,
        }
    }
    Addressed::Unreadable
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcap::ansi::TransactionIds;
    use crate::tcap::itu::{encode, MessageType};

    fn itu(kind: MessageType, otid: Option<&[u8]>, dtid: Option<&[u8]>) -> Vec<u8> {
        let mut b = Vec::new();
        encode(&mut b, kind, otid, dtid, None, |_| {});
        b
    }

    #[test]
    fn itu_messages_name_our_dialogue_by_dtid() {
        let ours = [0x07, 0, 0, 0x2a];
        let peer = [0x51, 0x01];
        assert_eq!(
            received(&itu(MessageType::Begin, Some(&peer), None)),
            Addressed::New
        );
        for kind in [MessageType::Continue, MessageType::End, MessageType::Abort] {
            let otid = (kind == MessageType::Continue).then_some(&peer[..]);
            assert_eq!(
                received(&itu(kind, otid, Some(&ours))),
                Addressed::Ours(0x0700_002a),
                "{kind:?}"
            );
        }
        // A dtid that is not four octets is none of ours.
        assert_eq!(
            received(&itu(MessageType::End, None, Some(&peer))),
            Addressed::Unreadable
        );
        // Our own Continue returned by SCCP: our id is its otid.
        assert_eq!(
            returned(&itu(MessageType::Continue, Some(&ours), Some(&peer))),
            Addressed::Ours(0x0700_002a)
        );
        assert_eq!(received(&[0x65, 0x03, 0x01]), Addressed::Unreadable);
        assert_eq!(received(&[]), Addressed::Unreadable);
        assert_eq!(
            beginning(&itu(MessageType::Begin, Some(&peer), None)),
            Some(&peer[..])
        );
        let cont = itu(MessageType::Continue, Some(&peer), Some(&ours));
        assert_eq!(beginning(&cont), None);
        assert_eq!(beginning(&[0x62, 0x03, 0x49, 0x01, 0x01]), None);
    }

    #[test]
    fn ansi_packages_name_our_dialogue_by_the_responding_id() {
        let pkg = |p: PackageType, ids: TransactionIds| {
            let mut b = Vec::new();
            ansi::encode(&mut b, p, ids, None, |_| {});
            b
        };
        let peer = [1, 2, 3, 4];
        let ours = [0x07, 0, 0, 0x2b];
        let ids = |o: Option<[u8; 4]>, r: Option<[u8; 4]>| TransactionIds {
            originating: o,
            responding: r,
        };
        let query = pkg(PackageType::QueryWithPermission, ids(Some(peer), None));
        assert_eq!(received(&query), Addressed::New);
        assert_eq!(beginning(&query), Some(&peer[..]));
        let conv = pkg(
            PackageType::ConversationWithPermission,
            ids(Some(peer), Some(ours)),
        );
        assert_eq!(received(&conv), Addressed::Ours(0x0700_002b));
        assert_eq!(beginning(&conv), None);
        let resp = pkg(PackageType::Response, ids(None, Some(ours)));
        assert_eq!(received(&resp), Addressed::Ours(0x0700_002b));
        // Ours returned: the originating id is ours.
        let ours_conv = pkg(
            PackageType::ConversationWithoutPermission,
            ids(Some(ours), Some(peer)),
        );
        assert_eq!(returned(&ours_conv), Addressed::Ours(0x0700_002b));
    }
}
