//! `scpd`: the command line (INTERFACES.md); it lives in [`scpd::cli`].

fn main() -> std::process::ExitCode {
    scpd::cli::main()
}
