# A GitLab binding is imported by the instance ID and the code source ID. The
# private token cannot be read back; it is taken from the configuration.
terraform import alicr_gitlab_source.internal cri-exampleinstance1:crcs-examplesource01
