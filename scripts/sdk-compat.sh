#!/usr/bin/env bash
# Checks that Alibaba Cloud's official Python SDK for Container Registry can
# call alicr-emulator unchanged, with both signature versions. It installs the
# SDK from PyPI into build/sdk-venv on first use; everything else stays on
# 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/build/sdk-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q alibabacloud_cr20181201==2.2.5 alibabacloud_tea_openapi==0.4.6
fi

(cd "$root" && cargo build --release -q -p alicr-emulator)
log="$(mktemp)"
"$root/target/release/alicr-emulator" --listen 127.0.0.1:0 >"$log" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  [ -s "$log" ] && break
  sleep 0.05
done
"$venv/bin/python" "$root/scripts/sdk_compat.py" "$(head -n 1 "$log")"
