"""Calls alicr-emulator through Alibaba Cloud's official Python SDK for Container
Registry, once with each signature version, and exits non-zero on any failure.

Usage: sdk_compat.py URL   (the URL alicr-emulator printed, on loopback)
"""

import sys

from alibabacloud_cr20181201 import models
from alibabacloud_cr20181201.client import Client
from alibabacloud_tea_openapi import models as open_api_models

INSTANCE = "cri-demo000000000001"
REPO = "crr-demoapp000000001"


def client_for(host: str, signature_algorithm: str | None) -> Client:
    config = open_api_models.Config(
        access_key_id="LTAIdemoaccesskey0001",
        access_key_secret="demo-secret-0001-not-a-real-key",
        endpoint=host,
        protocol="http",
        region_id="cn-hangzhou",
    )
    # The SDK signs with ACS3-HMAC-SHA256 by default and with signature V1
    # (HMAC-SHA1) when the algorithm is "v2".
    if signature_algorithm:
        config.signature_algorithm = signature_algorithm
    return Client(config)


def exercise(client: Client, label: str) -> None:
    instance = client.get_instance(models.GetInstanceRequest(instance_id=INSTANCE))
    assert instance.body.instance_status == "RUNNING", instance.body
    created = client.create_repo_build_rule(
        models.CreateRepoBuildRuleRequest(
            instance_id=INSTANCE,
            repo_id=REPO,
            push_type="GIT_BRANCH",
            push_name=f"sdk-{label}",
            image_tag="sdk",
            dockerfile_location="/",
            dockerfile_name="Dockerfile",
            build_args=["A=1"],
            platforms=["linux/amd64", "linux/arm64"],
        )
    )
    rule_id = created.body.build_rule_id
    listed = client.list_repo_build_rule(
        models.ListRepoBuildRuleRequest(instance_id=INSTANCE, repo_id=REPO, page_no=1, page_size=100)
    )
    found = [r for r in listed.body.build_rules if r.build_rule_id == rule_id]
    assert found and found[0].platforms == ["linux/amd64", "linux/arm64"], listed.body
    client.delete_repo_build_rule(
        models.DeleteRepoBuildRuleRequest(instance_id=INSTANCE, repo_id=REPO, build_rule_id=rule_id)
    )
    print(f"{label}: GetInstance, CreateRepoBuildRule, ListRepoBuildRule, DeleteRepoBuildRule passed")


def main() -> int:
    host = sys.argv[1].split("//", 1)[-1]
    exercise(client_for(host, None), "v3")
    exercise(client_for(host, "v2"), "v1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
