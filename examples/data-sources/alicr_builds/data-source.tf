data "alicr_builds" "app" {
  instance_id = "cri-exampleinstance1"
  repo_id     = "crr-examplerepo00001"
}

output "last_build_status" {
  value = try(data.alicr_builds.app.builds[0].status, "none")
}
