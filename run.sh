#!/usr/bin/env bash
# Builds qloop (Release, into build/) and runs the main job: AlexNet conv1-5 on the bundled
# Eyeriss-like design (16-bit words) as its weights go from 16 to 2 bits, each layer's mapping
# proven optimal by the certified search (a few minutes on two cores). Prints the table and
# writes out/alexnet-sweep/{sweep.csv,sweep.json,report.html}.
set -euo pipefail
cd "$(dirname "$0")"
tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build --target qloop _qloop
design=examples/mapper-eyeriss-like
build/cli/qloop sweep workloads/alexnet.yaml "$design/arch.yaml" "$design/constraints.yaml" "$design/certified/mapper.yaml" \
  --layers conv1,conv2,conv3,conv4,conv5 --bits W16A16,W8A16,W4A16,W3A16,W2A16 -o out/alexnet-sweep
