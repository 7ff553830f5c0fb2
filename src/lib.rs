//! scpd: an IN/CAMEL Service Control Point adapter.
//!
//! Layers, each a module with one job (see DESIGN.md): `transport` moves bytes, `m3ua`,
//! `sccp` and `tcap` are sans-IO protocol cores, `camel` and `ain` are the application
//! protocols, `service` is the protocol-neutral call model, `store` and `api` are adapters
//! around it, `lab` holds the decode, replay and simulation tools, and `cli` is the
//! `scpd` command line over all of them.

pub mod ain;
pub mod api;
pub mod ber;
pub mod camel;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod decisions;
pub mod digits;
pub mod lab;
pub mod m3ua;
pub mod node;
pub mod routing;
pub mod sccp;
pub mod service;
pub mod store;
pub mod tcap;
pub mod transport;

/// Types generated from `proto/scpd/v1/scpd.proto`: the gRPC surface and the CallEvent
/// model the service layer produces.
pub mod proto {
    tonic::include_proto!("scpd.v1");
    /// Descriptor set for gRPC server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/scpd_descriptor.bin"));
}
