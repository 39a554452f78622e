#!/usr/bin/env bash
# Benchmarks of terraform-provider-alicr (make bench): builds the release
# binaries, then alicr-bench measures start-up, memory, plan/apply/refresh of
# many build rules against terraform_data, refresh API requests and an apply
# under injected faults, and writes bench/RESULTS.md. Everything runs on
# 127.0.0.1: an in-process alicr-emulator and Terraform with an offline CLI
# configuration (dev override, checkpoint disabled).
#
# Sizes can be changed with BENCH_RUNS, BENCH_RULES, BENCH_REPS,
# BENCH_FAULT_RULES and BENCH_FAULT_REPS; the defaults take about 5 minutes
# on a 2-core machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v terraform >/dev/null || {
  echo "terraform was not found on PATH; install Terraform 1.11 or later and run make bench again." >&2
  exit 1
}

export CHECKPOINT_DISABLE=1

cargo build --release --bins -p terraform-provider-alicr -p alicr-emulator -p alicr-bench

target/release/alicr-bench \
  --provider target/release/terraform-provider-alicr \
  --floor target/release/bench-floor \
  --runs "${BENCH_RUNS:-60}" \
  --rules "${BENCH_RULES:-300}" \
  --reps "${BENCH_REPS:-3}" \
  --fault-rules "${BENCH_FAULT_RULES:-100}" \
  --fault-reps "${BENCH_FAULT_REPS:-6}" \
  --out bench/RESULTS.md

echo "Wrote bench/RESULTS.md"
