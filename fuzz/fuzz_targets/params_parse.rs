//! AFL++ entry point of the `params_parse` target; the body is in `src/targets.rs`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        alicr_fuzz::targets::params_parse(data);
    });
}
