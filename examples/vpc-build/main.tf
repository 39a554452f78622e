# Private image builds over a VPC link: the three console steps as code.
#
# 1. A VPC build link lets Container Registry reach the GitLab server (and other
#    allowed addresses, such as a Maven mirror) inside the VPC.
# 2. The instance is bound to that GitLab server over the link.
# 3. Each repository is bound to a GitLab project and gets build rules; builds
#    run inside the VPC, never on servers outside the Chinese mainland.

resource "alicr_vpc_link" "this" {
  instance_id       = var.instance_id
  vpc_id            = var.vpc_id
  vswitch_id        = var.vswitch_id
  gitlab_ip         = var.gitlab_ip
  allowed_ips       = var.allowed_ips
  data_center_cidrs = var.data_center_cidrs

  # A link that the GitLab binding uses cannot be deleted, so a replacement
  # (a new gitlab_ip, vpc_id or vswitch_id) must create the new link and move
  # the binding to it before the old link is deleted.
  lifecycle {
    create_before_destroy = true
  }
}

resource "alicr_gitlab_source" "this" {
  instance_id              = var.instance_id
  network_type             = "VPC"
  vpc_link_id              = alicr_vpc_link.this.link_id
  endpoint                 = "http://${var.gitlab_ip}"
  username                 = var.gitlab_username
  private_token_wo         = var.gitlab_token
  private_token_wo_version = var.gitlab_token_version
}

data "alicr_repository" "this" {
  for_each = var.repositories

  instance_id = var.instance_id
  namespace   = each.value.namespace
  name        = each.value.name
}

resource "alicr_repo_source" "this" {
  for_each = var.repositories

  instance_id         = var.instance_id
  repo_id             = data.alicr_repository.this[each.key].repo_id
  code_repo_type      = "GITLAB"
  code_repo_namespace = each.value.gitlab_group
  code_repo_name      = each.value.gitlab_project
  auto_build          = each.value.auto_build
  oversea_build       = false

  # The repository can only be bound once the instance is bound to GitLab.
  depends_on = [alicr_gitlab_source.this]
}

locals {
  rules = merge([
    for repo_key, repo in var.repositories : {
      for index, rule in repo.rules : "${repo_key}/${index}" => merge(rule, { repo_key = repo_key })
    }
  ]...)
}

resource "alicr_build_rule" "this" {
  for_each = local.rules

  instance_id         = var.instance_id
  repo_id             = alicr_repo_source.this[each.value.repo_key].repo_id
  push_type           = each.value.push_type
  push_name           = each.value.push_name
  image_tag           = each.value.image_tag
  dockerfile_location = each.value.dockerfile_location
  dockerfile_name     = each.value.dockerfile_name
  build_args          = each.value.build_args
  platforms           = each.value.platforms
}

resource "alicr_build" "first" {
  for_each = var.run_build ? var.repositories : {}

  instance_id   = var.instance_id
  repo_id       = alicr_repo_source.this[each.key].repo_id
  build_rule_id = alicr_build_rule.this["${each.key}/0"].build_rule_id

  # A new build runs whenever the rule changes.
  triggers = {
    rule = jsonencode(local.rules["${each.key}/0"])
  }
}
