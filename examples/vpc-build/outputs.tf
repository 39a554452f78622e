output "vpc_link_id" {
  description = "ID of the VPC build link."
  value       = alicr_vpc_link.this.link_id
}

output "vpc_link_status" {
  description = "Status of the VPC build link; RUNNING once builds can use it."
  value       = alicr_vpc_link.this.status
}

output "security_group_id" {
  description = "Security group Container Registry manages for the link; allow it on the GitLab side."
  value       = alicr_vpc_link.this.security_group_id
}

output "gitlab_source_status" {
  description = "Status of the instance's GitLab binding."
  value       = alicr_gitlab_source.this.status
}

output "build_rule_ids" {
  description = "Build rule IDs, keyed by \"<repository key>/<rule index>\"."
  value       = { for key, rule in alicr_build_rule.this : key => rule.build_rule_id }
}

output "builds" {
  description = "Status and image tag of the build run at the end of the apply, per repository."
  value = {
    for key, build in alicr_build.first : key => {
      build_id  = build.build_id
      status    = build.status
      image_tag = build.image_tag
    }
  }
}
