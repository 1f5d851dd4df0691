//! The `ethnet` binary: parse, run, map the outcome to an exit code.
//! 0 success, 1 failure, 2 usage error (clap exits with 2 itself).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ethnet::cli::Cli::parse();
    match ethnet::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if ethnet::cmd::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
