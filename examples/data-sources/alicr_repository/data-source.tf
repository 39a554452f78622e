data "alicr_repository" "app" {
  instance_id = "cri-exampleinstance1"
  namespace   = "platform"
  name        = "app"
}

output "app_repo_id" {
  value = data.alicr_repository.app.repo_id
}
