#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeding the corpora from the conformance cases;
# the Blade targets also get the token dictionary blade.dict.
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
# the PHP runtime snippets of tests/php_blade_cases.json, with the variables they were made with
node -e '
  const fs = require("fs");
  const values = fs.readFileSync("../tests/cases/echo-scalars/values.json", "utf8");
  JSON.parse(fs.readFileSync("../tests/php_blade_cases.json", "utf8")).forEach(([snippet], i) => {
    fs.writeFileSync(`corpus/translate/snippet-${i}`, snippet);
    fs.writeFileSync(`corpus/render/snippet-${i}`, `${snippet}\0${values}`);
  });'
for target in translate render config allocator; do
  echo "== $target (${seconds}s)"
  dict=()
  case $target in translate | render) dict=(-dict=blade.dict) ;; esac
  cargo fuzz run -O -s none "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 "${dict[@]}"
done
