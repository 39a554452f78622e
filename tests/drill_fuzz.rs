//! Short form of the fuzz drill: replays the corpus in `fuzz/corpus/` through
//! the fuzz targets, then a fixed number of random mutations of it
//! (`ALICR_FUZZ_ITERATIONS` per target, default 20000; seed from
//! `ALICR_DRILL_SEED`). This is not coverage-guided; `scripts/drills.sh` runs
//! the same targets under AFL++ for that.

mod drill_common;

#[allow(dead_code)]
#[path = "../fuzz/src/targets.rs"]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use drill_common::{drill_seed, env_size, Rng};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {} cannot be read: {e}", dir.display()));
    let mut inputs: Vec<Vec<u8>> = entries
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path()).ok())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "the corpus {} is empty", dir.display());
    inputs
}

/// Applies one random edit: flip a bit, overwrite, insert or delete a byte, truncate,
/// or splice in part of another corpus entry.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let len = input.len() as u64;
    let at = rng.below(len.max(1)) as usize;
    match rng.below(6) {
        0 if !input.is_empty() => input[at] ^= 1 << rng.below(8),
        1 if !input.is_empty() => input[at] = rng.next_u64() as u8,
        2 => input.insert(at.min(input.len()), rng.next_u64() as u8),
        3 if !input.is_empty() => {
            input.remove(at);
        }
        4 => input.truncate(at),
        _ => {
            let other = &corpus[rng.below(corpus.len() as u64) as usize];
            let from = rng.below(other.len() as u64 + 1) as usize;
            input.splice(at.min(input.len()).., other[from..].iter().copied());
        }
    }
}

fn run_target(name: &str, target: fn(&[u8])) {
    let inputs = corpus(name);
    for input in &inputs {
        target(input);
    }
    let seed = drill_seed();
    let mut rng = Rng::new(seed);
    for iteration in 0..env_size("ALICR_FUZZ_ITERATIONS", 20_000) {
        let mut input = inputs[rng.below(inputs.len() as u64) as usize].clone();
        for _ in 0..=rng.below(4) {
            mutate(&mut rng, &mut input, &inputs);
        }
        if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            panic!("{name} panicked on iteration {iteration} (seed {seed}) with input {input:?}; add it to fuzz/corpus/{name}/ once fixed");
        }
    }
}

#[test]
fn fuzz_msgpack_decode() {
    run_target("msgpack_decode", targets::msgpack_decode);
}

#[test]
fn fuzz_json_decode() {
    run_target("json_decode", targets::json_decode);
}

#[test]
fn fuzz_params_parse() {
    run_target("params_parse", targets::params_parse);
}
