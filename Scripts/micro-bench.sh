#!/usr/bin/env bash
# Runs the Swift micro-benchmarks (Benchmarks/RampartMicro: Part 10 parser, PDU codec, C-FIND
# matching) with the ordo-one benchmark plugin and prints its table: wall clock, throughput,
# mallocs and peak resident memory per benchmark.
#
#   Scripts/micro-bench.sh [PLUGIN-OPTION...]
#     e.g. --filter "PDU.*", --format markdown, --metric mallocCountTotal
#
# RAMPART_BENCH=1 adds the benchmark package and target to Package.swift; the plugin builds
# them for release in .build-bench, apart from the debug and release builds, and only what the
# target needs (DICOM, DICOMNetwork and their dependencies). Not part of `make test`; it prints
# figures and asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /opt/swift/usr/bin/swift ]] && export PATH=/opt/swift/usr/bin:$PATH

output=$(mktemp)
trap 'rm -f "$output"' EXIT
RAMPART_BENCH=1 nice swift package --scratch-path .build-bench benchmark --target RampartMicro --no-progress "$@" \
    | tee "$output"
# The plugin reports a benchmark whose setup threw (an input that is not what it was written
# for) and still exits 0; its figures would be missing, so the run fails.
if grep -q "setup failed" "$output"; then
    echo "micro-bench: a benchmark's setup failed (above)" >&2
    exit 1
fi
