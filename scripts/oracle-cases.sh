#!/bin/sh
# Regenerates the expectations of tests/cases/* with real Blade as Kublade runs it (Laravel 12's
# compiler and view pipeline: ../shared/blade-oracle/render.php).
#
#   scripts/oracle-cases.sh [CASE...]      # default: every case
#
# Needs php-cli and php-illuminate-view (see ../shared/blade-oracle/README.md). The oracle is
# $BLADE_ORACLE, or shared/blade-oracle/render.php beside the checkout (or beside the folder that
# holds a worktree). The normal test run reads the files this writes and never needs PHP.
# expected.error holds the oracle's stderr: PHP's exception class, then its message.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
oracle=${BLADE_ORACLE:-}
if [ -z "$oracle" ]; then
    for candidate in "$root/../shared/blade-oracle/render.php" "$root/../../shared/blade-oracle/render.php"; do
        if [ -f "$candidate" ]; then oracle=$candidate; break; fi
    done
fi
if [ -z "$oracle" ] || [ ! -f "$oracle" ]; then
    echo "oracle-cases.sh: no blade-oracle/render.php found; set BLADE_ORACLE" >&2
    exit 2
fi
cd "$root/tests/cases"
if [ "$#" -eq 0 ]; then set -- *; fi
for case in "$@"; do
    case=${case%/}
    [ -f "$case/template.yaml" ] || continue
    status=0
    php "$oracle" "$case/template.yaml" "$case/values.json" >"$case/.out" 2>"$case/.err" || status=$?
    if [ "$status" -eq 0 ]; then
        mv "$case/.out" "$case/expected.yaml"
        rm -f "$case/expected.error" "$case/.err"
    elif [ "$status" -eq 2 ]; then
        # the oracle cannot reproduce this input: the case keeps what it had
        echo "$case: $(cat "$case/.err")" >&2
        rm -f "$case/.out" "$case/.err"
    else
        # exit 1 (an exception), or 255 (a fatal error, "PHP Fatal error:  ... in FILE on line N")
        sed -e 's/^PHP Fatal error:  \(.*\) in [^ ]* on line [0-9]*$/PHP Fatal error: \1/' "$case/.err" >"$case/expected.error"
        rm -f "$case/expected.yaml" "$case/.out" "$case/.err"
    fi
done
