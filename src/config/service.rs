//! The service-logic sections: `[routing_numbers]` pools and how `[decisions]` waits for
//! the data-session server and falls back without it.

use serde::Deserialize;

/// `[routing_numbers]`: pools of temporary routing numbers and anchor numbers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingNumbers {
    /// How often expired numbers are freed (ms).
    pub sweep_interval_ms: u64,
    /// How long an anchor number drawn for the anchor policy stays live.
    pub anchor_ttl_seconds: u32,
    pub pool: Vec<crate::service::routing::PoolConfig>,
}

impl Default for RoutingNumbers {
    fn default() -> RoutingNumbers {
        RoutingNumbers {
            sweep_interval_ms: 1000,
            anchor_ttl_seconds: 60,
            pool: Vec::new(),
        }
    }
}

/// What a `decide` call gets when the data-session server does not answer in time.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Fallback {
    #[default]
    Continue,
    Monitor,
    Release,
}

/// `[decisions]`: the Decisions.Session stream.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Decisions {
    /// How long to wait for an answer (ms): well inside the switch's Tssf (TS 23.078
    /// §4.6.1.2: 1 to 20 s, often 3 to 10 s) so the fallback still reaches it in time.
    pub deadline_ms: u64,
    pub fallback: Fallback,
    /// Q.850 cause of the `release` fallback.
    pub fallback_release_cause: u8,
    /// While a CAMEL trigger (CAP v2+) waits for its decision, send ResetTimer after this
    /// many ms so the gsmSSF's Tssf does not expire first; 0: never.
    pub reset_timer_after_ms: u64,
    /// The Tssf value (seconds) ResetTimer sets.
    pub reset_timer_seconds: u32,
}

impl Default for Decisions {
    fn default() -> Decisions {
        Decisions {
            deadline_ms: 1000,
            fallback: Fallback::Continue,
            fallback_release_cause: 31,
            reset_timer_after_ms: 0,
            reset_timer_seconds: 10,
        }
    }
}

impl Decisions {
    /// When to send ResetTimer and the Tssf it sets, if configured.
    pub fn reset_timer(&self) -> Option<(std::time::Duration, u32)> {
        (self.reset_timer_after_ms > 0).then(|| {
            (
                std::time::Duration::from_millis(self.reset_timer_after_ms),
                self.reset_timer_seconds,
            )
        })
    }

    pub fn fallback_instruction(&self) -> crate::service::Instruction {
        use crate::service::Instruction;
        match self.fallback {
            Fallback::Continue => Instruction::Continue,
            Fallback::Monitor => Instruction::Monitor,
            Fallback::Release => Instruction::Release(self.fallback_release_cause),
        }
    }
}
