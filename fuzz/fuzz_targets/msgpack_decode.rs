//! AFL++ entry point of the `msgpack_decode` target; the body is in `src/targets.rs`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        alicr_fuzz::targets::msgpack_decode(data);
    });
}
