#!/usr/bin/env bash
# Builds the libFuzzer harnesses of Fuzz/ with AddressSanitizer (in .build-fuzz, apart from the
# debug and release builds) and runs each from its seed corpus (Scripts/fuzz-seeds.py) and the
# corpus earlier runs grew. Inputs that once crashed, in Tests/fuzz/<harness>/, are replayed
# first: they are the regression tests of what fuzzing found.
#
#   Scripts/fuzz.sh [--short] [HARNESS...]
#     --short   a bounded pass for `make test`: FUZZ_RUNS inputs per harness (default 4000)
#     default   `make fuzz`: FUZZ_SECONDS per harness (default 300)
#   HARNESS     fuzz-part10, fuzz-dicom-json, fuzz-codecs, fuzz-pdu, fuzz-dimse-command,
#               fuzz-multipart, fuzz-query-keys (default: all)
#
# A crash, a sanitizer report or a leak ends the run with status 1 and leaves the input that
# caused it in .build-fuzz/crashes/<harness>/: fix the cause, then copy that file into
# Tests/fuzz/<harness>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /opt/swift/usr/bin/swift ]] && export PATH=/opt/swift/usr/bin:$PATH

short=0
harnesses=()
for argument in "$@"; do
    case "$argument" in
        --short) short=1 ;;
        fuzz-*) harnesses+=("$argument") ;;
        *) echo "usage: $0 [--short] [fuzz-part10|fuzz-dicom-json|fuzz-codecs|fuzz-pdu|fuzz-dimse-command|fuzz-multipart|fuzz-query-keys ...]" >&2; exit 2 ;;
    esac
done
((${#harnesses[@]})) || harnesses=(fuzz-part10 fuzz-dicom-json fuzz-codecs fuzz-pdu fuzz-dimse-command fuzz-multipart fuzz-query-keys)

scratch=.build-fuzz
# gold fails on the sanitizer's debug sections; lld, from the Swift toolchain, links them.
flags=(--scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
for harness in "${harnesses[@]}"; do
    RAMPART_FUZZ=1 swift build "${flags[@]}" --product "$harness" 2>&1 | grep -E "error:|warning: var|Compiling|complete" | grep -v "^\[" || true
done
binaries=$(RAMPART_FUZZ=1 swift build "${flags[@]}" --show-bin-path)

seeds=$scratch/seeds
# The last folder fuzz-seeds.py writes: seeds of an older version of it lack the newer harnesses'.
if [[ ! -d $seeds/query-keys ]]; then
    .venv/bin/python Scripts/fuzz-seeds.py "$seeds"
fi

status=0
for harness in "${harnesses[@]}"; do
    name=${harness#fuzz-}
    corpus=$scratch/corpus/$name crashes=$scratch/crashes/$name
    mkdir -p "$corpus" "$crashes"
    if compgen -G "Tests/fuzz/$name/*" >/dev/null; then
        if ! "$binaries/$harness" -runs=0 Tests/fuzz/$name/* >"$scratch/$name-regressions.log" 2>&1; then
            echo "fuzz: $harness: an input of Tests/fuzz/$name crashes again:" >&2
            tail -n 40 "$scratch/$name-regressions.log" >&2
            status=1
            continue
        fi
    fi
    if ((short)); then
        limit=(-runs="${FUZZ_RUNS:-4000}" -max_total_time=300)
    else
        limit=(-max_total_time="${FUZZ_SECONDS:-300}")
    fi
    log=$scratch/$name.log
    # -seed=1: the same inputs each run; -rss_limit_mb bounds a decoder that allocates without limit.
    if "$binaries/$harness" "${limit[@]}" -seed=1 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "$seeds/$name" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $harness: $runs inputs, no crash ($(ls "$corpus" | wc -l) in its corpus)"
    else
        echo "fuzz: $harness: FAILED; the input is in $crashes/:" >&2
        grep -E "ERROR|SUMMARY|==[0-9]+==|#[0-9]+ 0x" "$log" | head -n 40 >&2
        status=1
    fi
done
exit $status
