# A VPC build link is imported by the instance ID and the link ID.
terraform import alicr_vpc_link.gitlab cri-exampleinstance1:crvl-examplelink0001
