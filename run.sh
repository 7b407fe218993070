#!/usr/bin/env bash
# Builds qloop (Release, into build/) and evaluates the bundled default example.
set -euo pipefail
cd "$(dirname "$0")"
tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build --target qloop
example=examples/alexnet-conv1-3level
build/cli/qloop model "$example" -o out/alexnet-conv1-3level
echo "Full statistics: out/alexnet-conv1-3level/qloop.stats.txt"
