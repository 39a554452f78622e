//! Peak resident memory of the provider processes Terraform starts: a thread
//! scans `/proc` while a Terraform command runs and keeps each matching
//! process's `VmHWM` (the kernel's high-water mark of its resident set).
//!
//! Sampling every 20 ms can miss growth in a process's last 20 ms; `VmHWM`
//! never decreases, so any earlier peak is caught.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A running scan; [`RssSampler::finish`] stops it.
#[derive(Debug)]
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<BTreeMap<u32, u64>>,
}

impl RssSampler {
    /// Starts sampling every process whose executable is `binary`.
    pub fn start(binary: &Path) -> RssSampler {
        let binary = binary
            .canonicalize()
            .unwrap_or_else(|_| binary.to_path_buf());
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peaks = BTreeMap::new();
            while !flag.load(Ordering::Relaxed) {
                sample(&binary, &mut peaks);
                std::thread::sleep(Duration::from_millis(20));
            }
            sample(&binary, &mut peaks);
            peaks
        });
        RssSampler { stop, thread }
    }

    /// Stops sampling; returns the peak `VmHWM` in KiB of each process seen.
    pub fn finish(self) -> BTreeMap<u32, u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

fn sample(binary: &PathBuf, peaks: &mut BTreeMap<u32, u64>) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        let is_provider =
            std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| &exe == binary);
        if !is_provider {
            continue;
        }
        if let Some(kib) = std::fs::read_to_string(entry.path().join("status"))
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            let peak = peaks.entry(pid).or_insert(0);
            *peak = (*peak).max(kib);
        }
    }
}

/// Reads `VmHWM:   1234 kB` from the text of `/proc/<pid>/status`.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hwm_parsed() {
        assert_eq!(
            vm_hwm_kib("Name:\tx\nVmHWM:\t   10240 kB\nVmRSS:\t1 kB\n"),
            Some(10240)
        );
    }

    #[test]
    fn hwm_missing() {
        assert_eq!(vm_hwm_kib("Name:\tx\n"), None);
    }

    #[test]
    fn sampler_sees_itself() {
        let me = std::env::current_exe().unwrap_or_default();
        let sampler = RssSampler::start(&me);
        let peaks = sampler.finish();
        assert!(peaks.contains_key(&std::process::id()));
    }
}
