//! SIGHUP: read the configuration file again and apply what can change while calls go on —
//! the decision deadline, fallback and ResetTimer, the GT translation rules and the SCMG
//! concerned point codes — between two inputs of each shard. What else changed is logged as
//! needing a restart; a file that does not parse or validate is refused whole and the
//! running configuration kept.

use super::shard::Control;
use super::{apply, Overrides, Shared};
use crate::api::Broker;
use crate::config::Config;
use crate::node::Reload;
use crate::service::routing::RoutingTable;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::{error, info, warn};

/// Where the running configuration came from, to read it again.
#[derive(Default)]
pub struct Source {
    /// `--config`; `None`: the embedded default, which a reload cannot change.
    pub file: Option<PathBuf>,
    /// The command line's overrides, applied again over the file.
    pub overrides: Overrides,
    /// Applies a new `[log] level` to the installed log subscriber (the command line owns
    /// it); `None`: the level needs a restart.
    pub set_log_level: Option<SetLogLevel>,
}

/// Applies a log level (tracing directives); the error says why not.
pub type SetLogLevel = fn(&str) -> Result<(), String>;

impl Source {
    fn read(&self) -> Result<Config, String> {
        let Some(path) = &self.file else {
            return Err("running on the embedded configuration: no file to read again".into());
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let cfg = Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        apply(cfg, &self.overrides).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The part of `cfg` a running stack takes on.
pub fn reload_of(cfg: &Config) -> Reload {
    Reload {
        decision_deadline: Duration::from_millis(cfg.decisions.deadline_ms),
        reset_timer: cfg.decisions.reset_timer(),
        fallback: cfg.decisions.fallback_instruction(),
        gt_rules: cfg.sccp.gt_rules.clone(),
        scmg_concerned: cfg.sccp.scmg.concerned.clone(),
        anchor_ttl_ms: i64::from(cfg.routing_numbers.anchor_ttl_seconds) * 1000,
    }
}

/// What a reload from `old` to `new` does: the configuration now running (`old` with the
/// reloadable keys of `new`), the keys applied, and the sections that differ but need a
/// restart.
pub fn plan(old: &Config, new: &Config) -> (Config, Vec<&'static str>, Vec<&'static str>) {
    let mut running = old.clone();
    let mut applied = Vec::new();
    if new.log.level != old.log.level {
        running.log.level = new.log.level.clone();
        applied.push("log.level");
    }
    if new.decisions != old.decisions {
        running.decisions = new.decisions.clone();
        applied.push("decisions");
    }
    if new.sccp.gt_rules != old.sccp.gt_rules {
        running.sccp.gt_rules = new.sccp.gt_rules.clone();
        applied.push("sccp.gt_rules");
    }
    if new.sccp.scmg != old.sccp.scmg {
        running.sccp.scmg = new.sccp.scmg.clone();
        applied.push("sccp.scmg.concerned");
    }
    if new.routing_numbers.pool != old.routing_numbers.pool {
        running.routing_numbers.pool = new.routing_numbers.pool.clone();
        applied.push("routing_numbers.pool");
    }
    if new.routing_numbers.anchor_ttl_seconds != old.routing_numbers.anchor_ttl_seconds {
        running.routing_numbers.anchor_ttl_seconds = new.routing_numbers.anchor_ttl_seconds;
        applied.push("routing_numbers.anchor_ttl_seconds");
    }
    // Every section by name (a new one must be placed here): those still differing need a
    // restart.
    let Config {
        node,
        m3ua,
        sccp,
        tcap,
        ain,
        hlr,
        grpc,
        store,
        routing_numbers,
        decisions: _,
        runtime,
        overload,
        metrics,
        log,
        tenants,
    } = new;
    let r = &running;
    let restart = [
        ("node", *node != r.node),
        ("m3ua", *m3ua != r.m3ua),
        ("sccp", *sccp != r.sccp),
        ("tcap", *tcap != r.tcap),
        ("ain", *ain != r.ain),
        ("hlr", *hlr != r.hlr),
        ("grpc", *grpc != r.grpc),
        ("store", *store != r.store),
        ("routing_numbers", *routing_numbers != r.routing_numbers),
        ("runtime", *runtime != r.runtime),
        ("overload", *overload != r.overload),
        ("metrics", *metrics != r.metrics),
        ("log", *log != r.log),
        ("tenants", *tenants != r.tenants),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect();
    (running, applied, restart)
}

/// Reload on each SIGHUP until the stop.
pub(crate) async fn on_hangup(
    source: Source,
    mut running: Config,
    shared: Arc<Shared>,
    broker: Arc<Broker>,
    routing: RoutingTable,
    mut stop: watch::Receiver<bool>,
) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        warn!("no SIGHUP handler: configuration reload unavailable");
        return;
    };
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            s = hup.recv() => if s.is_none() { return },
        }
        let new = match source.read() {
            Ok(c) => c,
            Err(e) => {
                error!(error = %e, "configuration reload refused; the running configuration stays");
                continue;
            }
        };
        let (mut now, mut applied, restart) = plan(&running, &new);
        if applied.contains(&"routing_numbers.pool") {
            let set = routing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .set_pools(&now.routing_numbers.pool);
            if let Err(e) = set {
                error!(error = %e, "configuration reload: routing-number pools refused; the running ones stay");
                now.routing_numbers.pool = running.routing_numbers.pool.clone();
                applied.retain(|k| *k != "routing_numbers.pool");
            }
        }
        if !restart.is_empty() {
            warn!(sections = ?restart, "configuration reload: these changes need a restart");
        }
        if applied.is_empty() {
            info!("configuration reload: nothing to apply");
            continue;
        }
        if applied.contains(&"log.level") {
            match source.set_log_level.map(|set| set(&now.log.level)) {
                Some(Ok(())) => {}
                Some(Err(e)) => warn!(error = %e, "configuration reload: log level not changed"),
                None => warn!("configuration reload: the log level needs a restart"),
            }
        }
        let reload = Arc::new(reload_of(&now));
        broker.set_deadline(reload.decision_deadline);
        for s in &shared.shards {
            let _ = s.ctl.send(Control::Reload(reload.clone()));
        }
        info!(keys = ?applied, "configuration reloaded");
        running = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_and_gt_rules_apply_the_rest_waits_for_a_restart() {
        let old = Config::embedded();
        let mut new = old.clone();
        new.decisions.deadline_ms += 500;
        new.sccp.scmg.concerned = vec![1, 2];
        new.tcap.max_dialogues += 1;
        new.grpc.listen = "127.0.0.1:1".into();
        new.routing_numbers.pool.pop();
        let (running, applied, restart) = plan(&old, &new);
        assert_eq!(
            applied,
            ["decisions", "sccp.scmg.concerned", "routing_numbers.pool"]
        );
        assert_eq!(restart, ["tcap", "grpc"]);
        assert_eq!(running.decisions, new.decisions);
        assert_eq!(running.tcap, old.tcap, "a restart-only key does not change");
        assert_eq!(running.grpc, old.grpc);
        // The same file again: nothing more to apply, the restart still pending.
        let (_, applied, restart) = plan(&running, &new);
        assert!(applied.is_empty());
        assert_eq!(restart, ["tcap", "grpc"]);
    }
}
