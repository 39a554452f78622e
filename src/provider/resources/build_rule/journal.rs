//! Records of build-rule creates in flight, kept as files in Terraform's data
//! directory (`TF_DATA_DIR`, or `.terraform` in the working directory) under
//! `alicr/pending-build-rules/`. The API has no idempotency token for build
//! rules, so a record is the only evidence that a create was sent but may not
//! be in Terraform's state. One is written before CreateRepoBuildRule and gets
//! the rule's ID once the call returns. Terraform saves its state only every
//! so often during an apply and at its end, after it shuts its providers
//! down, so records are removed at that shutdown, or when a later run reads
//! the rule from state. A record left by a killed Terraform or provider lets
//! the next create with the same settings adopt the rule that create made.
//! The record also lists the identical rules that existed before it, so no
//! create adopts a rule that another resource owns.
//!
//! Each record is one JSON file: `{"instance_id", "repo_id", "settings",
//! "before": [rule IDs], "made": rule ID or null, "started_ms"}`, where
//! `settings` is the key that `claims::spec_key` builds.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Records older than this are removed unread: no recovery is that late.
const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The content of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) instance_id: String,
    pub(super) repo_id: String,
    pub(super) settings: String,
    /// IDs of the rules with these settings that existed before the create.
    pub(super) before: Vec<String>,
    /// The rule the create made, once its call returned.
    #[serde(default)]
    pub(super) made: Option<String>,
    pub(super) started_ms: u64,
}

/// Records whose rule Terraform has, removed when the provider shuts down.
static RETURNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A record on disk.
#[derive(Debug)]
pub(super) struct Entry {
    path: PathBuf,
    record: Record,
}

impl Entry {
    /// Stores the ID of the rule the create made, so a recovery adopts
    /// exactly that rule.
    pub(super) fn made(&mut self, rule_id: &str) {
        self.record.made = Some(rule_id.to_string());
        if let Err(error) = write(&self.path, &self.record) {
            tracing::warn!(path = %self.path.display(), %error, "Failed to update a pending build-rule record");
        }
    }

    /// Keeps the record until the provider shuts down, because Terraform
    /// saves the rule in its state only then.
    pub(super) fn returned(self) {
        RETURNED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(self.path);
    }

    /// Removes the record at once, because the create made no rule.
    pub(super) fn discard(self) {
        remove(&self.path);
    }
}

fn remove(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "Failed to remove a pending build-rule record")
        }
    }
}

/// Removes the records of every create whose rule Terraform now has; for an
/// orderly provider shutdown.
pub(crate) fn remove_returned() {
    let paths = std::mem::take(
        &mut *RETURNED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    );
    for path in paths {
        remove(&path);
    }
}

/// Removes the records of a rule that a run found in Terraform's state.
pub(super) fn forget_rule(rule_id: &str) {
    let Ok(entries) = std::fs::read_dir(directory()) else {
        return;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if read(&path).is_some_and(|record| record.made.as_deref() == Some(rule_id)) {
            remove(&path);
        }
    }
}

fn write(path: &Path, record: &Record) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    let partial = path.with_extension("tmp");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// Returns the directory of the records.
// NOTE: records live in this working directory only, so a create killed in a
// checkout that is later discarded (a CI job, say) leaves an unmanaged rule.
fn directory() -> PathBuf {
    let data_dir = std::env::var_os("TF_DATA_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".terraform"));
    data_dir.join("alicr").join("pending-build-rules")
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or_default()
}

/// Writes a record before a create is sent. A record that cannot be written
/// only costs the recovery after a crash, so the failure is logged.
pub(super) fn begin(
    instance_id: &str,
    repo_id: &str,
    settings: &str,
    before: Vec<String>,
) -> Option<Entry> {
    let record = Record {
        instance_id: instance_id.to_string(),
        repo_id: repo_id.to_string(),
        settings: settings.to_string(),
        before,
        made: None,
        started_ms: now_ms(),
    };
    let dir = directory();
    let path = dir.join(format!("{}.json", uuid::Uuid::new_v4()));
    let written = std::fs::create_dir_all(&dir).and_then(|()| write(&path, &record));
    match written {
        Ok(()) => Some(Entry { path, record }),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "Failed to write a pending build-rule record; a crash during this create cannot be recovered");
            None
        }
    }
}

/// Finds the records of creates with these settings in this repository that
/// may not be in Terraform's state. Unreadable records are skipped, and old
/// ones removed.
pub(super) fn pending(instance_id: &str, repo_id: &str, settings: &str) -> Vec<(PathBuf, Record)> {
    let Ok(entries) = std::fs::read_dir(directory()) else {
        return Vec::new();
    };
    let oldest = now_ms().saturating_sub(MAX_AGE.as_millis() as u64);
    let mut found = Vec::new();
    for path in entries.flatten().map(|entry| entry.path()) {
        let Some(record) = read(&path) else { continue };
        if record.started_ms < oldest {
            let _ = std::fs::remove_file(&path);
            continue;
        }
        if record.instance_id == instance_id
            && record.repo_id == repo_id
            && record.settings == settings
        {
            found.push((path, record));
        }
    }
    found.sort_by_key(|(_, record)| record.started_ms);
    found
}

fn read(path: &Path) -> Option<Record> {
    if path.extension().is_none_or(|extension| extension != "json") {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Takes a record over for the create that recovers its rule. The file is
/// renamed first, which succeeds in only one process, so only one adopts.
pub(super) fn claim(path: &Path) -> Option<Entry> {
    let moved = directory().join(format!("{}.json", uuid::Uuid::new_v4()));
    std::fs::rename(path, &moved).ok()?;
    let record = read(&moved)?;
    Some(Entry {
        path: moved,
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips() {
        let record = Record {
            instance_id: "cri-u".into(),
            repo_id: "crr-u".into(),
            settings: "GIT_BRANCH\0main".into(),
            before: vec!["crbr-1".into()],
            made: Some("crbr-2".into()),
            started_ms: 7,
        };
        let bytes = serde_json::to_vec(&record).unwrap_or_default();
        let parsed: Record = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed, record);
    }

    #[test]
    fn record_without_made_reads() {
        let json =
            br#"{"instance_id":"i","repo_id":"r","settings":"s","before":[],"started_ms":1}"#;
        let parsed: Record = serde_json::from_slice(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.made, None);
    }

    #[test]
    fn non_json_file_ignored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, b"{}").unwrap_or_else(|e| panic!("{e}"));
        assert!(read(&path).is_none());
    }
}
