//! The apply-under-faults parts of the report: the summary rows, one section
//! per run, and the sentence on where the extra time goes.

use std::fmt::Write as _;

use super::{action_table, row, secs, verdict};
use crate::scale::FaultResult;
use crate::stats::ratio;

/// The maximum ratio of the faulted apply to the fault-free one that meets the goal.
const GOAL_RATIO: f64 = 2.0;

/// Returns the name of a run's conditions, for headings and rows.
fn conditions(f: &FaultResult) -> String {
    let hints = if f.retry_after_ms == 0 {
        ", no retry-after hints"
    } else {
        ""
    };
    format!("{} ms API latency{hints}", f.latency_ms)
}

/// Writes one summary row. The goal is judged on the runs whose throttled
/// calls carry hints, because a real gateway may send them. The run without
/// hints only shows the cost of the client's own backoff.
pub(super) fn summary_row(out: &mut String, f: &FaultResult) {
    let r = ratio(f.faulted.median(), f.clean.median());
    let (goal, met) = if f.retry_after_ms == 0 {
        ("(not set)".to_string(), "-")
    } else {
        (
            format!("<= {GOAL_RATIO}, all succeed"),
            verdict(r <= GOAL_RATIO),
        )
    };
    let _ = writeln!(
        out,
        "| apply of {} rules, {:.0}% throttled + {:.0}% 5xx vs no faults, {} | {} s | {} s | {r:.2} | {goal} | {met} |",
        f.rules,
        f.throttle_rate * 100.0,
        f.server_error_rate * 100.0,
        conditions(f),
        secs(f.faulted.median()),
        secs(f.clean.median()),
    );
}

/// Writes the section of one run: its conditions, timings and requests.
pub(super) fn section(out: &mut String, f: &FaultResult) {
    let _ = writeln!(
        out,
        "## Apply under throttling and server errors, {}\n",
        conditions(f)
    );
    let hints = if f.retry_after_ms == 0 {
        "No throttled response carries `x-acs-retry-after`.".to_string()
    } else {
        format!(
            "Every second throttled response carries `x-acs-retry-after: {}` (milliseconds).",
            f.retry_after_ms
        )
    };
    let _ = writeln!(
        out,
        "{} build rules applied with no faults, then with {:.0}% of API calls rejected with `Throttling.User` \
         and {:.0}% failed with `ServiceUnavailable` (HTTP 503). {hints} Every apply succeeded and left exactly {} \
         rules, none twice, or this section would be under \"Measurements that failed\". Destroys run without faults.\n",
        f.rules,
        f.throttle_rate * 100.0,
        f.server_error_rate * 100.0,
        f.rules
    );
    let _ = writeln!(
        out,
        "| apply | runs | median ms | min ms | max ms |\n|---|---|---|---|---|"
    );
    row(out, "no faults", &f.clean);
    row(out, "faults", &f.faulted);
    let _ = writeln!(
        out,
        "\nRequests of the last faulted apply, retries included:\n"
    );
    action_table(out, &f.faulted_requests);
}

/// Writes the sentence on where a run's extra time goes.
pub(super) fn cost_note(out: &mut String, f: &FaultResult) {
    let per_rule = f.faulted_requests.total as f64 / f.rules as f64;
    let hints = if f.retry_after_ms == 0 {
        String::new()
    } else {
        format!(
            ", and the {} ms that the emulator's `x-acs-retry-after` asks for on every second throttled call, \
             which the client honours",
            f.retry_after_ms
        )
    };
    let _ = writeln!(
        out,
        "- Faults ({}): the faulted apply made {per_rule:.1} API requests per rule. The extra time is spent in failed \
         calls and in the waits before their retries: growing waits from at most 50 ms{hints}. Several writes per \
         repository run at once, so the waits of different rules overlap.",
        conditions(f)
    );
}
