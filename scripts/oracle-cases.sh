#!/bin/sh
# Regenerates the expectations of tests/cases/* with real Blade (Laravel's Illuminate View).
#
#   scripts/oracle-cases.sh [CASE...]      # default: every case
#
# Needs php-cli and php-illuminate-view (see /work/shared/blade-oracle/README.md). The normal
# test run reads the files this writes and never needs PHP.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
oracle=${BLADE_ORACLE:-$(cd "$(dirname "$0")/../.." && pwd)/shared/blade-oracle/render.php}
cd "$root/tests/cases"
if [ "$#" -eq 0 ]; then set -- *; fi
for case in "$@"; do
    case=${case%/}
    [ -f "$case/template.yaml" ] || continue
    if php "$oracle" "$case/template.yaml" "$case/values.json" >"$case/.out" 2>"$case/.err"; then
        mv "$case/.out" "$case/expected.yaml"
        rm -f "$case/expected.error" "$case/.err"
    else
        mv "$case/.err" "$case/expected.error"
        rm -f "$case/expected.yaml" "$case/.out"
    fi
done
