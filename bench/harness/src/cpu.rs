//! CPU time of one `terraform plan`, split between Terraform and the provider
//! processes it starts. Terraform waits for its providers, so the benchmark
//! gets only their sum. To tell them apart, a dev override directory contains a
//! `terraform-provider-alicr` that is this benchmark binary, which runs the
//! real provider, waits for it and appends its CPU time to a log.
//! These runs are not timed: the wrapper adds a process start per provider.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use alicr_testkit::Workspace;
use anyhow::{bail, Context as _};

use crate::stats::Samples;

/// Set on the wrapper: the real provider binary it runs.
const WRAP_ENV: &str = "ALICR_BENCH_WRAP_PROVIDER";
/// Set on the wrapper: the file each provider's CPU time is appended to.
const LOG_ENV: &str = "ALICR_BENCH_CPU_LOG";

/// CPU time of one command.
#[derive(Debug, Default, Clone)]
pub struct CpuSplit {
    /// Terraform itself (with the wrapper's own small share).
    pub terraform: Samples,
    /// Every provider process of the command together.
    pub providers: Samples,
    /// Provider processes Terraform started, per run.
    pub processes: Vec<usize>,
}

/// Runs as the provider wrapper when the benchmark started this process for
/// Terraform and returns the provider's exit code; `None` in a normal run.
pub fn run_as_wrapper() -> Option<i32> {
    let real = std::env::var_os(WRAP_ENV)?;
    let log = PathBuf::from(std::env::var_os(LOG_ENV)?);
    let status = Command::new(&real)
        .args(std::env::args_os().skip(1))
        .status();
    let provider = children_cpu();
    let line = format!("{}\n", provider.as_micros());
    let logged = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(error) = logged {
        eprintln!(
            "alicr-bench wrapper: failed to write {}: {error}",
            log.display()
        );
    }
    Some(match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(error) => {
            eprintln!("alicr-bench wrapper: failed to run the provider: {error}");
            1
        }
    })
}

/// User plus system time of every waited-for child of this process so far.
fn children_cpu() -> Duration {
    use nix::sys::resource::{getrusage, UsageWho};
    let Ok(usage) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
        return Duration::ZERO;
    };
    let time = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec().max(0) as u64)
            + Duration::from_micros(t.tv_usec().max(0) as u64)
    };
    time(usage.user_time()) + time(usage.system_time())
}

/// A dev override directory whose provider is this binary, wrapping `provider`.
pub struct Wrapped {
    dir: tempfile::TempDir,
    provider: PathBuf,
}

impl Wrapped {
    pub fn new(provider: &Path) -> anyhow::Result<Wrapped> {
        let dir = tempfile::Builder::new()
            .prefix("alicr-bench-cpu-")
            .tempdir()?;
        let me =
            std::env::current_exe().context("failed to find the path of the benchmark binary")?;
        std::os::unix::fs::symlink(&me, dir.path().join("terraform-provider-alicr"))?;
        Ok(Wrapped {
            dir,
            provider: provider.to_path_buf(),
        })
    }

    /// The path Terraform's dev override should point at.
    pub fn binary(&self) -> PathBuf {
        self.dir.path().join("terraform-provider-alicr")
    }

    /// Sets the wrapper's variables on `workspace`, logging to this directory.
    pub fn configure(&self, workspace: &mut Workspace) {
        workspace.set_env(WRAP_ENV, &self.provider.display().to_string());
        workspace.set_env(LOG_ENV, &self.log().display().to_string());
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("cpu.log")
    }

    /// Takes the provider CPU times logged since the last call.
    fn take(&self) -> anyhow::Result<Vec<Duration>> {
        let text = std::fs::read_to_string(self.log()).unwrap_or_default();
        let _ = std::fs::remove_file(self.log());
        text.lines()
            .map(|line| {
                line.trim()
                    .parse::<u64>()
                    .map(Duration::from_micros)
                    .with_context(|| format!("bad line in the CPU log: {line:?}"))
            })
            .collect()
    }
}

/// Runs `terraform <args>` `runs` times in `workspace` and splits each run's
/// CPU time. Without `wrapped`, every CPU second is Terraform's.
pub fn measure(
    workspace: &Workspace,
    wrapped: Option<&Wrapped>,
    args: &[&str],
    runs: usize,
) -> anyhow::Result<CpuSplit> {
    let mut split = CpuSplit::default();
    for _ in 0..runs {
        let before = children_cpu();
        let output = workspace.run(args);
        let total = children_cpu().saturating_sub(before);
        if output.code != 0 {
            bail!(
                "terraform {args:?} failed in the CPU run:\n{}",
                output.combined()
            );
        }
        let logged = match wrapped {
            Some(wrapped) => wrapped.take()?,
            None => Vec::new(),
        };
        split.processes.push(logged.len());
        let providers: Duration = logged.into_iter().sum();
        split.terraform.push(total.saturating_sub(providers));
        split.providers.push(providers);
    }
    Ok(split)
}

/// Renders the CPU table of the scale section.
pub fn render_section(out: &mut String, floor: &CpuSplit, alicr: &CpuSplit) {
    use std::fmt::Write as _;
    if alicr.terraform.len() == 0 || floor.terraform.len() == 0 {
        return;
    }
    let _ = writeln!(out, "### CPU of one plan\n");
    let _ = writeln!(
        out,
        "Untimed plans from an empty state, {} of each, medians in ms. Each alicr provider process ran under a \
         wrapper that waited for it and logged its CPU time; Terraform's share is the rest of the command's.\n",
        alicr.terraform.len()
    );
    let _ = writeln!(
        out,
        "| plan of | Terraform | provider processes | total |\n|---|---|---|---|"
    );
    let ms = crate::stats::ms;
    let _ = writeln!(
        out,
        "| terraform_data (floor) | {} | - | {} |",
        ms(floor.terraform.median()),
        ms(floor.terraform.median())
    );
    let _ = writeln!(
        out,
        "| alicr_build_rule | {} | {} | {} |\n",
        ms(alicr.terraform.median()),
        ms(alicr.providers.median()),
        ms(alicr.terraform.median() + alicr.providers.median())
    );
}

/// Writes the sentence on how the plan's extra CPU time splits between
/// Terraform and the provider.
pub fn cost_note(out: &mut String, floor: &CpuSplit, alicr: &CpuSplit) {
    use std::fmt::Write as _;
    if alicr.terraform.len() == 0 || floor.terraform.len() == 0 {
        return;
    }
    let terraform_extra = alicr
        .terraform
        .median()
        .saturating_sub(floor.terraform.median());
    let providers = alicr.providers.median();
    let extra = terraform_extra + providers;
    if extra.is_zero() {
        return;
    }
    let share = terraform_extra.as_secs_f64() / extra.as_secs_f64() * 100.0;
    let _ = writeln!(
        out,
        "- Plan CPU: planning the rules cost {} ms more CPU than the floor. Of that, {share:.0}% ({} ms) is Terraform's \
         own work for a provider that runs as a plugin (AutoMTLS start-ups, gRPC, msgpack, its checks of every planned \
         value), which a provider cannot remove, and {} ms is the alicr provider processes.",
        crate::stats::ms(extra),
        crate::stats::ms(terraform_extra),
        crate::stats::ms(providers)
    );
}
