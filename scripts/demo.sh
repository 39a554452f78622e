#!/usr/bin/env bash
# The main job, end to end, on the embedded emulator and nothing else:
# build, start alicr-emulator on loopback, install the provider into a local
# filesystem mirror, `terraform init` offline, apply examples/vpc-build, check
# that a second plan has no changes, print the outputs, stop the emulator.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="${ALICR_DEMO_DIR:-$root/build/demo}"
version="0.1.0"
os_arch="$(uname -s | tr 'A-Z' 'a-z')_$(uname -m | sed -e 's/x86_64/amd64/' -e 's/aarch64/arm64/')"

step() { printf '\n==> %s\n' "$*"; }

command -v terraform >/dev/null || {
  echo "terraform was not found on PATH; install Terraform 1.11 or later and run make demo again." >&2
  exit 1
}

step "Building terraform-provider-alicr and alicr-emulator (release; the first build takes several minutes)"
(cd "$root" && cargo build --release -p terraform-provider-alicr -p alicr-emulator)

rm -rf "$work"
mkdir -p "$work/mirror" "$work/emulator-data"

step "Starting alicr-emulator on loopback with its default seed"
"$root/target/release/alicr-emulator" --listen 127.0.0.1:0 --data "$work/emulator-data" \
  >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$work/emulator.out" ] && break
  sleep 0.05
done
url="$(head -n 1 "$work/emulator.out")"
case "$url" in
  http://127.0.0.1:*) echo "alicr-emulator is serving $url" ;;
  *) echo "alicr-emulator did not start; its log follows:" >&2; cat "$work/emulator.log" >&2; exit 1 ;;
esac

step "Installing the provider into a local filesystem mirror"
plugin_dir="$work/mirror/registry.terraform.io/alicr/alicr/$version/$os_arch"
mkdir -p "$plugin_dir"
cp "$root/target/release/terraform-provider-alicr" "$plugin_dir/terraform-provider-alicr_v$version"
cat >"$work/terraformrc" <<CONFIG
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path = "$work/mirror"
  }
}
CONFIG

# Terraform and the provider see only loopback: the emulator's URL for every
# API, and the demo account's keys from the emulator's default seed.
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export ALIBABA_CLOUD_REGION=cn-hangzhou
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIdemoaccesskey0001
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=demo-secret-0001-not-a-real-key
export ALIBABA_CLOUD_ENDPOINT_CR="$url"
export ALIBABA_CLOUD_ENDPOINT_VPC="$url"
export ALIBABA_CLOUD_ENDPOINT_STS="$url"
export TF_VAR_gitlab_token="glpat-demo-token-not-real"

cp -R "$root/examples/vpc-build" "$work/vpc-build"
cd "$work/vpc-build"

step "terraform init (offline, from the mirror)"
terraform init -input=false -no-color

step "terraform apply examples/vpc-build"
terraform apply -auto-approve -input=false -no-color -var-file=demo.tfvars

step "terraform plan again: expecting no changes"
set +e
terraform plan -detailed-exitcode -input=false -no-color -var-file=demo.tfvars
plan_code=$?
set -e
if [ "$plan_code" -ne 0 ]; then
  echo "The second plan was not empty (exit code $plan_code)." >&2
  exit 1
fi

step "Outputs"
terraform output -no-color

step "Done: the emulator stops now; its state is in $work/emulator-data"
