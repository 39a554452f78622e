//! `alicr-bench`: measures the alicr provider against its floors and writes
//! the Markdown report. `scripts/bench.sh` (`make bench`) builds the release
//! binaries and runs this with the defaults below.

mod configs;
mod cpu;
mod emulator;
mod machine;
mod report;
mod rss;
mod scale;
mod startup;
mod stats;

use std::path::PathBuf;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Benchmarks of terraform-provider-alicr against alicr-emulator and Terraform's own floors.
#[derive(Debug, Parser)]
#[command(name = "alicr-bench")]
struct Cli {
    /// The release build of terraform-provider-alicr.
    #[arg(long)]
    provider: PathBuf,
    /// The `bench-floor` binary: the start-up floor.
    #[arg(long)]
    floor: PathBuf,
    /// Where to write the Markdown report.
    #[arg(long, default_value = "bench/RESULTS.md")]
    out: PathBuf,
    /// Start-ups of each program for the start-up figure.
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// Build rules (and terraform_data resources) in the scale figures.
    #[arg(long, default_value_t = 300)]
    rules: usize,
    /// Repetitions of the plan, apply, refresh and destroy cycle.
    #[arg(long, default_value_t = 1)]
    reps: usize,
    /// Build rules in the fault figure.
    #[arg(long, default_value_t = 100)]
    fault_rules: usize,
    /// Repetitions of the clean and faulted applies.
    #[arg(long, default_value_t = 1)]
    fault_reps: usize,
    /// Skip the named figures: startup, scale, faults (comma-separated).
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
}

/// The apply-under-faults runs: API latency in ms, and whether throttled
/// calls carry the emulator's `x-acs-retry-after` hints. The run without
/// hints shows the cost of the client's own backoff.
const FAULT_RUNS: [(u64, bool); 3] = [(0, true), (50, true), (0, false)];

fn main() -> anyhow::Result<()> {
    if let Some(code) = cpu::run_as_wrapper() {
        std::process::exit(code);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cli = Cli::parse();
    // Terraform resolves a dev override directory from its own working
    // directory, so the provider path must be absolute.
    cli.provider = std::fs::canonicalize(&cli.provider).map_err(|error| {
        anyhow::anyhow!(
            "cannot find the provider binary {}: {error}",
            cli.provider.display()
        )
    })?;
    let skip = |name: &str| cli.skip.iter().any(|s| s == name);
    let mut results = report::Results {
        machine: machine::describe(),
        command: command_line(),
        startup: None,
        scale: None,
        faults: Vec::new(),
        failures: Vec::new(),
    };

    if !skip("startup") {
        tracing::info!(runs = cli.runs, "start-up benchmark");
        match startup::measure(&cli.provider, &cli.floor, cli.runs) {
            Ok(result) => results.startup = Some(result),
            Err(error) => results
                .failures
                .push(("start-up".into(), format!("{error:#}"))),
        }
    }
    if !skip("scale") {
        match scale::scale(&cli.provider, cli.rules, cli.reps) {
            Ok(result) => results.scale = Some(result),
            Err(error) => results
                .failures
                .push((format!("{} build rules", cli.rules), format!("{error:#}"))),
        }
    }
    if !skip("faults") {
        // Once as fast as the emulator goes, and once with a latency closer to
        // a real API call, where retry waits weigh less against the work.
        for (latency_ms, hints) in FAULT_RUNS {
            match scale::faults(
                &cli.provider,
                cli.fault_rules,
                cli.fault_reps,
                0.2,
                0.05,
                latency_ms,
                hints,
            ) {
                Ok(result) => results.faults.push(result),
                Err(error) => results.failures.push((
                    format!("apply under faults, {latency_ms} ms latency"),
                    format!("{error:#}"),
                )),
            }
        }
    }

    for (name, error) in &results.failures {
        tracing::error!(measurement = %name, %error, "measurement failed");
    }
    std::fs::write(&cli.out, report::render(&results))?;
    tracing::info!(out = %cli.out.display(), "wrote the report");
    Ok(())
}

/// This process's command line, for the report.
fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}
