//! Prometheus metrics at `GET /metrics` (`[metrics] listen`, `--metrics-listen`), in the
//! text exposition format 0.0.4. Nothing is counted here: a scrape collects the counters
//! their owners keep ([`stats`]) and writes them out, so the call path pays
//! no registry, lock or atomic for them. Names follow Prometheus conventions: `scpd_`
//! prefix, counters ending in `_total`, times in seconds, label values from closed sets.

pub mod stats;

use crate::store::COMMIT_BUCKETS;
use crate::tcuser::User;
use prometheus::core::Collector;
use prometheus::proto::MetricFamily;
use prometheus::{Encoder, IntCounterVec, IntGaugeVec, Opts, TextEncoder};
use stats::{
    direction_name, kind_name, protocol_name, Snapshot, DIRECTIONS, INSTRUCTIONS, KINDS, PROTOCOLS,
};
use std::collections::BTreeMap;

/// The exposition's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Families built from one snapshot.
#[derive(Default)]
struct Families(Vec<MetricFamily>);

impl Families {
    /// A counter family with `labels`, one sample per row.
    fn counter<'a>(
        &mut self,
        name: &str,
        help: &str,
        labels: &[&str],
        rows: impl IntoIterator<Item = (Vec<&'a str>, u64)>,
    ) {
        let v = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
        for (values, n) in rows {
            v.with_label_values(&values).inc_by(n);
        }
        self.0.extend(v.collect());
    }

    fn gauge<'a>(
        &mut self,
        name: &str,
        help: &str,
        labels: &[&str],
        rows: impl IntoIterator<Item = (Vec<&'a str>, i64)>,
    ) {
        let v = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
        for (values, n) in rows {
            v.with_label_values(&values).set(n);
        }
        self.0.extend(v.collect());
    }

    /// A histogram from counts per bucket (not cumulative; what exceeds the last bound is
    /// in `count` only), the number of observations and their sum.
    fn histogram(
        &mut self,
        name: &str,
        help: &str,
        bounds: &[f64],
        counts: &[u64],
        count: u64,
        sum: f64,
    ) {
        use prometheus::proto::{Bucket, Histogram, Metric, MetricType};
        let mut h = Histogram::default();
        let mut total = 0;
        let mut buckets = Vec::with_capacity(bounds.len());
        for (le, n) in bounds.iter().zip(counts) {
            total += n;
            let mut b = Bucket::default();
            b.set_upper_bound(*le);
            b.set_cumulative_count(total);
            buckets.push(b);
        }
        h.set_bucket(buckets);
        h.set_sample_count(count.max(total));
        h.set_sample_sum(sum);
        let mut m = Metric::default();
        m.set_histogram(h);
        let mut f = MetricFamily::default();
        f.set_name(name.into());
        f.set_help(help.into());
        f.set_field_type(MetricType::HISTOGRAM);
        f.mut_metric().push(m);
        self.0.push(f);
    }
}

/// A connectionless SCCP message type's name (Q.713 Table 1), else its code.
fn sccp_type_name(code: usize) -> &'static str {
    const CODES: [&str; 32] = [
        "0", "CR", "CC", "CREF", "RLSD", "RLC", "DT1", "DT2", "AK", "UDT", "UDTS", "ED", "EA",
        "RSR", "RSC", "ERR", "IT", "XUDT", "XUDTS", "LUDT", "LUDTS", "21", "22", "23", "24", "25",
        "26", "27", "28", "29", "30", "31",
    ];
    CODES.get(code).copied().unwrap_or("other")
}

/// The `snake_case` of an enum value's name, for a label value.
fn snake(debug: impl std::fmt::Debug) -> String {
    let mut out = String::new();
    for (i, c) in format!("{debug:?}").chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        }
    }
    out
}

/// Sum `f`'s map over the shards, keyed by label value.
fn by<K: std::fmt::Debug>(maps: impl Iterator<Item = Vec<(K, u64)>>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for m in maps {
        for (k, n) in m {
            *out.entry(snake(k)).or_insert(0) += n;
        }
    }
    out
}

/// Write `s` (and this process's own metrics) in the text format.
pub fn render(s: &Snapshot) -> String {
    let mut f = Families::default();
    // One TCAP instance per TC-user, labelled by what it speaks on whose SSN.
    let tcaps = User::ALL.map(User::tcap_label);
    let index = move |name: &str| tcaps.iter().position(|t| *t == name).unwrap_or(0);
    let tcap = |name: &'static str| s.shards.iter().map(move |sh| &sh.tcaps[index(name)].0);

    // M3UA (RFC 4666).
    let m = &s.m3ua;
    f.gauge(
        "scpd_m3ua_associations",
        "M3UA associations up, by side (server: a peer is our ASP; client: we are an ASP of \
         an SG; ipsp) and state (active: ASP-ACTIVE, carrying traffic; inactive).",
        &["side", "state"],
        ["server", "client", "ipsp"].into_iter().flat_map(|side| {
            let n = |active: bool| {
                m.associations
                    .iter()
                    .filter(|(s, a)| *s == side && *a == active)
                    .count() as i64
            };
            [
                (vec![side, "active"], n(true)),
                (vec![side, "inactive"], n(false)),
            ]
        }),
    );
    f.counter(
        "scpd_m3ua_messages_total",
        "M3UA messages by direction and message (DATA, ASPUP, ERR, ...; other: undefined \
         class or type).",
        &["direction", "message"],
        m.received
            .kinds()
            .map(|(k, n)| (vec!["in", k], n))
            .chain(m.sent.kinds().map(|(k, n)| (vec!["out", k], n))),
    );

    // TCAP (Q.771–Q.774, T1.114): dialogues and components, per instance (`tcap`).
    f.gauge(
        "scpd_tcap_dialogues_open",
        "TCAP dialogues open now.",
        &["tcap"],
        tcaps.iter().map(|&name| {
            let open: usize = s.shards.iter().map(|sh| sh.tcaps[index(name)].1).sum();
            (vec![name], open as i64)
        }),
    );
    f.counter(
        "scpd_tcap_dialogues_begun_total",
        "TCAP dialogues begun, by who began them.",
        &["tcap", "by"],
        tcaps.iter().flat_map(|&name| {
            let (mut peer, mut us) = (0, 0);
            for c in tcap(name) {
                peer += c.opened_incoming;
                us += c.opened_outgoing;
            }
            [(vec![name, "peer"], peer), (vec![name, "us"], us)]
        }),
    );
    f.counter(
        "scpd_tcap_dialogues_ended_total",
        "TCAP dialogues ended, by how: end (End/Response or prearranged), user_abort, \
         provider_abort (P-Abort, any cause), timeout.",
        &["tcap", "how"],
        tcaps.iter().flat_map(|&name| {
            let mut n = [0u64; 4];
            for c in tcap(name) {
                n[0] += c.ended_normally;
                n[1] += c.user_aborted;
                n[2] += c.provider_aborted.values().sum::<u64>();
                n[3] += c.timed_out;
            }
            ["end", "user_abort", "provider_abort", "timeout"]
                .into_iter()
                .zip(n)
                .map(move |(how, n)| (vec![name, how], n))
        }),
    );
    let mut aborted = Vec::new();
    let mut answered = Vec::new();
    let mut rejected = Vec::new();
    for &name in &tcaps {
        for (cause, n) in by(tcap(name).map(|c| c.provider_aborted.clone().into_iter().collect())) {
            aborted.push((name, cause, n));
        }
        for (cause, n) in by(tcap(name).map(|c| c.p_abort_answers.clone().into_iter().collect())) {
            answered.push((name, cause, n));
        }
        for (side, remote) in [("us", false), ("peer", true)] {
            let maps = tcap(name).map(|c| {
                let m = if remote {
                    &c.rejected_remote
                } else {
                    &c.rejected_local
                };
                m.clone().into_iter().collect()
            });
            for (problem, n) in by(maps) {
                rejected.push((name, side, problem, n));
            }
        }
    }
    f.counter(
        "scpd_tcap_provider_aborts_total",
        "TCAP dialogues closed by a P-Abort, by cause.",
        &["tcap", "cause"],
        aborted.iter().map(|(t, c, n)| (vec![*t, c.as_str()], *n)),
    );
    f.counter(
        "scpd_tcap_abort_answers_total",
        "P-Aborts sent for messages without a dialogue (unknown id, undecodable, full, \
         overloaded), by cause.",
        &["tcap", "cause"],
        answered.iter().map(|(t, c, n)| (vec![*t, c.as_str()], *n)),
    );
    f.counter(
        "scpd_tcap_rejects_total",
        "TCAP Reject components, by who sent them and problem.",
        &["tcap", "by", "problem"],
        rejected
            .iter()
            .map(|(t, side, p, n)| (vec![*t, *side, p.as_str()], *n)),
    );
    let tcap_sum = |get: fn(&crate::tcap::sm::Counters) -> u64| {
        tcaps
            .iter()
            .map(move |&name| (vec![name], tcap(name).map(get).sum::<u64>()))
            .collect::<Vec<_>>()
    };
    f.counter(
        "scpd_tcap_ac_refused_total",
        "Dialogues refused in application-context negotiation.",
        &["tcap"],
        tcap_sum(|c| c.ac_refused),
    );
    f.counter(
        "scpd_tcap_invoke_timeouts_total",
        "Operations of ours the peer did not answer in time.",
        &["tcap"],
        tcap_sum(|c| c.invoke_timeouts),
    );
    f.counter(
        "scpd_tcap_discarded_total",
        "TCAP messages dropped without an answer (nothing to answer to).",
        &["tcap"],
        tcap_sum(|c| c.discarded),
    );
    f.counter(
        "scpd_tcap_refused_overloaded_total",
        "New dialogues refused (P-Abort resourceLimitation) while overloaded.",
        &["tcap"],
        tcap_sum(|c| c.refused_overloaded),
    );

    // SCCP (Q.714).
    let sccp = |get: fn(&crate::sccp::scrc::Counters) -> u64| -> u64 {
        s.shards.iter().map(|sh| get(&sh.sccp)).sum()
    };
    f.counter(
        "scpd_sccp_reassemblies_total",
        "Segmented SCCP messages reassembled, by outcome.",
        &["outcome"],
        [
            (vec!["ok"], sccp(|c| c.reassembled)),
            (vec!["failed"], sccp(|c| c.reassembly_failed)),
        ],
    );
    f.gauge(
        "scpd_sccp_reassemblies_open",
        "Segmented SCCP messages being reassembled now.",
        &[],
        [(
            vec![],
            s.shards.iter().map(|sh| sh.reassemblies).sum::<usize>() as i64,
        )],
    );
    let mut received = [0u64; 32];
    for sh in &s.shards {
        for (r, n) in received.iter_mut().zip(sh.sccp.received) {
            *r += n;
        }
    }
    f.counter(
        "scpd_sccp_messages_received_total",
        "SCCP messages received, by type (Q.713 §2.1; connection-oriented and other types \
         by code).",
        &["type"],
        received
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| (vec![sccp_type_name(t)], *n)),
    );
    let returned = |to_us: bool| {
        let mut m = BTreeMap::<u8, u64>::new();
        for sh in &s.shards {
            let src = if to_us {
                &sh.sccp.returned_to_us
            } else {
                &sh.sccp.returned
            };
            for (cause, n) in src {
                *m.entry(*cause).or_insert(0) += n;
            }
        }
        m.into_iter()
            .map(|(c, n)| (format!("{c}"), n))
            .collect::<Vec<_>>()
    };
    let (sent, got) = (returned(false), returned(true));
    f.counter(
        "scpd_sccp_returned_total",
        "SCCP service messages (UDTS/XUDTS/LUDTS), by who returned the message and return \
         cause (Q.713 §3.12).",
        &["by", "cause"],
        sent.iter()
            .map(|(c, n)| (vec!["us", c.as_str()], *n))
            .chain(got.iter().map(|(c, n)| (vec!["peer", c.as_str()], *n))),
    );
    f.counter(
        "scpd_sccp_sent_total",
        "SCCP messages sent in XUDT because they did not fit a UDT (how: xudt), segmented \
         (segmented), or not at all, too long (too_long); and relayed after GT translation.",
        &["how"],
        [
            (vec!["xudt"], sccp(|c| c.xudt_sent)),
            (vec!["segmented"], sccp(|c| c.segmented_sent)),
            (vec!["too_long"], sccp(|c| c.too_long)),
            (vec!["relayed"], sccp(|c| c.relayed)),
        ],
    );
    f.counter(
        "scpd_sccp_management_messages_total",
        "SCCP management (SCMG) messages, by direction.",
        &["direction"],
        [
            (vec!["received"], sccp(|c| c.scmg_received)),
            (vec!["sent"], sccp(|c| c.scmg_sent)),
        ],
    );

    // Calls.
    let calls = s.calls();
    let mut rows = Vec::new();
    for (p, proto) in PROTOCOLS.iter().enumerate() {
        for (d, dir) in DIRECTIONS.iter().enumerate() {
            rows.push((
                vec![protocol_name(*proto), direction_name(*dir)],
                calls.triggers[p][d],
            ));
        }
    }
    f.counter(
        "scpd_triggers_total",
        "Triggers (InitialDP, Info_Analyzed, ...) received, by protocol and direction.",
        &["protocol", "direction"],
        rows.into_iter().filter(|(_, n)| *n > 0),
    );
    f.counter(
        "scpd_triggers_by_kind_total",
        "Triggers received, by protocol and trigger (the detection point or trigger type: \
         collectedInfo, termAttemptAuthorized, Info_Analyzed, ...).",
        &["protocol", "trigger"],
        calls.kinds.iter().map(|&(p, name, n)| {
            let name = if name.is_empty() { "unspecified" } else { name };
            (vec![protocol_name(PROTOCOLS[p]), name], n)
        }),
    );
    let mut rows = Vec::new();
    for (p, proto) in PROTOCOLS.iter().enumerate() {
        for (i, ins) in INSTRUCTIONS.iter().enumerate() {
            rows.push((vec![protocol_name(*proto), *ins], calls.answers[p][i]));
        }
    }
    f.counter(
        "scpd_answers_total",
        "Answers to the switch, by protocol and instruction.",
        &["protocol", "instruction"],
        rows.into_iter().filter(|(_, n)| *n > 0),
    );
    let mut rows = Vec::new();
    for (p, proto) in PROTOCOLS.iter().enumerate() {
        for (k, kind) in KINDS.iter().enumerate() {
            rows.push((
                vec![protocol_name(*proto), kind_name(*kind)],
                calls.events[p][k],
            ));
        }
    }
    f.counter(
        "scpd_call_events_total",
        "Call events journalled and published, by protocol and kind.",
        &["protocol", "kind"],
        rows.into_iter().filter(|(_, n)| *n > 0),
    );
    f.counter(
        "scpd_triggers_shed_total",
        "Triggers answered the cheapest safe way because scpd was overloaded.",
        &[],
        [(vec![], calls.shed)],
    );

    // Overload control.
    f.gauge(
        "scpd_overload_state",
        "Shards in each overload state now (normal, shedding, refusing).",
        &["state"],
        [
            crate::node::Load::Normal,
            crate::node::Load::Shed,
            crate::node::Load::Refuse,
        ]
        .map(|l| {
            let n = s.shards.iter().filter(|sh| sh.load == l).count();
            (vec![l.name()], n as i64)
        }),
    );
    f.counter(
        "scpd_overload_changes_total",
        "Changes of a shard's overload state.",
        &[],
        [(vec![], s.shards.iter().map(|sh| sh.load_changes).sum())],
    );
    f.gauge(
        "scpd_shards",
        "Signalling stacks (shards) that answered this scrape.",
        &[],
        [(vec![], s.shards.len() as i64)],
    );

    // Decisions by the data-session servers, and the fallbacks when none came.
    let dc = &s.decisions;
    f.counter(
        "scpd_decision_queries_total",
        "Triggers of decide subscribers put to the data-session servers.",
        &[],
        [(vec![], dc.asked)],
    );
    f.counter(
        "scpd_decision_outcomes_total",
        "How decision queries ended: answered, or the fallback because no client was \
         connected (no_client), none answered by the deadline (deadline_missed) or the \
         client went away (client_gone).",
        &["outcome"],
        [
            (vec!["answered"], dc.answered),
            (vec!["no_client"], dc.no_client),
            (vec!["deadline_missed"], dc.deadline_missed),
            (vec!["client_gone"], dc.client_gone),
        ],
    );

    // Questions put to the subscribers' HLRs (MAP client).
    f.counter(
        "scpd_hlr_requests_total",
        "Questions put to HLRs (sendRoutingInfo for an MSRN, anyTimeInterrogation for a \
         location) by how they ended: ok, the MAP error's name, no_routing_number, timeout, \
         failed (abort, reject, SCCP return) or unavailable.",
        &["operation", "outcome"],
        s.hlr
            .iter()
            .map(|c| (vec![c.operation, c.outcome], c.count)),
    );

    // Routing numbers, per pool.
    f.gauge(
        "scpd_routing_numbers_live",
        "Routing numbers allocated and not yet used, released or expired.",
        &["pool", "kind"],
        s.pools
            .iter()
            .map(|p| (vec![p.name.as_str(), p.kind.name()], p.live as i64)),
    );
    f.gauge(
        "scpd_routing_numbers_size",
        "Numbers in each routing-number pool.",
        &["pool", "kind"],
        s.pools
            .iter()
            .map(|p| (vec![p.name.as_str(), p.kind.name()], p.size as i64)),
    );
    f.counter(
        "scpd_routing_numbers_total",
        "Routing-number events per pool: allocated, consumed (the call came), released, \
         expired, exhausted (an allocation refused: none free).",
        &["pool", "event"],
        s.pools.iter().flat_map(|p| {
            let c = p.counts;
            [
                ("allocated", c.allocated),
                ("consumed", c.consumed),
                ("released", c.released),
                ("expired", c.expired),
                ("exhausted", c.exhausted),
            ]
            .map(|(event, n)| (vec![p.name.as_str(), event], n))
        }),
    );

    // gRPC event subscribers.
    f.gauge(
        "scpd_event_subscriber_lag_events",
        "Events committed and not yet handed to each open CallEvents.Subscribe stream, by \
         the subscriber's address.",
        &["peer"],
        s.subscribers
            .iter()
            .map(|(peer, lag)| (vec![peer.as_str()], *lag as i64)),
    );
    f.gauge(
        "scpd_event_subscribers",
        "Open CallEvents.Subscribe streams.",
        &[],
        [(vec![], s.subscribers.len() as i64)],
    );

    let a = &s.answer_latency;
    f.histogram(
        "scpd_answer_latency_seconds",
        "From reading the earliest message of a shard's batch off its socket to writing what \
         that batch sent on an association, the journal commit included: an upper bound of \
         each answer's time in scpd (one observation per batch and association).",
        &stats::ANSWER_BUCKETS,
        &a.buckets,
        a.count,
        a.sum_seconds,
    );

    // The journal.
    let j = &s.journal;
    f.histogram(
        "scpd_journal_commit_duration_seconds",
        "Time of each journal transaction, BEGIN to COMMIT done (answers wait for it).",
        &COMMIT_BUCKETS,
        &j.commit_buckets,
        j.commits,
        j.commit_seconds,
    );
    f.counter(
        "scpd_journal_commit_failures_total",
        "Journal transactions that failed (their answers went out anyway).",
        &[],
        [(vec![], j.failed)],
    );
    f.counter(
        "scpd_journal_events_total",
        "Events committed to the journal.",
        &[],
        [(vec![], j.events)],
    );
    f.gauge(
        "scpd_journal_queue_batches",
        "Batches of events waiting for the journal writer.",
        &[],
        [(vec![], j.queued as i64)],
    );

    // The process (CPU, memory, descriptors, threads, start time).
    let process = prometheus::process_collector::ProcessCollector::for_self();
    f.0.extend(process.collect());

    // A labelled family with nothing counted yet has no sample, and the format no way to
    // write it.
    f.0.retain(|m| !m.get_metric().is_empty());
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&f.0, &mut out)
        .expect("text encoding of valid families");
    String::from_utf8(out).expect("the text format is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::stats::ShardStats;
    use super::*;

    #[test]
    fn snake_names_enum_values() {
        #[derive(Debug)]
        enum E {
            ResourceLimitation,
        }
        assert_eq!(snake(E::ResourceLimitation), "resource_limitation");
    }

    #[test]
    fn every_family_is_named_and_typed() {
        let mut sh = ShardStats::default();
        sh.tcaps[User::Camel.index()].0.opened_incoming = 3;
        sh.tcaps[User::Win.index()].0.opened_incoming = 1;
        sh.tcaps[User::Win.index()].1 = 2;
        sh.tcaps[User::Camel.index()].0.ended_normally = 2;
        sh.calls.triggers[1][1] = 3;
        let text = render(&Snapshot {
            shards: vec![sh.clone(), sh],
            ..Default::default()
        });
        assert!(text.contains("scpd_tcap_dialogues_begun_total{by=\"peer\",tcap=\"itu\"} 6"));
        assert!(text.contains("scpd_tcap_dialogues_begun_total{by=\"peer\",tcap=\"win\"} 2"));
        assert!(text.contains("scpd_tcap_dialogues_open{tcap=\"win\"} 4"));
        assert!(
            text.contains("scpd_triggers_total{direction=\"originating\",protocol=\"camel\"} 6")
        );
        assert!(text.contains("scpd_journal_commit_duration_seconds_bucket{le=\"+Inf\"} 0"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let name = line.split(['{', ' ']).next().unwrap();
            let family = name
                .trim_end_matches("_bucket")
                .trim_end_matches("_sum")
                .trim_end_matches("_count");
            assert!(
                text.contains(&format!("# TYPE {name} "))
                    || text.contains(&format!("# TYPE {family} histogram")),
                "{name} has no TYPE"
            );
        }
    }
}
