resource "alicr_vpc_link" "gitlab" {
  instance_id = "cri-exampleinstance1"
  vpc_id      = "vpc-bp1example000000000"
  vswitch_id  = "vsw-bp1example000000000"

  # The GitLab server, and a Maven mirror the builds also need.
  gitlab_ip   = "192.168.1.10"
  allowed_ips = ["192.168.1.20"]

  # An on-premises network reached over Express Connect.
  data_center_cidrs = ["10.20.0.0/16"]

  timeouts {
    create = "15m"
  }
}
