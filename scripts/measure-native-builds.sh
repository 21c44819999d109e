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

library() { # SOURCES OUT: the encoder, both kernel sets and the synthetic encoder, as flags.json builds them
  local src=$1 out=$2 objects=()
  read -r common avx512 avx2 < <(node -e '
    const f = require(process.argv[1]);
    console.log([f.common, f.avx512, f.avx2].map((a) => a.join(",")).join(" "));' "$src/flags.json")
  local set_flags
  for set in avx512 avx2; do
    set_flags=${!set}
    for name in $(node -e 'console.log(require(process.argv[1]).kernels[process.argv[2]].join(" "))' "$src/flags.json" "$set"); do
      cc ${common//,/ } ${set_flags//,/ } -c "$src/$name.c" -o "$src/$name.o"
      objects+=("$src/$name.o")
    done
  done
  for name in int8-linear encoder; do
    cc ${common//,/ } ${avx2//,/ } -c "$src/$name.c" -o "$src/$name.o"
    objects+=("$src/$name.o")
  done
  cc ${common//,/ } -c "$src/kernel-sets.c" -o "$src/kernel-sets.o"
  cc ${common//,/ } ${avx2//,/ } -I"$src" -c "$native/tools/synthetic-encoder.c" -o "$src/synthetic-encoder.o"
  cc -shared -Wl,-Bsymbolic -o "$out" "${objects[@]}" "$src/kernel-sets.o" "$src/synthetic-encoder.o" -lm
}

sources "$BASE" "$dir/a"
sources "$HEAD" "$dir/b"
library "$dir/a" "$dir/a.so"
library "$dir/b" "$dir/b.so"
cc -O2 -std=c11 -D_GNU_SOURCE -I"$dir/b" -pthread "$native/tools/paired-bench.c" -o "$dir/paired-bench" -ldl
echo "A = ${BASE}, B = ${HEAD:-the working tree}, $SET kernels, $BATCHES batches of up to 512 tokens per run"
for i in $(seq 1 "$RUNS"); do "$dir/paired-bench" "$dir/a.so" "$dir/b.so" "$SET" "$BATCHES"; done
