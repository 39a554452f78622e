#!/usr/bin/env bash
# Reliability drills (make drills): the tests/drill_*.rs drills at full size,
# then each fuzz target under AFL++ for FUZZ_SECONDS.
#
#   fault matrix   ALICR_DRILL_RESOURCES=50 rules under six kinds of fault
#   crash drill    ALICR_DRILL_TRIALS=20 kills of terraform and of the provider
#   secret scan    one TF_LOG=trace run with an access key, STS token, GitLab token
#   emulator abuse malformed, oversized, tampered, replayed and cross-account calls
#   fuzzing        msgpack and JSON value decoders, emulator parameter parsing
#
# Fuzzing uses cargo-afl, which builds AFL++ on the stable toolchain; it is
# installed from crates.io when missing. FUZZ_SECONDS (default 120) is the time
# per target; give FUZZ_SECONDS=600 for the 10-minute runs. Everything runs on
# 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v terraform >/dev/null || {
  echo "terraform was not found on PATH; install Terraform 1.11 or later and run make drills again." >&2
  exit 1
}

export CHECKPOINT_DISABLE=1
export ALICR_DRILL_RESOURCES="${ALICR_DRILL_RESOURCES:-50}"
export ALICR_DRILL_TRIALS="${ALICR_DRILL_TRIALS:-20}"
export ALICR_FUZZ_ITERATIONS="${ALICR_FUZZ_ITERATIONS:-200000}"
fuzz_seconds="${FUZZ_SECONDS:-120}"
status=0

echo "==> Drills: ${ALICR_DRILL_RESOURCES} resources, ${ALICR_DRILL_TRIALS} crash trials per kind"
# One test at a time: each drill starts its own emulator and Terraform runs.
cargo test --release --no-fail-fast -p terraform-provider-alicr \
  --test drill_faults --test drill_crash --test drill_secrets --test drill_abuse --test drill_fuzz \
  -- --test-threads=1 || status=1

echo "==> Fuzzing with AFL++ (cargo-afl), ${fuzz_seconds} s per target"
if ! cargo afl --version >/dev/null 2>&1; then
  cargo install cargo-afl --locked
fi
# Builds AFL++ for this toolchain once; later runs report it as already built.
if ! afl_config="$(cargo afl config --build 2>&1)"; then
  case "$afl_config" in
    *"already built"*) ;;
    *) echo "cargo afl config --build failed:" >&2; echo "$afl_config" >&2; exit 1 ;;
  esac
fi
(cd fuzz && cargo afl build --release)

# AFL++ checks the host's core_pattern and CPU frequency governor; a test
# machine has neither set up for fuzzing, and the defaults only cost speed.
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1
for target in msgpack_decode json_decode params_parse; do
  out="fuzz/out/$target"
  rm -rf "$out"
  mkdir -p "$out"
  cargo afl fuzz -V "$fuzz_seconds" -i "fuzz/corpus/$target" -o "$out" "fuzz/target/release/$target" >"$out.log" 2>&1 || {
    echo "afl-fuzz on $target failed; its log follows:" >&2
    tail -n 30 "$out.log" >&2
    status=1
    continue
  }
  crashes=$(find "$out" -path '*/crashes/id:*' | wc -l)
  hangs=$(find "$out" -path '*/hangs/id:*' | wc -l)
  execs=$(grep -h '^execs_done' "$out"/*/fuzzer_stats 2>/dev/null | awk '{s += $3} END {print s + 0}')
  echo "$target: $execs executions, $crashes crashes, $hangs hangs (findings in $out)"
  if [ "$crashes" -gt 0 ]; then
    status=1
  fi
done

exit "$status"
