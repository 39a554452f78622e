# A repository's source binding is imported by the instance ID and the repository ID.
terraform import alicr_repo_source.app cri-exampleinstance1:crr-examplerepo00001
