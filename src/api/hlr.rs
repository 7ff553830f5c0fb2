//! Questions for the subscribers' HLRs (`RoutingNumbers.Allocate` with source HLR,
//! `Subscribers.Locate`): put to a signalling stack, which runs the MAP client
//! ([`crate::tcuser::hlr`]), and answered by the call's deadline or `[hlr] timeout_ms`.

use crate::service::hlr::{HlrError, HlrQuery, HlrRequest, HlrResult};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tonic::{Request, Status};

/// What a caller's deadline leaves for the answer to travel back.
const MARGIN: Duration = Duration::from_millis(50);

/// How the API reaches the MAP client.
#[derive(Debug)]
pub struct Hlr {
    /// `None`: no `[hlr]`.
    to: Option<mpsc::UnboundedSender<HlrRequest>>,
    timeout: Duration,
    /// How long an MSRN is good for (`[hlr] msrn_lifetime_seconds`).
    pub msrn_lifetime: Duration,
    /// Questions by (operation, outcome).
    counts: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

/// One line of [`Hlr::counts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlrCount {
    pub operation: &'static str,
    /// "ok", the MAP error's name, "no_routing_number", "timeout", "failed" or
    /// "unavailable".
    pub outcome: &'static str,
    pub count: u64,
}

/// No MAP client: every question is refused.
impl Default for Hlr {
    fn default() -> Hlr {
        Hlr::new(None, Duration::from_secs(5), Duration::from_secs(30))
    }
}

impl Hlr {
    pub fn new(
        to: Option<mpsc::UnboundedSender<HlrRequest>>,
        timeout: Duration,
        msrn_lifetime: Duration,
    ) -> Hlr {
        Hlr {
            to,
            timeout,
            msrn_lifetime,
            counts: Mutex::default(),
        }
    }

    /// Ask `query` of the HLR; the answer is due by the caller's deadline (less a margin
    /// for the way back) or the configured timeout, whichever comes first.
    pub async fn ask<T>(&self, req: &Request<T>, query: HlrQuery) -> HlrResult {
        let operation = query.operation();
        let r = self.put(req, query).await;
        let outcome = match &r {
            Ok(_) => "ok",
            Err(HlrError::Map { name, .. }) => name,
            Err(HlrError::NoRoutingNumber(_)) => "no_routing_number",
            Err(HlrError::Timeout) => "timeout",
            Err(HlrError::Failed(_)) => "failed",
            Err(HlrError::Unavailable(_)) => "unavailable",
        };
        if let Ok(mut c) = self.counts.lock() {
            *c.entry((operation, outcome)).or_default() += 1;
        }
        r
    }

    async fn put<T>(&self, req: &Request<T>, query: HlrQuery) -> HlrResult {
        let Some(to) = &self.to else {
            return Err(HlrError::Unavailable(
                "no [hlr] is configured: scpd asks no HLR".into(),
            ));
        };
        let wait = grpc_timeout(req)
            .map(|t| t.saturating_sub(MARGIN))
            .map_or(self.timeout, |t| t.min(self.timeout));
        let deadline = Instant::now() + wait;
        let (reply, answer) = oneshot::channel();
        to.send(HlrRequest {
            query,
            deadline,
            reply,
        })
        .map_err(|_| HlrError::Unavailable("scpd is stopping".into()))?;
        // The stack answers by the deadline; this bound only guards against a lost reply.
        match tokio::time::timeout(wait + Duration::from_secs(1), answer).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(HlrError::Unavailable("scpd is stopping".into())),
            Err(_) => Err(HlrError::Timeout),
        }
    }

    /// Questions so far by operation and outcome.
    pub fn counts(&self) -> Vec<HlrCount> {
        self.counts
            .lock()
            .map(|c| {
                c.iter()
                    .map(|(&(operation, outcome), &count)| HlrCount {
                        operation,
                        outcome,
                        count,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The call's `grpc-timeout` (gRPC over HTTP/2: an ASCII integer of at most 8 digits and a
/// unit, H M S m u n).
fn grpc_timeout<T>(req: &Request<T>) -> Option<Duration> {
    let v = req.metadata().get("grpc-timeout")?.to_str().ok()?;
    let (n, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: u64 = n.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// The gRPC status of a failed question: the MAP error named in the message.
pub fn status(e: &HlrError) -> Status {
    let m = e.to_string();
    match e {
        HlrError::Map {
            name: "unknownSubscriber",
            ..
        } => Status::not_found(m),
        HlrError::Map { .. } | HlrError::NoRoutingNumber(_) => Status::failed_precondition(m),
        HlrError::Timeout => Status::deadline_exceeded(m),
        HlrError::Failed(_) => Status::unavailable(m),
        HlrError::Unavailable(_) => Status::failed_precondition(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_read_in_every_unit() {
        let with = |v: &str| {
            let mut r = Request::new(());
            r.metadata_mut().insert("grpc-timeout", v.parse().unwrap());
            grpc_timeout(&r)
        };
        assert_eq!(with("2S"), Some(Duration::from_secs(2)));
        assert_eq!(with("1500m"), Some(Duration::from_millis(1500)));
        assert_eq!(with("1M"), Some(Duration::from_secs(60)));
        assert_eq!(with("7u"), Some(Duration::from_micros(7)));
        assert_eq!(with("x"), None);
        assert_eq!(with("S"), None);
        assert_eq!(grpc_timeout(&Request::new(())), None);
    }

    #[test]
    fn map_errors_become_the_status_the_api_promises() {
        let map = |name| HlrError::Map {
            name,
            detail: format!("{name} (x)"),
        };
        let s = status(&map("unknownSubscriber"));
        assert_eq!(s.code(), tonic::Code::NotFound);
        assert!(s.message().contains("unknownSubscriber"), "{}", s.message());
        let s = status(&map("absentSubscriber"));
        assert_eq!(s.code(), tonic::Code::FailedPrecondition);
        assert!(s.message().contains("absentSubscriber"), "{}", s.message());
        assert_eq!(
            status(&HlrError::Timeout).code(),
            tonic::Code::DeadlineExceeded
        );
    }
}
