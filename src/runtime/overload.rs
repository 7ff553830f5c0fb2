//! Overload control: answer every query within the switch's timer, or shed. A switch gives
//! its SCP a few seconds (CAMEL Tssf, TS 23.078 §4.6.1.2; AIN T1, GR-1299) before it falls
//! back to default handling; an answer after that only adds load. So each shard watches how
//! far behind the daemon is and takes on less before answers get late:
//!
//! - **pressure** bounds how late the answer to the input a shard is about to take will be:
//!   how long that input may have been waiting (in the socket, while reads did not drain
//!   it, and in the shard's queue since), plus how old the oldest journal batch not yet
//!   committed is (answers wait for it);
//! - past `shed_after` the shard sheds ([`Load::Shed`]: the cheapest safe answer, no call
//!   state kept, events marked `shed`); past `refuse_after` it refuses new dialogues
//!   ([`Load::Refuse`]: the TCAP abort for a full table);
//! - it steps back down one level once the pressure has stayed below that level's threshold
//!   for `recover_after` (hysteresis: no flapping at the edge).
//!
//! Sans-IO: measurements and the time in, the level out.

use crate::node::Load;
use std::time::{Duration, Instant};

/// `[overload]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverloadConfig {
    pub shed_after: Duration,
    pub refuse_after: Duration,
    pub recover_after: Duration,
}

/// What a shard measured in one wake-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pressure {
    /// How long the input about to be taken may have been waiting since it reached the socket.
    pub oldest: Duration,
    /// Age of the oldest journal batch not yet committed.
    pub journal_lag: Duration,
}

impl Pressure {
    /// How late an answer may be: each stage's bound, added.
    fn worst(&self) -> Duration {
        self.oldest + self.journal_lag
    }
}

/// One shard's overload state.
#[derive(Debug)]
pub struct Overload {
    cfg: OverloadConfig,
    level: Load,
    /// Since when the pressure has been below the current level's threshold.
    calm_since: Option<Instant>,
}

impl Overload {
    pub fn new(cfg: OverloadConfig) -> Overload {
        Overload {
            cfg,
            level: Load::Normal,
            calm_since: None,
        }
    }

    pub fn level(&self) -> Load {
        self.level
    }

    fn wanted(&self, p: &Pressure) -> Load {
        let w = p.worst();
        if w >= self.cfg.refuse_after {
            Load::Refuse
        } else if w >= self.cfg.shed_after {
            Load::Shed
        } else {
            Load::Normal
        }
    }

    /// Take a wake-up's measurements; the new level when it changed.
    pub fn observe(&mut self, p: Pressure, now: Instant) -> Option<Load> {
        let want = self.wanted(&p);
        if want > self.level {
            self.level = want;
            self.calm_since = None;
            return Some(want);
        }
        if want == self.level {
            self.calm_since = None;
            return None;
        }
        let calm = *self.calm_since.get_or_insert(now);
        if now.duration_since(calm) < self.cfg.recover_after {
            return None;
        }
        self.level = match self.level {
            Load::Refuse => Load::Shed,
            _ => Load::Normal,
        };
        // The next step down needs its own calm stretch.
        self.calm_since = (want < self.level).then_some(now);
        Some(self.level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn waited(n: u64) -> Pressure {
        Pressure {
            oldest: ms(n),
            ..Default::default()
        }
    }

    #[test]
    fn sheds_then_refuses_as_pressure_grows_and_steps_down_after_calm_stretches() {
        let mut o = Overload::new(OverloadConfig {
            shed_after: ms(200),
            refuse_after: ms(600),
            recover_after: ms(1000),
        });
        let t = Instant::now();
        let at = |n| t + ms(n);
        assert_eq!(o.observe(waited(50), at(0)), None);
        assert_eq!(o.observe(waited(250), at(10)), Some(Load::Shed));
        // The stages add up.
        let lagging = Pressure {
            oldest: ms(300),
            journal_lag: ms(300),
        };
        assert_eq!(o.observe(lagging, at(20)), Some(Load::Refuse));
        // Calm, but not for long enough: no change; a relapse starts the stretch again.
        assert_eq!(o.observe(waited(10), at(100)), None);
        assert_eq!(o.observe(waited(900), at(900)), None);
        assert_eq!(o.observe(waited(10), at(1000)), None);
        assert_eq!(o.observe(waited(10), at(1999)), None);
        assert_eq!(o.observe(waited(10), at(2000)), Some(Load::Shed));
        // One level at a time, each after its own stretch.
        assert_eq!(o.observe(waited(10), at(2500)), None);
        assert_eq!(o.observe(waited(10), at(3000)), Some(Load::Normal));
        assert_eq!(o.level(), Load::Normal);
        // Pressure between the thresholds while refusing only steps down to shedding.
        assert_eq!(
            o.observe(
                Pressure {
                    journal_lag: ms(800),
                    ..Default::default()
                },
                at(3100)
            ),
            Some(Load::Refuse)
        );
        assert_eq!(o.observe(waited(300), at(3200)), None);
        assert_eq!(o.observe(waited(300), at(4200)), Some(Load::Shed));
        assert_eq!(o.observe(waited(300), at(9000)), None);
    }
}
