//! Reading the store: the journal for replay and its bounds, subscribers and routing
//! numbers at start, on connections of their own (WAL readers never block the writer).

use super::StoreError;
use crate::proto::CallEvent;
use crate::service::routing::{Allocation, PoolKind};
use crate::service::{Policy, Subscriber, Terminal};
use prost::Message;
use rusqlite::{params, Connection, OptionalExtension};

pub fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::Monitor => "monitor",
        Policy::Anchor => "anchor",
        Policy::Decide => "decide",
        Policy::Pass | Policy::Unspecified => "pass",
    }
}

pub fn policy_from_name(s: &str) -> Option<Policy> {
    match s {
        "monitor" => Some(Policy::Monitor),
        "pass" => Some(Policy::Pass),
        "anchor" => Some(Policy::Anchor),
        "decide" => Some(Policy::Decide),
        _ => None,
    }
}

pub(super) fn terminals_json(t: &[Terminal]) -> String {
    serde_json::Value::Array(
        t.iter()
            .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
            .collect(),
    )
    .to_string()
}

fn terminals_from_json(s: &str) -> Vec<Terminal> {
    let v: serde_json::Value = serde_json::from_str(s).unwrap_or_default();
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|t| Terminal {
                    id: t["id"].as_str().unwrap_or_default().to_string(),
                    label: t["label"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn subscriber_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    let policy: String = r.get(2)?;
    let terminals: String = r.get(3)?;
    Ok(Subscriber {
        tenant: r.get(4)?,
        number: r.get(0)?,
        user: r.get(1)?,
        policy: policy_from_name(&policy).unwrap_or(Policy::Pass),
        terminals: terminals_from_json(&terminals),
    })
}

pub fn load_subscribers(conn: &Connection) -> Result<Vec<Subscriber>, StoreError> {
    let mut st = conn.prepare(
        "SELECT number, user, policy, terminals, tenant FROM subscriber ORDER BY number",
    )?;
    let rows = st.query_map([], subscriber_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Live routing numbers and pool cursors, for [`crate::service::routing::Allocator::restore`].
#[allow(clippy::type_complexity)]
pub fn load_routing(
    conn: &Connection,
) -> Result<(Vec<Allocation>, Vec<(String, u64)>), StoreError> {
    let mut st = conn.prepare(
        "SELECT number, target, pool, kind, call_id, allocated_ms, expires_ms, tenant
         FROM routing_number ORDER BY number",
    )?;
    let live = st
        .query_map([], |r| {
            let kind: String = r.get(3)?;
            Ok(Allocation {
                number: r.get(0)?,
                target: r.get(1)?,
                pool: r.get(2)?,
                kind: PoolKind::from_name(&kind).unwrap_or(PoolKind::Trn),
                call_id: r.get(4)?,
                allocated_ms: r.get(5)?,
                expires_ms: r.get(6)?,
                tenant: r.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut st = conn.prepare("SELECT pool, next FROM routing_cursor")?;
    let cursors = st
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((live, cursors))
}

/// Sequence of the newest journalled event (0 when empty).
pub fn last_sequence(conn: &Connection) -> Result<u64, StoreError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(sequence), 0) FROM event", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// `(oldest retained, newest issued)` sequences of the journal. The newest comes from
/// AUTOINCREMENT's record, so it survives retention deleting every row; an empty journal
/// has oldest = newest + 1.
pub fn journal_bounds(conn: &Connection) -> Result<(u64, u64), StoreError> {
    let issued: i64 = conn
        .query_row(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0),
                        COALESCE((SELECT MAX(sequence) FROM event), 0))",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let oldest: Option<i64> =
        conn.query_row("SELECT MIN(sequence) FROM event", [], |r| r.get(0))?;
    let issued = issued as u64;
    Ok((oldest.map_or(issued + 1, |o| o as u64), issued))
}

/// The last sequence durable consumer `name` acknowledged; `None` for a name never seen.
pub fn consumer_position(conn: &Connection, name: &str) -> Result<Option<u64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT acked FROM consumer WHERE name = ?1",
            params![name],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .map(|a| a as u64))
}

/// Events with sequence > `after`, oldest first, at most `limit`.
pub fn read_events(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<CallEvent>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT sequence, body FROM event WHERE sequence > ?1 ORDER BY sequence LIMIT ?2",
    )?;
    let mut rows = st.query(params![after as i64, limit as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let body: Vec<u8> = r.get(1)?;
        let mut ev = CallEvent::decode(body.as_slice()).map_err(|e| StoreError::Corrupt(seq, e))?;
        ev.sequence = seq as u64;
        out.push(ev);
    }
    Ok(out)
}

/// Look up one subscriber directly (used by tests and tools).
pub fn get_subscriber(conn: &Connection, number: &str) -> Result<Option<Subscriber>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT number, user, policy, terminals, tenant FROM subscriber WHERE number = ?1",
            params![number],
            subscriber_row,
        )
        .optional()?)
}
