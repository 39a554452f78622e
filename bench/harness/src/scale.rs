//! The Terraform benchmarks: plan, apply, refresh and destroy of many build
//! rules against the emulator next to the same graph of `terraform_data`
//! resources; the API requests and provider memory of the refresh; and an
//! apply under injected throttling and server errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use alicr_emulator::{Admin, Realism, RequestCounts};
use alicr_testkit::{Output, TestEmulator, Workspace};
use anyhow::bail;

use crate::configs::{self, Repos};
use crate::cpu::{self, CpuSplit};
use crate::emulator;
use crate::rss::RssSampler;
use crate::stats::Samples;

/// Wall times of the four commands of one configuration.
#[derive(Debug, Default, Clone)]
pub struct Cycle {
    pub plan: Samples,
    pub apply: Samples,
    pub refresh: Samples,
    pub destroy: Samples,
}

/// Results of [`scale`].
#[derive(Debug)]
pub struct ScaleResult {
    pub rules: usize,
    pub alicr: Cycle,
    pub floor: Cycle,
    /// API requests of the last refresh plan of the rules.
    pub refresh_requests: RequestCounts,
    /// Peak `VmHWM` in KiB of each provider process during the plans.
    pub plan_rss_kib: BTreeMap<u32, u64>,
    /// CPU time of untimed plans from an empty state: the floor's, and
    /// alicr's split between Terraform and the provider processes.
    pub floor_plan_cpu: CpuSplit,
    pub alicr_plan_cpu: CpuSplit,
}

/// Untimed plans per configuration for the CPU split.
const CPU_RUNS: usize = 3;

/// Results of [`faults`].
#[derive(Debug)]
pub struct FaultResult {
    pub rules: usize,
    /// Latency the emulator added to every API call, in both applies.
    pub latency_ms: u64,
    pub throttle_rate: f64,
    pub server_error_rate: f64,
    /// The `x-acs-retry-after` the emulator sends with every second throttled
    /// call; 0 means none.
    pub retry_after_ms: u64,
    pub clean: Samples,
    pub faulted: Samples,
    pub faulted_requests: RequestCounts,
}

/// One workspace per configuration, both pointed at the same emulator.
struct Pair {
    alicr: Workspace,
    floor: Workspace,
}

fn workspaces(provider: &Path, emulator: &TestEmulator, repos: &Repos, total: usize) -> Pair {
    let mut alicr = Workspace::with_dev_override(provider);
    let mut floor = Workspace::with_dev_override(provider);
    emulator.configure(&mut alicr);
    emulator.configure(&mut floor);
    alicr.write("main.tf", &configs::build_rules(repos, total));
    floor.write("main.tf", &configs::terraform_data(repos, total));
    Pair { alicr, floor }
}

/// Runs `terraform <args>` and returns its wall time, failing unless it
/// exited with one of `codes`.
fn timed(
    workspace: &Workspace,
    args: &[&str],
    codes: &[i32],
) -> anyhow::Result<(Duration, Output)> {
    let started = Instant::now();
    let output = workspace.run(args);
    let elapsed = started.elapsed();
    if !codes.contains(&output.code) {
        let all = output.combined();
        let tail: String = all
            .chars()
            .rev()
            .take(4000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        bail!(
            "terraform {args:?} exited with {} (expected {codes:?}):\n{tail}",
            output.code
        );
    }
    Ok((elapsed, output))
}

const PLAN: &[&str] = &["plan", "-input=false"];
const APPLY: &[&str] = &["apply", "-auto-approve", "-input=false"];
const REFRESH_PLAN: &[&str] = &["plan", "-input=false", "-detailed-exitcode"];
const DESTROY: &[&str] = &["destroy", "-auto-approve", "-input=false"];

/// Plan, apply, refresh and destroy `total` rules and the floor, `reps`
/// times, alternating the two configurations command by command.
pub fn scale(provider: &Path, total: usize, reps: usize) -> anyhow::Result<ScaleResult> {
    let emulator = TestEmulator::start();
    let admin = emulator.admin();
    let repos = emulator::prepare_repos(&admin)?;
    let pair = workspaces(provider, &emulator, &repos, total);
    let mut result = ScaleResult {
        rules: total,
        alicr: Cycle::default(),
        floor: Cycle::default(),
        refresh_requests: RequestCounts::default(),
        plan_rss_kib: BTreeMap::new(),
        floor_plan_cpu: CpuSplit::default(),
        alicr_plan_cpu: CpuSplit::default(),
    };
    for rep in 0..reps {
        tracing::info!(
            repetition = rep + 1,
            reps,
            resources = total,
            "scale benchmark"
        );
        let (floor_plan, alicr_plan) =
            plan_pair(&pair, provider, PLAN, &[0], &mut result.plan_rss_kib)?;
        result.floor.plan.push(floor_plan);
        result.alicr.plan.push(alicr_plan);

        result.floor.apply.push(timed(&pair.floor, APPLY, &[0])?.0);
        result.alicr.apply.push(timed(&pair.alicr, APPLY, &[0])?.0);
        emulator::check_rules(&admin, &repos, total)?;

        admin.reset_requests();
        let (floor_refresh, alicr_refresh) = plan_pair(
            &pair,
            provider,
            REFRESH_PLAN,
            &[0],
            &mut result.plan_rss_kib,
        )?;
        result.refresh_requests = admin.request_counts();
        result.floor.refresh.push(floor_refresh);
        result.alicr.refresh.push(alicr_refresh);

        result
            .floor
            .destroy
            .push(timed(&pair.floor, DESTROY, &[0])?.0);
        result
            .alicr
            .destroy
            .push(timed(&pair.alicr, DESTROY, &[0])?.0);
        emulator::check_rules(&admin, &repos, 0)?;
    }
    // Every rule is destroyed again, so these plans start from an empty state.
    let wrapped = cpu::Wrapped::new(provider)?;
    let mut wrapped_alicr = Workspace::with_dev_override(&wrapped.binary());
    emulator.configure(&mut wrapped_alicr);
    wrapped.configure(&mut wrapped_alicr);
    wrapped_alicr.write("main.tf", &configs::build_rules(&repos, total));
    result.floor_plan_cpu = cpu::measure(&pair.floor, None, PLAN, CPU_RUNS)?;
    result.alicr_plan_cpu = cpu::measure(&wrapped_alicr, Some(&wrapped), PLAN, CPU_RUNS)?;
    emulator.shutdown();
    Ok(result)
}

/// Times one plan of each configuration while sampling the provider's memory
/// (the sampler runs during both, so both pay its small cost).
fn plan_pair(
    pair: &Pair,
    provider: &Path,
    args: &[&str],
    codes: &[i32],
    peaks: &mut BTreeMap<u32, u64>,
) -> anyhow::Result<(Duration, Duration)> {
    let sampler = RssSampler::start(provider);
    let floor = timed(&pair.floor, args, codes)?.0;
    let alicr = timed(&pair.alicr, args, codes)?.0;
    peaks.extend(sampler.finish());
    Ok((floor, alicr))
}

/// Applies `total` rules without faults and then with throttling and server
/// errors injected, `reps` times, destroying (without faults) in between. Both
/// applies see `latency_ms` of added latency per API call. Without
/// `retry_after_hints`, throttled calls carry no `x-acs-retry-after`, which
/// leaves only the client's own backoff.
pub fn faults(
    provider: &Path,
    total: usize,
    reps: usize,
    throttle_rate: f64,
    server_error_rate: f64,
    latency_ms: u64,
    retry_after_hints: bool,
) -> anyhow::Result<FaultResult> {
    let emulator = TestEmulator::start();
    let admin = emulator.admin();
    let repos = emulator::prepare_repos(&admin)?;
    let pair = workspaces(provider, &emulator, &repos, total);
    let mut result = FaultResult {
        rules: total,
        latency_ms,
        throttle_rate,
        server_error_rate,
        retry_after_ms: if retry_after_hints {
            Realism::instant().retry_after_ms
        } else {
            0
        },
        clean: Samples::default(),
        faulted: Samples::default(),
        faulted_requests: RequestCounts::default(),
    };
    let clean = Realism {
        latency_ms,
        ..Realism::instant()
    };
    let faulty = Realism {
        throttle_rate,
        server_error_rate,
        latency_ms,
        retry_after_ms: result.retry_after_ms,
        ..Realism::instant()
    };
    for rep in 0..reps {
        tracing::info!(
            repetition = rep + 1,
            reps,
            resources = total,
            "fault benchmark"
        );
        result
            .clean
            .push(apply_and_destroy(&pair.alicr, &admin, &repos, total, Some(&clean))?.0);
        let faulted = apply_and_destroy(&pair.alicr, &admin, &repos, total, Some(&faulty))?;
        result.faulted.push(faulted.0);
        result.faulted_requests = faulted.1;
    }
    emulator.shutdown();
    Ok(result)
}

/// Times one apply (under `realism`, if given) and counts its API requests,
/// checks the emulator, then destroys without faults.
fn apply_and_destroy(
    workspace: &Workspace,
    admin: &Admin,
    repos: &Repos,
    total: usize,
    realism: Option<&Realism>,
) -> anyhow::Result<(Duration, RequestCounts)> {
    if let Some(realism) = realism {
        admin.set_realism(realism.clone());
    }
    admin.reset_requests();
    let applied = timed(workspace, APPLY, &[0]);
    let requests = admin.request_counts();
    admin.set_realism(Realism::instant());
    let elapsed = applied?.0;
    emulator::check_rules(admin, repos, total)?;
    timed(workspace, DESTROY, &[0])?;
    emulator::check_rules(admin, repos, 0)?;
    Ok((elapsed, requests))
}
