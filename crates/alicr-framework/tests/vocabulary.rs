//! The framework is protocol- and service-agnostic: its code names no
//! Container Registry concept (comments may mention examples).

use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "cr_",
    "registry",
    "alibaba",
    "aliyun",
    "gitlab",
    "vpc",
    "namespace",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn source_names_no_service() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(!files.is_empty());
    let mut hits = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default().to_lowercase();
            for word in WORDS {
                if code.contains(word) {
                    hits.push(format!("{}:{}: {word}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "service words in framework code: {hits:#?}"
    );
}
