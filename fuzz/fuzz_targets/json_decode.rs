//! AFL++ entry point of the `json_decode` target; the body is in `src/targets.rs`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        alicr_fuzz::targets::json_decode(data);
    });
}
