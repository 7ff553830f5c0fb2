//! What the endpoint is set up with, read from the `[m3ua]` configuration.

use std::time::Duration;

use super::Role;
use crate::config::{self, Config};
use crate::m3ua::asp::AsConfig;
use crate::m3ua::client::{AspConfig, RegisterKey};
use crate::m3ua::ipsp::Exchange;
use crate::m3ua::pdu::MaskedPc;
use crate::m3ua::sg::{Rkm, ServerAs, SgConfig};

/// How the endpoint is set up.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The server side: our ASes, T(r) (used by every side), registration.
    pub server: SgConfig,
    /// Our ASP towards each SG; its traffic mode and first routing context are those of
    /// the client-side AS too.
    pub client: AspConfig,
    /// DAUD towards the SGs for destinations not available, this often (§4.5.3).
    pub audit_interval: Option<Duration>,
    /// Our requesting half on IPSP associations; its traffic mode and first routing
    /// context are those of the IPSP AS.
    pub ipsp: AspConfig,
    /// Our answering half on IPSP associations.
    pub ipsp_serve: AsConfig,
    /// Single or double exchange on IPSP associations (§4.3.1).
    pub ipsp_exchange: config::IpspExchange,
}

impl EndpointConfig {
    pub fn from_config(cfg: &Config) -> EndpointConfig {
        let m = &cfg.m3ua;
        let ms = Duration::from_millis;
        let rkm = |dynamic| Rkm {
            dynamic,
            first_rc: m.registration_first_rc,
            max_as: m.registration_max,
            pc_max: match cfg.variant() {
                config::Variant::Itu => 0x3fff,
                _ => 0xff_ffff,
            },
        };
        let client = AspConfig {
            asp_id: m.asp_id,
            traffic_mode: m.connect_traffic_mode.into(),
            routing_contexts: m.client_routing_contexts().to_vec(),
            t_ack: ms(m.t_ack_ms),
            max_retransmits: m.max_retransmits,
            auto_activate: true,
            beat_interval: (m.beat_interval_ms > 0).then(|| ms(m.beat_interval_ms)),
            beat_timeout: ms(m.beat_timeout_ms),
            register: m.register.then(|| RegisterKey {
                local_rk_id: 1,
                dpcs: if m.register_point_codes.is_empty() {
                    vec![cfg.node.point_code]
                } else {
                    m.register_point_codes.clone()
                },
            }),
        };
        // IPSP: our requesting half uses the ASP timers of the client side, our answering
        // half accepts the agreed routing contexts.
        let ipsp = AspConfig {
            traffic_mode: m.ipsp_traffic_mode.into(),
            routing_contexts: m.ipsp_routing_contexts.clone(),
            register: None,
            ..client.clone()
        };
        EndpointConfig {
            server: SgConfig {
                local_pc: cfg.node.point_code,
                t_r: m.t_r(),
                ases: server_ases(m),
                rkm: match m.registration {
                    config::RegistrationMode::Off => None,
                    config::RegistrationMode::Static => Some(rkm(false)),
                    config::RegistrationMode::Dynamic => Some(rkm(true)),
                },
            },
            client,
            audit_interval: (m.audit_interval_ms > 0).then(|| ms(m.audit_interval_ms)),
            ipsp,
            ipsp_serve: AsConfig {
                routing_contexts: m.ipsp_routing_contexts.clone(),
                local_pc: cfg.node.point_code,
            },
            ipsp_exchange: m.ipsp_exchange,
        }
    }

    /// What runs on an association opened towards an SG.
    pub fn client_role(&self) -> Role {
        Role::Client(self.client.clone())
    }

    /// What runs on an IPSP association we opened (`opened_by_us`) or accepted. In a
    /// single exchange the side that opened it sends ASPUP/ASPAC and the other only
    /// answers; in a double exchange both do (§4.3.1).
    pub fn ipsp_role(&self, opened_by_us: bool) -> Role {
        let x = match (self.ipsp_exchange, opened_by_us) {
            (config::IpspExchange::Double, _) => Exchange::Double,
            (config::IpspExchange::Single, true) => Exchange::SingleInitiator,
            (config::IpspExchange::Single, false) => Exchange::SingleResponder,
        };
        Role::Ipsp(x, self.ipsp.clone(), self.ipsp_serve.clone())
    }
}

/// The server-side ASes of the configuration (one open AS when none are listed).
fn server_ases(m: &config::M3ua) -> Vec<ServerAs> {
    if m.application_servers.is_empty() {
        return vec![ServerAs {
            name: "default".into(),
            routing_contexts: m.routing_contexts.clone(),
            traffic_mode: m.traffic_mode.into(),
            ..ServerAs::default()
        }];
    }
    m.application_servers
        .iter()
        .map(|a| ServerAs {
            name: a.name.clone(),
            routing_contexts: a.routing_contexts.clone(),
            traffic_mode: a.traffic_mode.into(),
            point_codes: a
                .point_codes
                .iter()
                .map(|pc| MaskedPc::exact(*pc))
                .collect(),
            asp_ids: a.asp_ids.clone(),
            peers: a.peers.clone(),
        })
        .collect()
}
