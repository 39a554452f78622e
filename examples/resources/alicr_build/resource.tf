# Runs one build of the rule now, and again whenever the rule changes.
resource "alicr_build" "smoke" {
  instance_id   = "cri-exampleinstance1"
  repo_id       = alicr_build_rule.main.repo_id
  build_rule_id = alicr_build_rule.main.build_rule_id

  triggers = {
    image_tag = alicr_build_rule.main.image_tag
  }

  timeouts {
    create = "30m"
  }
}

output "build_status" {
  value = alicr_build.smoke.status
}
