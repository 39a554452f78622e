variable "gitlab_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "alicr_gitlab_source" "internal" {
  instance_id  = "cri-exampleinstance1"
  network_type = "VPC"
  vpc_link_id  = alicr_vpc_link.gitlab.link_id
  endpoint     = "http://192.168.1.10"
  username     = "build-bot"

  # Write-only: sent to the API, never stored. Bump the version to rotate it.
  private_token_wo         = var.gitlab_token
  private_token_wo_version = 1
}
