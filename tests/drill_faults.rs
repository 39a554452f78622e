//! Fault matrix drill: apply, refresh and destroy of many build rules while
//! the emulator injects one kind of fault (latency, throttling, server
//! errors, connection resets, committed-but-lost responses, read-after-write
//! lag). Every run must converge with no duplicate rules, state must match
//! the emulator, the next plan must be empty, and nothing may be left after
//! destroy.
//!
//! Size: `ALICR_DRILL_RESOURCES` rules (default 8; `make drills` uses 50).

mod drill_common;

use alicr_emulator::Realism;
use drill_common::*;

fn run_case(name: &str, faults: Realism) {
    let count = env_size("ALICR_DRILL_RESOURCES", 8);
    let emulator = start_emulator(Realism::instant());
    let admin = emulator.admin();
    let workspace = rules_workspace(&emulator, count);

    admin.set_realism(faults);
    assert_apply(&workspace, &format!("{name}: apply"));
    assert_no_duplicates(&admin, count, &format!("{name}: after apply"));
    assert_state_matches(&workspace, &admin, &format!("{name}: after apply"));
    assert_plan_empty(&workspace, &format!("{name}: refresh plan under faults"));

    assert_destroy(&workspace, &format!("{name}: destroy"));
    admin.set_realism(Realism::instant());
    assert_eq!(
        remote_rules(&admin),
        Vec::new(),
        "{name}: build rules left after destroy"
    );
    assert_eq!(
        state_rule_ids(&workspace),
        Vec::<String>::new(),
        "{name}: build rules left in state after destroy"
    );
    emulator.shutdown();
}

#[test]
fn faults_latency() {
    run_case(
        "latency",
        Realism {
            latency_ms: 100,
            ..Realism::instant()
        },
    );
}

#[test]
fn faults_throttling() {
    run_case(
        "throttling",
        Realism {
            throttle_rate: 0.3,
            ..Realism::instant()
        },
    );
}

#[test]
fn faults_server_errors() {
    run_case(
        "server errors",
        Realism {
            server_error_rate: 0.2,
            ..Realism::instant()
        },
    );
}

#[test]
fn faults_connection_resets() {
    run_case(
        "connection resets",
        Realism {
            drop_rate: 0.15,
            ..Realism::instant()
        },
    );
}

#[test]
fn faults_lost_responses() {
    run_case(
        "lost responses",
        Realism {
            lost_response_rate: 0.15,
            ..Realism::instant()
        },
    );
}

#[test]
fn faults_read_lag() {
    run_case(
        "read-after-write lag",
        Realism {
            read_lag_ms: 1_500,
            ..Realism::instant()
        },
    );
}
