# A build rule is imported by the instance ID, the repository ID and the build rule ID.
terraform import alicr_build_rule.main cri-exampleinstance1:crr-examplerepo00001:crbr-examplerule00001
