//! `scpd completions SHELL` and `scpd man`: generated from the clap definitions themselves
//! (clap_complete, clap_mangen), so they cannot drift from the real options. Both render
//! into memory first: the generators panic on a failed write, and a closed pipe is no
//! reason to.

use super::out::{self, Failure};
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args)]
pub(super) struct ManArgs {
    /// Write scpd.1 and one page per command (scpd-run.1, scpd-subscriber-add.1, ...) into
    /// this directory instead of printing scpd.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

pub(super) fn cmd_completions(
    a: CompletionsArgs,
    mut cmd: clap::Command,
) -> Result<ExitCode, Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "scpd", &mut buf);
    out::bytes(&buf)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn cmd_man(a: ManArgs, cmd: clap::Command) -> Result<ExitCode, Failure> {
    let cmd = cmd.version(env!("CARGO_PKG_VERSION"));
    match a.dir {
        None => {
            out::bytes(&render(cmd)?)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            write_pages(&dir, cmd, "scpd")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render(cmd: clap::Command) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| format!("man page: {e}"))?;
    Ok(buf)
}

/// `name.1` for `cmd`, then `name-SUB.1` for each subcommand, depth first.
fn write_pages(dir: &std::path::Path, cmd: clap::Command, name: &str) -> Result<(), String> {
    let cmd = cmd.name(name.to_string());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let sub_name = format!("{name}-{}", sub.get_name());
        write_pages(dir, sub.clone(), &sub_name)?;
    }
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, render(cmd)?).map_err(|e| format!("{}: {e}", path.display()))
}
