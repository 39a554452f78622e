//! Runs the real `terraform` from PATH against the corner provider, offline:
//! every run gets its own CLI config (`disable_checkpoint`, dev_overrides or a
//! filesystem mirror), `CHECKPOINT_DISABLE=1` and an explicit
//! `TF_CLI_CONFIG_FILE`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::corner_binary;

/// Texts Terraform prints when a provider breaks its consistency rules.
const CONSISTENCY_ERRORS: [&str; 3] = [
    "Provider produced inconsistent result",
    "Provider produced invalid plan",
    "invalid plan",
];

/// How Terraform finds the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Install {
    DevOverrides,
    FilesystemMirror,
}

/// A temp dir with the provider, a CLI config, a store and a working dir.
pub struct Workspace {
    pub root: tempfile::TempDir,
    pub disable_tls: bool,
}

/// The result of one terraform command.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn text(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Fails with a clear message when terraform is not installed.
pub fn require_terraform() {
    let found = Command::new("terraform").arg("version").output().is_ok();
    assert!(
        found,
        "terraform is not on PATH; install Terraform 1.11.4 to run these tests"
    );
}

impl Workspace {
    pub fn new(install: Install, disable_tls: bool) -> Workspace {
        require_terraform();
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let workspace = Workspace { root, disable_tls };
        for dir in ["store", "work", "plugins"] {
            std::fs::create_dir_all(workspace.path(dir))
                .unwrap_or_else(|e| panic!("mkdir {dir}: {e}"));
        }
        let config = match install {
            Install::DevOverrides => workspace.dev_overrides_config(),
            Install::FilesystemMirror => workspace.mirror_config(),
        };
        std::fs::write(workspace.path("cli.tfrc"), config)
            .unwrap_or_else(|e| panic!("write cli.tfrc: {e}"));
        workspace
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn dev_overrides_config(&self) -> String {
        let dir = self.path("plugins");
        copy_executable(&corner_binary(), &dir.join("terraform-provider-corner"));
        format!(
            "disable_checkpoint = true\nprovider_installation {{\n  dev_overrides {{\n    \
             \"alicr/corner\" = \"{}\"\n  }}\n  direct {{\n    exclude = [\"alicr/*\"]\n  }}\n}}\n",
            dir.display()
        )
    }

    fn mirror_config(&self) -> String {
        let mirror = self.path("plugins");
        let package = mirror.join("registry.terraform.io/alicr/corner/0.1.0/linux_amd64");
        std::fs::create_dir_all(&package).unwrap_or_else(|e| panic!("mkdir mirror: {e}"));
        copy_executable(
            &corner_binary(),
            &package.join("terraform-provider-corner_v0.1.0"),
        );
        format!(
            "disable_checkpoint = true\nprovider_installation {{\n  filesystem_mirror {{\n    \
             path = \"{}\"\n    include = [\"alicr/*\"]\n  }}\n  direct {{\n    exclude = [\"alicr/*\"]\n  }}\n}}\n",
            mirror.display()
        )
    }

    pub fn write_config(&self, main_tf: &str) {
        std::fs::write(self.path("work/main.tf"), main_tf)
            .unwrap_or_else(|e| panic!("write main.tf: {e}"));
    }

    /// Runs terraform in the working dir and checks that no consistency error appears.
    pub fn terraform(&self, args: &[&str]) -> Run {
        let mut command = Command::new("terraform");
        command
            .args(args)
            .current_dir(self.path("work"))
            .env("TF_CLI_CONFIG_FILE", self.path("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CORNER_STORE_DIR", self.path("store"))
            .env("HOME", self.root.path())
            .env_remove("TF_LOG")
            .env_remove("TF_REATTACH_PROVIDERS");
        if self.disable_tls {
            command.env("TF_DISABLE_PLUGIN_TLS", "1");
        } else {
            command.env_remove("TF_DISABLE_PLUGIN_TLS");
        }
        let output: Output = command
            .output()
            .unwrap_or_else(|e| panic!("run terraform: {e}"));
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        for error in CONSISTENCY_ERRORS {
            assert!(
                !run.stdout.contains(error) && !run.stderr.contains(error),
                "{error}:\n{}",
                run.text()
            );
        }
        run
    }

    /// Runs terraform and asserts its exit code.
    pub fn expect(&self, args: &[&str], code: i32) -> Run {
        let run = self.terraform(args);
        assert_eq!(
            run.code,
            Some(code),
            "terraform {}:\n{}",
            args.join(" "),
            run.text()
        );
        run
    }
}

fn copy_executable(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
}
