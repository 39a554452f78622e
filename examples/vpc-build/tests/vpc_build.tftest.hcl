# Runs the module against alicr-emulator. Start the emulator and export the
# provider's region, keys and endpoint variables first (see the README).

variables {
  instance_id     = "cri-demo000000000001"
  vpc_id          = "vpc-bp1demo00000000000001"
  vswitch_id      = "vsw-bp1demoh0000000000001"
  gitlab_ip       = "192.168.1.10"
  allowed_ips     = ["192.168.1.20"]
  gitlab_username = "build-bot"
  gitlab_token    = "glpat-test-token-not-real"

  repositories = {
    app = {
      namespace      = "demo"
      name           = "app"
      gitlab_group   = "platform"
      gitlab_project = "app"
      rules = [
        { push_type = "GIT_BRANCH", push_name = "main", image_tag = "latest" },
      ]
    }
  }
}

run "plan_shows_one_rule_per_entry" {
  command = plan

  assert {
    condition     = length(alicr_build_rule.this) == 1
    error_message = "Expected one build rule for the one rule entry."
  }

  assert {
    condition     = alicr_vpc_link.this.gitlab_ip == "192.168.1.10"
    error_message = "The VPC link must point at the GitLab server."
  }
}

run "apply_builds_inside_the_vpc" {
  command = apply

  assert {
    condition     = alicr_vpc_link.this.status == "RUNNING"
    error_message = "The VPC link should be RUNNING after apply."
  }

  assert {
    condition     = alicr_gitlab_source.this.status == "BOUND"
    error_message = "The GitLab binding should be BOUND after apply."
  }

  assert {
    condition     = alicr_repo_source.this["app"].oversea_build == false
    error_message = "Builds must stay inside the Chinese mainland to reach the VPC."
  }

  assert {
    condition     = alicr_build.first["app"].status == "SUCCESS"
    error_message = "The first build should succeed."
  }
}
