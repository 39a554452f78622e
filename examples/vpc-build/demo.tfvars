# Values from alicr-emulator's default seed, used by `make demo`.
instance_id = "cri-demo000000000001"
vpc_id      = "vpc-bp1demo00000000000001"
vswitch_id  = "vsw-bp1demoh0000000000001"

# The GitLab server and a Maven mirror, both inside the VPC.
gitlab_ip       = "192.168.1.10"
allowed_ips     = ["192.168.1.20"]
gitlab_username = "build-bot"

repositories = {
  app = {
    namespace      = "demo"
    name           = "app"
    gitlab_group   = "platform"
    gitlab_project = "app"
    rules = [
      { push_type = "GIT_BRANCH", push_name = "main", image_tag = "latest" },
      { push_type = "GIT_TAG", push_name = "v.*", image_tag = "release", platforms = ["linux/amd64", "linux/arm64"] },
    ]
  }
  worker = {
    namespace      = "demo"
    name           = "worker"
    gitlab_group   = "platform"
    gitlab_project = "worker"
    rules = [
      { push_type = "GIT_BRANCH", push_name = "main", image_tag = "latest", build_args = { MAVEN_MIRROR = "http://192.168.1.20/maven" } },
    ]
  }
}
