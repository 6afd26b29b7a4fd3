#!/usr/bin/env bash
# The Swift test suite under AddressSanitizer, then ThreadSanitizer (`make check-sanitizers`).
# Each sanitizer builds in a scratch path of its own (.build-asan, .build-tsan): a first build
# takes a while; later ones are incremental. The PostgreSQL test cluster is started as for
# `make test`, so the PostgreSQL suites run too.
#
# Usage: Scripts/check-sanitizers.sh [address|thread ...]   (default: address thread)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

RAMPART_TEST_POSTGRES=$(bash Scripts/test-postgres.sh start)
RAMPART_TEST_POSTGRES_CA=$(bash Scripts/test-postgres.sh ca)
export RAMPART_TEST_POSTGRES RAMPART_TEST_POSTGRES_CA
trap 'bash Scripts/test-postgres.sh stop' EXIT

status=0
for sanitizer in "${@:-address thread}"; do
    for one in $sanitizer; do
        case $one in
            address) scratch=.build-asan ;;
            thread) scratch=.build-tsan ;;
            *) echo "check-sanitizers.sh: $one is not address or thread" >&2; exit 2 ;;
        esac
        echo "== swift test under the $one sanitizer ($scratch)"
        mkdir -p "$scratch"
        if ! swift build --build-tests --sanitize="$one" --scratch-path "$scratch" >"$scratch/sanitizer-build.log" 2>&1; then
            grep -E "error" "$scratch/sanitizer-build.log" | head -n 20 >&2
            echo "check-sanitizers.sh: the $one build failed (log: $scratch/sanitizer-build.log)" >&2
            status=1
            continue
        fi
        # halt_on_error: the first report fails the run, with its stack in the output.
        ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
            swift test --skip-build --sanitize="$one" --scratch-path "$scratch" || status=$?
    done
done
exit $status
