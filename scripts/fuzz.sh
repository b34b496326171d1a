#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeding the corpora from the conformance cases
# and fuzz/seeds; the template targets also get the token dictionary blade.dict. A run that takes
# more than 20 s or 2 GiB is a failure: the render limits must stop every input long before.
set -euo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
targets=(translate render bombs config allocator tape)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
done
# the shapes of issue #18's bombs: builtins on large arrays, deep values, large templates
cp seeds/bombs/* corpus/bombs/
for case in ../tests/cases/*/; do
  name=$(basename "$case")
  cp "$case/template.yaml" "corpus/translate/$name"
  { cat "$case/template.yaml"; printf '\0'; cat "$case/values.json"; } > "corpus/render/$name"
  cp "corpus/render/$name" "corpus/bombs/$name"
  cp "$case/values.json" "corpus/config/$name"
done
# each case's variables as the npm package writes them into a value tape (a fresh process each, so
# that every tape teaches the keys it names)
for case in ../tests/cases/*/; do
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import * as core from "../pkg/portclaims.js";
    import { tapeWriter } from "../js/tape.js";
    core.initSync({ module: readFileSync("../pkg/portclaims_bg.wasm") });
    const [dir, out] = process.argv.slice(1);
    tapeWriter(core).send(JSON.parse(readFileSync(dir + "/values.json", "utf8")), true, (length) => {
      const start = core.tapeRoom(0);
      writeFileSync(out, new Uint8Array(core.tapeFormat().memory.buffer, start, length));
    });
  ' "$case" "corpus/tape/$(basename "$case")"
done
# the PHP runtime snippets of tests/php_blade_cases.json, with the variables they were made with
node -e '
  const fs = require("fs");
  const values = fs.readFileSync("../tests/cases/echo-scalars/values.json", "utf8");
  JSON.parse(fs.readFileSync("../tests/php_blade_cases.json", "utf8")).forEach(([snippet], i) => {
    fs.writeFileSync(`corpus/translate/snippet-${i}`, snippet);
    fs.writeFileSync(`corpus/render/snippet-${i}`, `${snippet}\0${values}`);
  });'
for target in "${targets[@]}"; do
  echo "== $target (${seconds}s)"
  dict=()
  case $target in translate | render | bombs) dict=(-dict=blade.dict) ;; esac
  cargo fuzz run -O -s none "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 \
    -timeout=20 -rss_limit_mb=2048 "${dict[@]}"
done
