#!/usr/bin/env bash
# Times two versions of the native engine's C sources against each other: BASE and HEAD are git
# revisions (HEAD may be omitted: the working tree). Each is built as a shared library with an
# encoder of random weights (packages/embedder/native/tools/synthetic-encoder.c), and
# tools/paired-bench.c runs the same batches through both, alternating batch by batch on two
# threads, RUNS times. A paired run cancels most of the host's drift, so it tells changes of 1-2%
# apart where whole bench runs (+-10% on a noisy host) cannot; it times the kernels only, on the
# model's shapes, not the model's vectors (the tests check those).
# Usage: bash scripts/measure-native-builds.sh BASE [HEAD] [KERNEL_SET] [BATCHES] [RUNS]
#   KERNEL_SET avx2 (default) or avx512-vnni; BATCHES per run (default 200, ~25 s); RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:?usage: measure-native-builds.sh BASE [HEAD] [KERNEL_SET] [BATCHES] [RUNS]}
HEAD=${2:-}
SET=${3:-avx2}
BATCHES=${4:-200}
RUNS=${5:-3}
native=packages/embedder/native
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

sources() { # REVISION DEST: the native sources of a revision, or of the working tree
  mkdir -p "$2"
  if [ -z "$1" ]; then
    cp "$native"/*.c "$native"/*.h "$native"/flags.json "$2"
  else
    git archive "$1" "$native" | tar -x -C "$2" --strip-components=3
  fi
}

sources "$BASE" "$dir/a"
sources "$HEAD" "$dir/b"
node "$native/tools/build-library.mjs" "$dir/a" "$dir/a.so"
node "$native/tools/build-library.mjs" "$dir/b" "$dir/b.so"
cc -O2 -std=c11 -D_GNU_SOURCE -I"$dir/b" -pthread "$native/tools/paired-bench.c" -o "$dir/paired-bench" -ldl
echo "A = ${BASE}, B = ${HEAD:-the working tree}, $SET kernels, $BATCHES batches of up to 512 tokens per run"
for i in $(seq 1 "$RUNS"); do "$dir/paired-bench" "$dir/a.so" "$dir/b.so" "$SET" "$BATCHES"; done
