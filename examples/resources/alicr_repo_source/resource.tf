resource "alicr_repo_source" "app" {
  instance_id         = "cri-exampleinstance1"
  repo_id             = "crr-examplerepo00001"
  code_repo_type      = "GITLAB"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
  auto_build          = true
  oversea_build       = false

  depends_on = [alicr_gitlab_source.internal]
}
