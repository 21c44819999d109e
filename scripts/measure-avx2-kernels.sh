#!/usr/bin/env bash
# The native engine against ONNX Runtime as an AVX2-only host would run them, on a host with
# AVX-512: packages/embedder/native/hide-avx512.c, preloaded, hides AVX-512 and AVX-VNNI from
# cpuid (Linux CPUID faulting), so ONNX Runtime's int8 GEMMs and the native engine both take their
# AVX2 kernels. Then PAIRS interleaved pairs of `embedq bench` (ONNX Runtime, then native) over
# CHUNKS seed chunks, each a fresh process; prints each pair's ratio and the median. The timings
# are this core's for AVX2 instructions, not an AVX2-only core's.
# Usage, after `bash scripts/setup.sh`: bash scripts/measure-avx2-kernels.sh [PAIRS] [CHUNKS]
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-3}
CHUNKS=${2:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cc -O2 -shared -fPIC -o "$dir/hide-avx512.so" packages/embedder/native/hide-avx512.c
masked() { LD_PRELOAD="$dir/hide-avx512.so" NODE_OPTIONS="--disable-wasm-trap-handler" "$@"; }
sets=$(masked node -e "console.log(require('./packages/embedder/native/build/embedq_native.node').kernelSets().join(' '))")
if [ "$sets" != "avx2" ]; then
  echo "the native engine sees kernel sets '$sets' under the mask, not 'avx2' alone: nothing to compare" >&2
  exit 1
fi
echo "under the mask the native engine runs: $sets"
bench() { # ENGINE: chunks/s and peak RSS MB of one run
  masked node packages/cli/dist/bin.js bench --chunks "$CHUNKS" --engine "$1" 2>/dev/null |
    awk '/^embedq \(/ { print $(NF-9), $NF }'
}
ratios=()
for i in $(seq 1 "$PAIRS"); do
  read -r ort ort_rss <<<"$(bench onnxruntime)"
  read -r native native_rss <<<"$(bench native)"
  ratio=$(awk -v a="$native" -v b="$ort" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  echo "pair $i: onnxruntime $ort chunks/s ($ort_rss MB), native $native chunks/s ($native_rss MB): ${ratio}x"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
echo "median native / onnxruntime over $PAIRS pairs: ${median}x"
