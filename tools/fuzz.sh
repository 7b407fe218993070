#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each on a
# seed corpus of the bundled examples and the shared conformance inputs.
#   tools/fuzz.sh [--runs N | --seconds S]     (default: --seconds 10 per target)
# Findings (crash-*, timeout-*, leak-*) land in build-fuzz/findings/; the exit status is the
# fuzzer's (0: nothing found).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-max_total_time=10)
case "${1:-}" in
  --runs) limit=(-runs="$2") ;;
  --seconds) limit=(-max_total_time="$2") ;;
esac
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DQLOOP_BUILD_FUZZ=ON -DQLOOP_BUILD_TESTS=OFF -DQLOOP_BUILD_BENCH=OFF -DQLOOP_BUILD_PYTHON=OFF > /dev/null
cmake --build build-fuzz --target qloop_fuzz_inputs qloop_fuzz_mapping
seeds=build-fuzz/seeds
mkdir -p "$seeds/inputs" "$seeds/mapping" build-fuzz/findings build-fuzz/corpus/inputs build-fuzz/corpus/mapping
# Whole designs (every YAML file of a case, merged) and mappings alone.
for case in examples/*/ ../shared/conformance/*/; do
  [ -f "$case/arch.yaml" ] || continue
  cat "$case"/*.yaml > "$seeds/inputs/$(basename "$case").yaml" 2>/dev/null || true
done
# Timeloop v0.4 node lists (the dense published designs: their arch.yaml, problem and mapping).
for arch in ../shared/conformance-v04/*/v04/*/arch.yaml; do
  [ -f "$arch" ] || continue
  case_dir=$(dirname "$(dirname "$(dirname "$arch")")")
  cat "$arch" "$case_dir"/v04/_include/default_problem.yaml "$case_dir"/map.yaml \
    > "$seeds/inputs/v04-$(basename "$case_dir").yaml" 2>/dev/null || true
done
for map in examples/*/map.yaml ../shared/conformance/*/map.yaml; do
  [ -f "$map" ] && cp "$map" "$seeds/mapping/$(basename "$(dirname "$map")").yaml"
done
# What earlier runs found (fixed since): kept so that it stays fixed.
cp fuzz/regressions/inputs/* "$seeds/inputs/"
cp fuzz/regressions/mapping/* "$seeds/mapping/"
status=0
for target in inputs mapping; do
  build-fuzz/fuzz/qloop_fuzz_$target "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=8192 \
    -artifact_prefix=build-fuzz/findings/$target- build-fuzz/corpus/$target "$seeds/$target" || status=$?
done
exit $status
