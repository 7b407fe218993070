#!/usr/bin/env bash
# Installs the Debian packages qloop builds with (and, with --test, the ones its tests need),
# only those that are missing.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config python3
          libyaml-cpp-dev libfmt-dev libcli11-dev nlohmann-json3-dev libmuparser-dev
          libgtest-dev libgmock-dev libbenchmark-dev libonnx-dev libprotobuf-dev protobuf-compiler
          pybind11-dev python3-dev python3-yaml python3-setuptools python3-pip
          python3-jinja2)  # Timeloop v0.4 templates (top.yaml.jinja2) render with it
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium clang-format clang libclang-rt-dev)  # report.html in Chromium; format check; libFuzzer
  packages+=(python3-pytest python3-distributed python3-matplotlib python3-onnx)  # Python API, Dask, examples, import
  packages+=(python3-torch python3-sklearn)  # qloop.torch and its worked example (measured accuracy)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" > /dev/null
fi
