//! The `scpd` command line (INTERFACES.md): the clap parser and the dispatch to one
//! function per command. It sits in the library, one file per command group, so that the
//! binary is a call to [`main`] and each group reads (and changes) on its own; the doc
//! comments of the argument types are the `--help` text.

mod decode;
mod grpc;
mod run;
mod sim;

use clap::{Parser, Subcommand};
use decode::{DecodeArgs, ReplayArgs};
use grpc::{EventsArgs, RoutingNumberCmd, SubscriberCmd};
use run::RunArgs;
use sim::SimArgs;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "scpd",
    version,
    about = "IN/CAMEL Service Control Point adapter: answers CAMEL (CAP) and AIN queries from \
             switches over SIGTRAN (M3UA/SCCP/TCAP) and reports the calls over gRPC",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the SCP daemon (M3UA server side, gRPC, SQLite store). Without --config it uses
    /// the embedded default: M3UA on tcp://127.0.0.1:2905, point code 200, CAMEL SSN 146,
    /// gRPC on 127.0.0.1:50051, store scpd.db. Stops cleanly on SIGINT/SIGTERM.
    Run(RunArgs),
    /// Decode captured signalling (pcap/pcapng or hex lines) to one JSON line per message.
    Decode(DecodeArgs),
    /// Switch simulator and load generator: plays an MSC (CAMEL) or a wireline SSP (AIN)
    /// against a running SCP; prints the outcome counts, throughput and latency percentiles
    /// as JSON.
    Sim(SimArgs),
    /// Play the switch side of each TCAP dialogue in a capture against a live SCP and report,
    /// as JSON, where its answers differ from the captured ones.
    Replay(ReplayArgs),
    /// Print call events from a running scpd as JSON lines (a built-in gRPC subscriber).
    Events(EventsArgs),
    /// Manage the subscribers of a running scpd (over gRPC).
    #[command(subcommand)]
    Subscriber(SubscriberCmd),
    /// Manage temporary routing numbers of a running scpd (over gRPC).
    #[command(subcommand, name = "routing-number")]
    RoutingNumber(RoutingNumberCmd),
    /// Validate a configuration file; exit 0, or print the offending key and exit 1.
    CheckConfig {
        /// The TOML file (see config/scpd.toml for every key).
        file: std::path::PathBuf,
    },
}

/// What the `scpd` binary does: parse the command line, log to stderr (filter from
/// `SCPD_LOG`, default `info`), run the command; an error is printed as `scpd: ...` and
/// exits 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SCPD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = match cli.command {
        Command::Run(a) => run::cmd_run(a),
        Command::CheckConfig { file } => run::cmd_check(&file),
        Command::Decode(a) => decode::cmd_decode(a),
        Command::Sim(a) => runtime().block_on(sim::cmd_sim(a)),
        Command::Replay(a) => runtime().block_on(decode::cmd_replay(a)),
        Command::Events(a) => client_runtime().block_on(grpc::cmd_events(a)),
        Command::Subscriber(c) => runtime().block_on(grpc::cmd_subscriber(c)),
        Command::RoutingNumber(c) => runtime().block_on(grpc::cmd_routing_number(c)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scpd: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One thread for a gRPC client that only follows a stream (`scpd events`): it often runs
/// beside the daemon, and more threads would only hand its work between them.
fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A multi-threaded tokio runtime for the commands that do network I/O.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}
