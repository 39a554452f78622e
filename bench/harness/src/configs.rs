//! Terraform configurations of the benchmarks: `count`-expanded build rules
//! over three repositories, and the same graph of `terraform_data` resources
//! as the floor.

/// The repositories the rules are spread over, with their resource names.
#[derive(Debug, Clone)]
pub struct Repos {
    pub instance_id: String,
    /// `(resource name, repository ID)`.
    pub repos: Vec<(String, String)>,
}

/// How many rules each repository gets when `total` are spread evenly; the
/// first repositories take the remainder.
pub fn split(total: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

const REQUIRED_PROVIDERS: &str = "terraform {\n  required_providers {\n    alicr = { source = \"alicr/alicr\" }\n  }\n}\n\nprovider \"alicr\" {}\n";

/// `total` `alicr_build_rule` resources: one `count` block per repository.
/// Every rule has its own branch and image tag, so no two are alike.
pub fn build_rules(repos: &Repos, total: usize) -> String {
    let mut out = String::from(REQUIRED_PROVIDERS);
    for ((name, repo_id), count) in repos.repos.iter().zip(split(total, repos.repos.len())) {
        out.push_str(&format!(
            r#"
resource "alicr_build_rule" "{name}" {{
  count       = {count}
  instance_id = "{instance}"
  repo_id     = "{repo_id}"
  push_type   = "GIT_BRANCH"
  push_name   = "release-{name}-${{count.index}}"
  image_tag   = "{name}-${{count.index}}"
}}
"#,
            instance = repos.instance_id,
        ));
    }
    out
}

/// The floor: `terraform_data` resources with the same blocks, counts and
/// input values as [`build_rules`], handled entirely inside Terraform.
pub fn terraform_data(repos: &Repos, total: usize) -> String {
    let mut out = String::new();
    for ((name, repo_id), count) in repos.repos.iter().zip(split(total, repos.repos.len())) {
        out.push_str(&format!(
            r#"
resource "terraform_data" "{name}" {{
  count = {count}
  input = {{
    instance_id = "{instance}"
    repo_id     = "{repo_id}"
    push_type   = "GIT_BRANCH"
    push_name   = "release-{name}-${{count.index}}"
    image_tag   = "{name}-${{count.index}}"
  }}
}}
"#,
            instance = repos.instance_id,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repos() -> Repos {
        Repos {
            instance_id: "cri-x".into(),
            repos: vec![
                ("a".into(), "crr-a".into()),
                ("b".into(), "crr-b".into()),
                ("c".into(), "crr-c".into()),
            ],
        }
    }

    #[test]
    fn split_remainder_first() {
        assert_eq!(split(100, 3), vec![34, 33, 33]);
    }

    #[test]
    fn split_even() {
        assert_eq!(split(300, 3), vec![100, 100, 100]);
    }

    #[test]
    fn rules_one_block_per_repo() {
        assert_eq!(
            build_rules(&repos(), 300)
                .matches("resource \"alicr_build_rule\"")
                .count(),
            3
        );
    }

    #[test]
    fn floor_same_counts() {
        let floor = terraform_data(&repos(), 100);
        assert!(floor.contains("count = 34"));
        assert_eq!(floor.matches("count = 33").count(), 2);
    }
}
