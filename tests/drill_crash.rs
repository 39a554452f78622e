//! Crash drill: SIGKILL `terraform`, or separately the provider process, at a
//! random point of an apply. Afterwards a normal apply must succeed; every
//! build rule in the emulator must be in state (created or adopted) exactly
//! once, and the next plan must be empty.
//!
//! Size: `ALICR_DRILL_TRIALS` trials of each kind (default 3; `make drills`
//! uses 20) over `ALICR_DRILL_RESOURCES` rules (default 8). Random kill times
//! come from `ALICR_DRILL_SEED` or the clock; failures print the seed.

mod drill_common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use alicr_emulator::Realism;
use drill_common::*;

/// Every API call takes this long, so an apply lasts long enough to be
/// interrupted in the middle of its creates.
const CALL_LATENCY_MS: u64 = 40;

/// Which process the drill kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Victim {
    Terraform,
    Provider,
}

/// Measures how long a full apply takes on this machine, for choosing kill times.
fn measure_apply(emulator: &TestEmulator, count: usize) -> Duration {
    let workspace = rules_workspace(emulator, count);
    let started = Instant::now();
    assert_apply(&workspace, "calibration apply");
    let elapsed = started.elapsed();
    assert_destroy(&workspace, "calibration destroy");
    elapsed
}

/// Starts an apply and kills the victim after `delay`. Returns whether a
/// process was killed while the apply was still running.
fn interrupted_apply(
    workspace: &Workspace,
    emulator: &TestEmulator,
    victim: Victim,
    delay: Duration,
) -> bool {
    let mut child = terraform_command(
        workspace,
        emulator,
        &["apply", "-auto-approve", "-input=false"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap_or_else(|e| panic!("failed to start terraform: {e}"));
    std::thread::sleep(delay);
    if child.try_wait().ok().flatten().is_some() {
        return false;
    }

    let providers = children_running(child.id(), &provider_binary());
    match victim {
        Victim::Terraform => {
            let _ = child.kill();
            let _ = child.wait();
            // The orphaned provider gets a moment to finish calls in flight
            // before it is killed too.
            std::thread::sleep(Duration::from_millis(300));
            providers.into_iter().for_each(kill_9);
            true
        }
        Victim::Provider => {
            let killed = !providers.is_empty();
            providers.into_iter().for_each(kill_9);
            let _ = child.wait();
            killed
        }
    }
}

fn run_trials(victim: Victim) {
    let trials = env_size("ALICR_DRILL_TRIALS", 3);
    let count = env_size("ALICR_DRILL_RESOURCES", 8);
    let seed = drill_seed();
    let mut rng = Rng::new(seed);
    let emulator = start_emulator(Realism {
        latency_ms: CALL_LATENCY_MS,
        ..Realism::instant()
    });
    let admin = emulator.admin();
    let full = measure_apply(&emulator, count);

    let mut interrupted = 0;
    for trial in 1..=trials {
        admin
            .reset_state()
            .unwrap_or_else(|e| panic!("resetting the emulator failed: {e}"));
        let workspace = rules_workspace(&emulator, count);
        // Drawn from the last four fifths of a full apply, because early in
        // the apply Terraform may not have started a provider process yet.
        let full_ms = full.as_millis() as u64;
        let delay = Duration::from_millis(full_ms / 5 + rng.below(full_ms - full_ms / 5));
        let context =
            format!("{victim:?} killed after {delay:?} (trial {trial} of {trials}, seed {seed})");
        if interrupted_apply(&workspace, &emulator, victim, delay) {
            interrupted += 1;
        }
        assert_apply(&workspace, &format!("{context}: apply after the crash"));
        assert_no_duplicates(&admin, count, &context);
        assert_state_matches(&workspace, &admin, &context);
        assert_plan_empty(&workspace, &context);
    }
    // Kill times are drawn below a full apply's duration, so nearly every
    // trial hits a running apply; none at all means the drill tested nothing.
    assert!(
        interrupted > 0,
        "none of the {trials} trials interrupted a running apply (seed {seed})"
    );
    emulator.shutdown();
}

#[test]
fn crash_terraform_killed() {
    run_trials(Victim::Terraform);
}

#[test]
fn crash_provider_killed() {
    run_trials(Victim::Provider);
}
