//! The machine a benchmark ran on: CPU count and model, memory, and the
//! Terraform and rustc versions, as printed by the tools themselves.

use std::process::Command;

/// Facts about the benchmark machine; unknown values read `unknown`.
#[derive(Debug, Clone)]
pub struct Machine {
    pub nproc: usize,
    pub memory: String,
    pub cpu_model: String,
    pub terraform: String,
    pub rustc: String,
    pub date: String,
}

/// Collects the facts from `/proc` and the tools on PATH.
pub fn describe() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    Machine {
        nproc: std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(0),
        memory: field(&meminfo, "MemTotal")
            .map(|kib| format_kib(&kib))
            .unwrap_or_else(unknown),
        cpu_model: field(&cpuinfo, "model name").unwrap_or_else(unknown),
        terraform: terraform_version(),
        rustc: first_line("rustc", &["--version"]),
        date: first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
    }
}

fn unknown() -> String {
    "unknown".to_string()
}

/// The value after `name:` on the first line that starts with `name`.
fn field(text: &str, name: &str) -> Option<String> {
    let line = text.lines().find(|line| line.starts_with(name))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// `24684432 kB` as `23.5 GiB`.
fn format_kib(value: &str) -> String {
    match value
        .split_whitespace()
        .next()
        .and_then(|n| n.parse::<f64>().ok())
    {
        Some(kib) => format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        None => value.to_string(),
    }
}

/// `terraform version` with a CLI configuration that disables the checkpoint
/// (update check), so it stays offline.
fn terraform_version() -> String {
    let Ok(dir) = tempfile::tempdir() else {
        return unknown();
    };
    let config = dir.path().join("terraformrc");
    if std::fs::write(&config, "disable_checkpoint = true\n").is_err() {
        return unknown();
    }
    let config = config.display().to_string();
    first_line_with_env(
        "terraform",
        &["version"],
        &[("TF_CLI_CONFIG_FILE", config.as_str())],
    )
}

fn first_line(program: &str, args: &[&str]) -> String {
    first_line_with_env(program, args, &[])
}

fn first_line_with_env(program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    Command::new(program)
        .args(args)
        .env("CHECKPOINT_DISABLE", "1")
        .envs(env.iter().copied())
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_trimmed() {
        assert_eq!(
            field("model name\t: Some CPU\nflags: x\n", "model name").as_deref(),
            Some("Some CPU")
        );
    }

    #[test]
    fn kib_as_gib() {
        assert_eq!(format_kib("2097152 kB"), "2.0 GiB");
    }
}
