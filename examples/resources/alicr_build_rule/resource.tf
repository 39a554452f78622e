resource "alicr_build_rule" "main" {
  instance_id         = "cri-exampleinstance1"
  repo_id             = alicr_repo_source.app.repo_id
  push_type           = "GIT_BRANCH"
  push_name           = "main"
  image_tag           = "latest"
  dockerfile_location = "/"
  dockerfile_name     = "Dockerfile"
  platforms           = ["linux/amd64", "linux/arm64"]

  build_args = {
    MAVEN_MIRROR = "http://192.168.1.20/maven"
  }
}
