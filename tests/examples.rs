//! The shipped examples still work: every registry example validates together
//! against the real provider schema, the files are `terraform fmt` clean, and the
//! `examples/vpc-build` module's own `terraform test` suite passes against the
//! emulator.

use std::path::{Path, PathBuf};

use alicr_testkit::{TestEmulator, Workspace};

const PROVIDER: &str = env!("CARGO_BIN_EXE_terraform-provider-alicr");

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Lists `<group>/<name>/<file>` example files, such as `resources/*/resource.tf`.
fn example_files(group: &str, file: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(examples_dir().join(group)) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path().join(file);
        if path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn registry_examples_validate() {
    let workspace = Workspace::with_dev_override(Path::new(PROVIDER));
    let mut files = example_files("resources", "resource.tf");
    files.extend(example_files("data-sources", "data-source.tf"));
    files.extend(example_files("functions", "function.tf"));
    files.push(examples_dir().join("provider/provider.tf"));
    assert!(
        files.len() >= 10,
        "expected the registry examples, found {files:?}"
    );
    for (index, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        workspace.write(&format!("example_{index}.tf"), &text);
    }
    workspace.run(&["validate"]).success();
}

#[test]
fn examples_are_formatted() {
    let workspace = Workspace::with_dev_override(Path::new(PROVIDER));
    let dir = examples_dir();
    let out = workspace.run(&["fmt", "-check", "-recursive", dir.to_str().unwrap_or(".")]);
    assert_eq!(
        out.code,
        0,
        "terraform fmt would change these files:\n{}",
        out.combined()
    );
}

/// Copies a directory tree (small example modules only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

#[test]
fn vpc_build_module_tests_pass() {
    let emulator = TestEmulator::start();
    let mut workspace = Workspace::with_dev_override(Path::new(PROVIDER));
    emulator.configure(&mut workspace);
    copy_tree(&examples_dir().join("vpc-build"), workspace.path());

    let out = workspace.run(&["test"]);
    out.success();
    out.contains("2 passed, 0 failed");
}
