variable "instance_id" {
  description = "ID of the Container Registry Enterprise Edition instance (cri-...)."
  type        = string
}

variable "vpc_id" {
  description = "VPC that reaches the GitLab server (vpc-...)."
  type        = string
}

variable "vswitch_id" {
  description = "vSwitch for the build link's network interface; its zone must support VPC builds."
  type        = string
}

variable "gitlab_ip" {
  description = "Private IPv4 address of the GitLab server."
  type        = string
}

variable "allowed_ips" {
  description = "Other private addresses builds may reach, such as a Maven mirror."
  type        = set(string)
  default     = []
}

variable "data_center_cidrs" {
  description = "On-premises ranges reached over Express Connect; none may overlap 100.104.0.0/16."
  type        = set(string)
  default     = []
}

variable "gitlab_username" {
  description = "GitLab user that owns the private token."
  type        = string
}

variable "gitlab_token" {
  description = "GitLab personal access token. Ephemeral: it is sent to the API but never stored in plan or state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "gitlab_token_version" {
  description = "Increase to send a rotated gitlab_token."
  type        = number
  default     = 1
}

variable "repositories" {
  description = "Registry repositories to build, keyed by a short name: the registry namespace and repository, the GitLab project, and its build rules."
  type = map(object({
    namespace      = string
    name           = string
    gitlab_group   = string
    gitlab_project = string
    auto_build     = optional(bool, true)
    rules = list(object({
      push_type           = string
      push_name           = string
      image_tag           = string
      dockerfile_location = optional(string, "/")
      dockerfile_name     = optional(string, "Dockerfile")
      build_args          = optional(map(string), {})
      platforms           = optional(set(string), ["linux/amd64"])
    }))
  }))
}

variable "run_build" {
  description = "Run one build of the first rule of each repository at the end of the apply, to prove the setup works."
  type        = bool
  default     = true
}
