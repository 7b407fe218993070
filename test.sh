#!/usr/bin/env bash
# Builds qloop with its tests and runs every test (unit, conformance, CLI) with ctest.
set -euo pipefail
cd "$(dirname "$0")"
tools/install-deps.sh --test
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j 2
