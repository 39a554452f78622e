//! Renders `bench/RESULTS.md` from one run's measurements: the machine, the
//! commands, a summary table of ratios against their goals, and the details.

use std::fmt::Write as _;

use alicr_emulator::RequestCounts;

use crate::machine::Machine;
use crate::scale::{FaultResult, ScaleResult};
use crate::startup::StartupResult;
use crate::stats::{ms, ratio, Samples};

mod faults;

/// Everything one run measured; a part is `None` when it was skipped or failed.
#[derive(Debug)]
pub struct Results {
    pub machine: Machine,
    pub command: String,
    pub startup: Option<StartupResult>,
    pub scale: Option<ScaleResult>,
    pub faults: Vec<FaultResult>,
    /// Measurements that failed, with their error.
    pub failures: Vec<(String, String)>,
}

/// The goal of peak provider memory during the large plan, in MiB.
const MEMORY_GOAL_MIB: f64 = 20.0;
/// Extra refresh requests allowed beyond the ListRepoBuildRule pages.
const REQUEST_CONSTANT: u64 = 5;
/// The largest page ListRepoBuildRule returns.
const RULE_PAGE_SIZE: usize = 100;

fn verdict(met: bool) -> &'static str {
    if met {
        "yes"
    } else {
        "**no**"
    }
}

/// Renders the whole page.
pub fn render(results: &Results) -> String {
    let mut out = String::new();
    let m = &results.machine;

    let _ = writeln!(out, "# Benchmark results\n");
    let _ = writeln!(
        out,
        "Written by `make bench` (`scripts/bench.sh`) on {}. Every figure on this page comes from this one run. \
         Each ratio divides two medians that were measured side by side, alternating the two programs run by run.\n",
        m.date
    );
    let _ = writeln!(out, "## Machine\n");
    let _ = writeln!(
        out,
        "| nproc | memory | CPU | terraform | rustc |\n|---|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n",
        m.nproc, m.memory, m.cpu_model, m.terraform, m.rustc
    );

    let _ = writeln!(out, "## Commands\n");
    let _ = writeln!(out, "```sh\ncargo build --release --bins -p terraform-provider-alicr -p alicr-emulator -p alicr-bench\n{}\n```\n", results.command);

    summary(&mut out, results);
    if let Some(startup) = &results.startup {
        startup_section(&mut out, startup);
    }
    if let Some(scale) = &results.scale {
        scale_section(&mut out, scale);
    }
    for faults in &results.faults {
        faults::section(&mut out, faults);
    }
    if !results.failures.is_empty() {
        let _ = writeln!(out, "## Measurements that failed\n");
        for (name, error) in &results.failures {
            let _ = writeln!(out, "### {name}\n\n```text\n{error}\n```\n");
        }
    }
    costs_section(&mut out, results);
    out
}

fn summary(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| figure | alicr | floor | ratio | goal | met |\n|---|---|---|---|---|---|"
    );
    if let Some(s) = &results.startup {
        let r = ratio(s.provider_plain.median(), s.floor.median());
        let _ = writeln!(
            out,
            "| start-up to handshake, no TLS (median of {}) | {} ms | {} ms | {r:.2} | <= 2 | {} |",
            s.floor.len(),
            ms(s.provider_plain.median()),
            ms(s.floor.median()),
            verdict(r <= 2.0)
        );
        let r = ratio(s.provider_tls.median(), s.floor.median());
        let _ = writeln!(
            out,
            "| start-up to handshake, AutoMTLS | {} ms | {} ms | {r:.2} | (not set) | - |",
            ms(s.provider_tls.median()),
            ms(s.floor.median())
        );
    }
    if let Some(s) = &results.scale {
        let peak_mib = peak_mib(s);
        let _ = writeln!(out, "| peak provider RSS during {}-resource plans | {peak_mib:.1} MiB | - | - | <= {MEMORY_GOAL_MIB} MiB | {} |", s.rules, verdict(peak_mib <= MEMORY_GOAL_MIB));
        for (name, alicr, floor) in [
            ("plan", &s.alicr.plan, &s.floor.plan),
            ("apply", &s.alicr.apply, &s.floor.apply),
            ("refresh plan", &s.alicr.refresh, &s.floor.refresh),
            ("destroy", &s.alicr.destroy, &s.floor.destroy),
        ] {
            let r = ratio(alicr.median(), floor.median());
            let goal = matches!(name, "plan" | "apply");
            let (goal_text, met) = if goal {
                ("<= 1.3", verdict(r <= 1.3))
            } else {
                ("(not set)", "-")
            };
            let _ = writeln!(out, "| {name} of {} build rules vs terraform_data | {} s | {} s | {r:.2} | {goal_text} | {met} |", s.rules, secs(alicr.median()), secs(floor.median()));
        }
        let (calls, bound) = refresh_bound(s);
        let _ = writeln!(
            out,
            "| API requests of one refresh of {} rules | {calls} | - | - | <= {bound} | {} |",
            s.rules,
            verdict(calls <= bound)
        );
    }
    for f in &results.faults {
        faults::summary_row(out, f);
    }
    let _ = writeln!(out);
}

fn secs(value: std::time::Duration) -> String {
    format!("{:.2}", value.as_secs_f64())
}

fn peak_mib(scale: &ScaleResult) -> f64 {
    scale.plan_rss_kib.values().copied().max().unwrap_or(0) as f64 / 1024.0
}

/// Requests of the refresh, and the goal: one ListRepoBuildRule call per page
/// per repository, plus a constant.
fn refresh_bound(scale: &ScaleResult) -> (u64, u64) {
    let repos = 3usize;
    let per_repo = scale.rules.div_ceil(repos);
    let pages = per_repo.div_ceil(RULE_PAGE_SIZE) * repos;
    (
        scale.refresh_requests.total,
        pages as u64 + REQUEST_CONSTANT,
    )
}

fn row(out: &mut String, name: &str, samples: &Samples) {
    let _ = writeln!(
        out,
        "| {name} | {} | {} | {} | {} |",
        samples.len(),
        ms(samples.median()),
        ms(samples.min()),
        ms(samples.max())
    );
}

fn startup_section(out: &mut String, s: &StartupResult) {
    let _ = writeln!(out, "## Start-up\n");
    let _ = writeln!(
        out,
        "Time from spawning the process to reading its first stdout line, with `TF_PLUGIN_MAGIC_COOKIE` and \
         `PLUGIN_PROTOCOL_VERSIONS=6` set. \"no TLS\" leaves `PLUGIN_CLIENT_CERT` unset; \"AutoMTLS\" sets it to a \
         fresh self-signed certificate, so the provider also generates its own certificate before printing. \
         The floor is `bench-floor`, a Rust binary that prints one line.\n"
    );
    let _ = writeln!(
        out,
        "| program | runs | median ms | min ms | max ms |\n|---|---|---|---|---|"
    );
    row(out, "bench-floor", &s.floor);
    row(out, "provider, no TLS", &s.provider_plain);
    row(out, "provider, AutoMTLS", &s.provider_tls);
    let _ = writeln!(out);
}

fn scale_section(out: &mut String, s: &ScaleResult) {
    let _ = writeln!(out, "## {} build rules over 3 repositories\n", s.rules);
    let _ = writeln!(
        out,
        "One `count` block per repository against an in-process alicr-emulator with no faults and no \
         asynchronous delays, next to the same blocks as `terraform_data` (the floor). \"plan\" starts from an \
         empty state; \"refresh plan\" is `plan -detailed-exitcode` with every resource in state and must report \
         no changes. Terraform runs with its default `-parallelism=10`.\n"
    );
    let _ = writeln!(
        out,
        "| command | alicr median ms | floor median ms | runs |\n|---|---|---|---|"
    );
    for (name, alicr, floor) in [
        ("plan", &s.alicr.plan, &s.floor.plan),
        ("apply", &s.alicr.apply, &s.floor.apply),
        ("refresh plan", &s.alicr.refresh, &s.floor.refresh),
        ("destroy", &s.alicr.destroy, &s.floor.destroy),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} |",
            ms(alicr.median()),
            ms(floor.median()),
            alicr.len()
        );
    }
    let _ = writeln!(out, "\n### Memory\n");
    let _ = writeln!(out, "Peak `VmHWM` of each provider process seen during the plans (Terraform starts several per command):\n");
    let mut peaks: Vec<u64> = s.plan_rss_kib.values().copied().collect();
    peaks.sort_unstable();
    let listed: Vec<String> = peaks
        .iter()
        .map(|kib| format!("{:.1}", *kib as f64 / 1024.0))
        .collect();
    let _ = writeln!(
        out,
        "{} processes, MiB: {}\n",
        peaks.len(),
        listed.join(", ")
    );
    crate::cpu::render_section(out, &s.floor_plan_cpu, &s.alicr_plan_cpu);
    requests_section(out, s);
}

fn requests_section(out: &mut String, s: &ScaleResult) {
    let (calls, bound) = refresh_bound(s);
    let _ = writeln!(out, "### API requests of one refresh\n");
    let _ = writeln!(
        out,
        "From the emulator's request counts, reset just before the last refresh plan. The goal is the pages of \
         ListRepoBuildRule (at most {RULE_PAGE_SIZE} rules a page) for each repository plus {REQUEST_CONSTANT}: {bound}. Measured: {calls}.\n"
    );
    action_table(out, &s.refresh_requests);
}

fn action_table(out: &mut String, counts: &RequestCounts) {
    let _ = writeln!(out, "| action | requests |\n|---|---|");
    for (action, n) in &counts.by_action {
        let _ = writeln!(out, "| {action} | {n} |");
    }
    let _ = writeln!(out);
}

/// Sentences on where the time goes, computed from this run's numbers.
fn costs_section(out: &mut String, results: &Results) {
    let _ = writeln!(out, "## What dominates the cost\n");
    if let Some(s) = &results.startup {
        let extra = s.provider_plain.median().saturating_sub(s.floor.median());
        let tls = s
            .provider_tls
            .median()
            .saturating_sub(s.provider_plain.median());
        let _ = writeln!(
            out,
            "- Start-up: the provider needs {} ms more than the floor before its handshake line (argument parsing, logging, \
             the async runtime, the socket and the gRPC server); AutoMTLS adds {} ms for generating the server \
             certificate and building the TLS configuration.",
            ms(extra),
            ms(tls)
        );
    }
    if let Some(s) = &results.scale {
        apply_cost(out, s);
        plan_cost(out, s, results.startup.as_ref());
        crate::cpu::cost_note(out, &s.floor_plan_cpu, &s.alicr_plan_cpu);
        let _ = writeln!(
            out,
            "- Refresh: {} API requests for {} rules; reads of one repository share its ListRepoBuildRule pages.",
            s.refresh_requests.total, s.rules
        );
    }
    for f in &results.faults {
        faults::cost_note(out, f);
    }
    let _ = writeln!(out);
}

fn apply_cost(out: &mut String, s: &ScaleResult) {
    let (alicr, floor) = (s.alicr.apply.median(), s.floor.apply.median());
    if alicr <= floor {
        let _ = writeln!(
            out,
            "- Apply: the alicr apply took no longer than the floor ({} s against {} s), so Terraform's own graph walk, \
             state handling and plugin RPCs dominate; the API calls to the emulator do not show.",
            secs(alicr),
            secs(floor)
        );
    } else {
        let provider_share = 1.0 - ratio(floor, alicr);
        let _ = writeln!(
            out,
            "- Apply: the floor's work (Terraform's graph walk and state handling) is {:.0}% of the alicr apply; the \
             other {:.0}% is the provider's plugin RPCs and API calls.",
            (1.0 - provider_share) * 100.0,
            provider_share * 100.0
        );
    }
}

/// Estimates how much of the plan's gap to the floor the provider start-ups
/// explain. Terraform starts providers with AutoMTLS unless
/// `TF_DISABLE_PLUGIN_TLS` is set, so every provider process of a plan pays
/// the TLS start-up.
fn plan_cost(out: &mut String, s: &ScaleResult, startup: Option<&StartupResult>) {
    let counts = &s.alicr_plan_cpu.processes;
    if counts.is_empty() {
        return;
    }
    let per_plan = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    let gap = s.alicr.plan.median().saturating_sub(s.floor.plan.median());
    let mut line = format!(
        "- Plan: the alicr plan takes {} ms more than the floor; Terraform started {per_plan:.1} provider processes per plan.",
        ms(gap)
    );
    if let Some(startup) = startup {
        let tls_start = startup.provider_tls.median().as_secs_f64() * 1000.0;
        let _ = write!(
            line,
            " Their own start-ups to the handshake, at {tls_start:.1} ms each with AutoMTLS, add up to about {:.0} ms. \
             The rest is Terraform's side of each start-up (its own certificate, the connection, the schema) and its \
             handling of the validate and plan calls of {} resources (see the CPU split).",
            tls_start * per_plan,
            s.rules
        );
    }
    let _ = writeln!(out, "{line}");
}
