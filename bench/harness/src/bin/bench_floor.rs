//! The start-up floor: the cheapest Rust program that prints one line, shaped
//! like a go-plugin handshake line, so `alicr-bench` can compare the provider's
//! exec-to-handshake time with a process that does no work at all.

use std::io::Write as _;

fn main() {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe only means the benchmark stopped reading; there is nothing to report.
    let _ = writeln!(stdout, "1|6|unix|/nonexistent/floor.sock|grpc|");
    let _ = stdout.flush();
}
