#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeding the corpora from the conformance cases.
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
for target in translate render config allocator; do
  mkdir -p "corpus/$target"
done
for case in ../tests/cases/*/; do
  name=$(basename "$case")
  cp "$case/template.yaml" "corpus/translate/$name"
  { cat "$case/template.yaml"; printf '\0'; cat "$case/values.json"; } > "corpus/render/$name"
  cp "$case/values.json" "corpus/config/$name"
done
for target in translate render config allocator; do
  echo "== $target (${seconds}s)"
  cargo fuzz run -O -s none "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096
done
