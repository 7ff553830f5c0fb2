//! What a run reports: the outcome counts and the latency percentiles (from HDR
//! histograms), printed as JSON by the CLI, and the progress line printed once a second.

use super::engine::Engine;
use hdrhistogram::Histogram;
use std::time::Instant;

/// Latency percentiles in microseconds.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: u64,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Percentiles {
        Percentiles {
            count: h.len(),
            p50: h.value_at_quantile(0.5),
            p90: h.value_at_quantile(0.9),
            p99: h.value_at_quantile(0.99),
            max: h.max(),
            mean: h.mean().round() as u64,
        }
    }
}

/// The outcome counts, printed as JSON by the CLI.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SimReport {
    /// Calls started.
    pub calls: u32,
    /// Answered with Continue (CAMEL), Continue / Authorize_Termination (AIN) or the empty
    /// result (WIN).
    pub continued: u32,
    /// Events armed: the call was monitored through answer and disconnect.
    pub monitored: u32,
    /// Connect (CAMEL), Analyze_Route / Forward_Call (AIN), a TerminationList or Digits (WIN).
    pub connected: u32,
    /// ReleaseCall (CAMEL), Disconnect (AIN), ActionCode "disconnect call" (WIN).
    pub released: u32,
    /// Calls whose dialogue ended as expected (roaming legs included).
    pub completed: u32,
    /// Terminating calls to one of the MSC's roaming numbers (`--msrn`, `--msrns`): legs
    /// to a roaming mobile, delivered without a query (a call routed on an MSRN meets no
    /// T-CSI).
    pub roaming_legs: u32,
    pub errors: u32,
    /// Calls that got no answer within the timeout (also counted in `errors`).
    pub timeouts: u32,
    pub error_samples: Vec<String>,
    pub originating: u32,
    pub terminating: u32,
    pub camel: u32,
    pub ain: u32,
    /// Calls played as INAP CS-1.
    pub inap: u32,
    /// Calls played as WIN (ANSI-41).
    pub win: u32,
    pub elapsed_ms: u64,
    /// Completed calls per second over the run.
    pub throughput_cps: f64,
    /// The target rate, when one was given.
    pub rate_target: Option<f64>,
    /// First answer: from the trigger (InitialDP, Info_Analyzed, Termination_Attempt,
    /// OriginationRequest, AnalyzedInformation) to the SCP's first package for the call.
    pub latency_us: Percentiles,
    /// From the disconnect report (an EDP-R; WIN's ODisconnect / TDisconnect query) to the
    /// SCP's closing package.
    pub end_latency_us: Percentiles,
    pub first_answer_p50_us: u64,
    pub first_answer_max_us: u64,
    /// Over SCTP: the messages each way and the streams DATA went on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sctp: Option<SctpReport>,
}

/// What went over an SCTP association, each way.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SctpReport {
    pub sent: super::wire::SctpStats,
    pub received: super::wire::SctpStats,
}

impl Engine {
    pub(super) fn progress(&self, now: Instant) {
        let secs = now.duration_since(self.start).as_secs_f64();
        eprintln!(
            "sim {secs:6.1}s started {} completed {} active {} monitored {} errors {} | {:.1} calls/s | first answer p50 {} us p99 {} us",
            self.started,
            self.rep.completed,
            self.calls.len(),
            self.rep.monitored,
            self.rep.errors,
            f64::from(self.rep.completed) / secs.max(1e-9),
            self.first.value_at_quantile(0.5),
            self.first.value_at_quantile(0.99),
        );
    }

    pub(super) fn finish(mut self) -> SimReport {
        let elapsed = self.start.elapsed();
        self.rep.calls = self.started;
        self.rep.elapsed_ms = elapsed.as_millis() as u64;
        self.rep.throughput_cps =
            (f64::from(self.rep.completed) / elapsed.as_secs_f64().max(1e-9) * 10.0).round() / 10.0;
        self.rep.latency_us = Percentiles::of(&self.first);
        self.rep.end_latency_us = Percentiles::of(&self.end);
        self.rep.first_answer_p50_us = self.rep.latency_us.p50;
        self.rep.first_answer_max_us = self.rep.latency_us.max;
        self.rep
    }
}
