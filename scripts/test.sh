#!/usr/bin/env bash
# Runs every test of Grokking.sln. Installs what the tests need first when it is missing (Debian packages:
# redis-server for the integration tests, dataset-fashion-mnist for the image task, kubectl, whose built-in
# kustomize renders deploy/k8s, from the kubectl package or else Debian's kubernetes-client; chromium, the real browser
# the live view's tests drive with Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -x /usr/bin/chromium ] || [ -n "${GROKKING_CHROMIUM:-}" ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ] || ! command -v kubectl >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing test prerequisites: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if ! command -v kubectl >/dev/null 2>&1; then
    echo "Installing kubectl"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubectl >/dev/null 2>&1 \
      || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubernetes-client >/dev/null
  fi
fi

dotnet test Grokking.sln -c Release "$@"
