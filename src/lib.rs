//! scpd: an IN/CAMEL Service Control Point adapter.
//!
//! Layers, each a module with one job (see DESIGN.md): `transport` moves bytes, `m3ua`,
//! `sccp` and `tcap` are sans-IO protocol cores, `camel` and `ain` are the application
//! protocols, `service` is the protocol-neutral call model, `store` and `api` are adapters
//! around it, and `lab` holds the decode, replay and simulation tools.

pub mod ber;
pub mod lab;
