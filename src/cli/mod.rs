//! The `scpd` command line (INTERFACES.md): the clap parser and the dispatch to one
//! function per command. It sits in the library, one file per command group, so that the
//! binary is a call to [`main`] and each group reads (and changes) on its own; the doc
//! comments of the argument types are the `--help` text.

mod decode;
mod docs;
mod grpc;
mod logging;
mod out;
mod run;
mod sim;
mod start;
mod tenant;

use clap::{CommandFactory, Parser, Subcommand};
use decode::{DecodeArgs, ReplayArgs};
use grpc::{EventsArgs, RoutingNumberCmd, StatusArgs, SubscriberCmd};
use out::Failure;
use run::RunArgs;
use sim::SimArgs;
use std::process::ExitCode;
use tenant::TenantCmd;

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
    /// Switch simulator and load generator: plays an MSC (CAMEL, WIN) or a fixed-network
    /// SSP (AIN, INAP) against a running SCP, or (--role hlr) the HLR the SCP asks for
    /// roaming numbers and locations; prints the outcome counts, throughput and latency
    /// percentiles (an HLR: the requests it answered) as JSON.
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
    /// What a running scpd is doing (over gRPC): associations, dialogues open,
    /// subscribers, journal position, each shard's overload state; one JSON object.
    Status(StatusArgs),
    /// The [[tenants]] of a configuration, and new bearer tokens for them.
    #[command(subcommand)]
    Tenant(TenantCmd),
    /// Validate a configuration file; exit 0, or print the offending key and exit 1.
    CheckConfig {
        /// The TOML file (see config/scpd.toml for every key).
        file: std::path::PathBuf,
    },
    /// Print a shell completion script, e.g. `scpd completions bash >
    /// /etc/bash_completion.d/scpd`.
    Completions(docs::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into --dir.
    Man(docs::ManArgs),
}

/// What the `scpd` binary does: parse the command line, log to stderr (filter from
/// `SCPD_LOG`, default `info`; `scpd run` takes format and level from its configuration
/// too), run the command; an error is printed as `scpd: ...` and exits 1. A closed
/// standard output (`| head`) ends a command quietly with status 0.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Run(_)) {
        logging::init(crate::config::LogFormat::Text, "info");
    }
    let result = match cli.command {
        Command::Run(a) => run::cmd_run(a).map_err(Failure::from),
        Command::CheckConfig { file } => run::cmd_check(&file),
        Command::Decode(a) => decode::cmd_decode(a),
        Command::Sim(a) => block_on(runtime(), sim::cmd_sim(a)),
        Command::Replay(a) => block_on(runtime(), decode::cmd_replay(a)),
        Command::Events(a) => block_on(client_runtime(), grpc::cmd_events(a)),
        Command::Subscriber(c) => block_on(runtime(), grpc::cmd_subscriber(c)),
        Command::RoutingNumber(c) => block_on(runtime(), grpc::cmd_routing_number(c)),
        Command::Status(a) => block_on(runtime(), grpc::cmd_status(a)),
        Command::Tenant(c) => tenant::cmd_tenant(c),
        Command::Completions(a) => docs::cmd_completions(a, Cli::command()),
        Command::Man(a) => docs::cmd_man(a, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(Failure::StdoutClosed) => ExitCode::SUCCESS,
        Err(Failure::Message(e)) => {
            eprintln!("scpd: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One thread for a gRPC client that only follows a stream (`scpd events`): it often runs
/// beside the daemon, and more threads would only hand its work between them.
fn client_runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

/// A multi-threaded tokio runtime for the commands that do network I/O.
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))
}

/// Run a command's future on `rt`.
fn block_on(
    rt: Result<tokio::runtime::Runtime, String>,
    f: impl std::future::Future<Output = Result<ExitCode, Failure>>,
) -> Result<ExitCode, Failure> {
    rt?.block_on(f)
}
