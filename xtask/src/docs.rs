//! Reads the provider schema from the real Terraform CLI and writes or checks
//! the generated pages under `docs/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::render;

const PROVIDER_KEY: &str = "registry.terraform.io/alicr/alicr";

/// Generates every page; with `check`, compares instead of writing.
pub fn run(check: bool) -> Result<()> {
    let root = workspace_root()?;
    let schema = read_schema(&root)?;
    let pages = render_pages(&root, &schema)?;
    if check {
        check_pages(&root, &pages)
    } else {
        write_pages(&root, &pages)
    }
}

fn workspace_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| anyhow!("xtask is not inside the workspace"))
}

fn read_schema(root: &Path) -> Result<Value> {
    let status = Command::new("cargo")
        .current_dir(root)
        .args(["build", "-q", "--bin", "terraform-provider-alicr"])
        .status()
        .context("failed to run cargo build")?;
    if !status.success() {
        bail!("cargo build of terraform-provider-alicr failed");
    }
    let binary_dir = root.join("target/debug");
    let work = tempfile::tempdir()?;
    let cli_config = work.path().join(".terraformrc");
    std::fs::write(
        &cli_config,
        format!(
            "disable_checkpoint = true\nprovider_installation {{\n  dev_overrides {{\n    \"alicr/alicr\" = \"{}\"\n  }}\n  filesystem_mirror {{\n    path = \"/nonexistent-alicr-mirror\"\n  }}\n}}\n",
            binary_dir.display()
        ),
    )?;
    std::fs::write(
        work.path().join("main.tf"),
        "terraform {\n  required_providers {\n    alicr = { source = \"alicr/alicr\" }\n  }\n}\n",
    )?;
    let output = Command::new("terraform")
        .current_dir(work.path())
        .args(["providers", "schema", "-json"])
        .env("TF_CLI_CONFIG_FILE", &cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .context(
            "failed to run terraform; docs generation needs Terraform 1.11 or later on PATH",
        )?;
    if !output.status.success() {
        bail!(
            "terraform providers schema failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let all: Value = serde_json::from_slice(&output.stdout)?;
    all["provider_schemas"]
        .get(PROVIDER_KEY)
        .cloned()
        .ok_or_else(|| anyhow!("{PROVIDER_KEY} is missing from terraform providers schema"))
}

fn read_example(root: &Path, relative: &str) -> Option<String> {
    std::fs::read_to_string(root.join("examples").join(relative)).ok()
}

fn render_pages(root: &Path, schema: &Value) -> Result<BTreeMap<PathBuf, String>> {
    let mut pages = BTreeMap::new();
    let provider_example = read_example(root, "provider/provider.tf");
    pages.insert(
        PathBuf::from("docs/index.md"),
        render::provider_page(&schema["provider"], provider_example.as_deref()),
    );
    for (name, resource) in schema["resource_schemas"].as_object().into_iter().flatten() {
        let example = read_example(root, &format!("resources/{name}/resource.tf"));
        let import = read_example(root, &format!("resources/{name}/import.sh"));
        let short = name.trim_start_matches("alicr_");
        pages.insert(
            PathBuf::from(format!("docs/resources/{short}.md")),
            render::resource_page(
                name,
                "Resource",
                resource,
                example.as_deref(),
                import.as_deref(),
            ),
        );
    }
    for (name, source) in schema["data_source_schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let example = read_example(root, &format!("data-sources/{name}/data-source.tf"));
        let short = name.trim_start_matches("alicr_");
        pages.insert(
            PathBuf::from(format!("docs/data-sources/{short}.md")),
            render::resource_page(name, "Data Source", source, example.as_deref(), None),
        );
    }
    for (name, function) in schema["functions"].as_object().into_iter().flatten() {
        let example = read_example(root, &format!("functions/{name}/function.tf"));
        pages.insert(
            PathBuf::from(format!("docs/functions/{name}.md")),
            render::function_page(name, function, example.as_deref()),
        );
    }
    Ok(pages)
}

/// Generated pages live in these folders; every file in them is generated.
const GENERATED_DIRS: [&str; 3] = ["docs/resources", "docs/data-sources", "docs/functions"];

fn existing_generated(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("docs/index.md")];
    for dir in GENERATED_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            out.push(PathBuf::from(dir).join(entry.file_name()));
        }
    }
    out
}

fn write_pages(root: &Path, pages: &BTreeMap<PathBuf, String>) -> Result<()> {
    for stale in existing_generated(root) {
        if !pages.contains_key(&stale) {
            let _ = std::fs::remove_file(root.join(&stale));
        }
    }
    for (path, text) in pages {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, text)?;
    }
    println!("wrote {} pages under docs/", pages.len());
    Ok(())
}

fn check_pages(root: &Path, pages: &BTreeMap<PathBuf, String>) -> Result<()> {
    let mut stale = Vec::new();
    for (path, text) in pages {
        let current = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if &current != text {
            stale.push(path.display().to_string());
        }
    }
    for existing in existing_generated(root) {
        if !pages.contains_key(&existing) && root.join(&existing).exists() {
            stale.push(format!("{} (no longer generated)", existing.display()));
        }
    }
    if stale.is_empty() {
        println!("docs/ is up to date ({} pages)", pages.len());
        return Ok(());
    }
    bail!(
        "docs/ is stale; run `make docs` and commit the result. Stale pages:\n  {}",
        stale.join("\n  ")
    )
}
