#!/usr/bin/env bash
# Installs the Debian packages Hylo builds and tests with (run as root, or it uses sudo).
set -euo pipefail
packages=(libopenblas-dev libfftw3-dev gfortran cmake pkg-config python3-dev python3-venv libffi-dev clang)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
echo "system packages present: ${packages[*]}"
