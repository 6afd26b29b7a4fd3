#!/usr/bin/env bash
# `make bench`: the release build, then the benchmark suite (Benchmarks/suite.py), which starts
# Rampart, Orthanc and DCMTK itself on loopback and writes docs/performance.md, .json and .png.
# Arguments go to suite.py (e.g. --work /data/bench to measure another disk). See README "### Benchmarks".
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x .venv/bin/python ]]; then
    echo "bench: .venv is missing; run 'make deps' first" >&2
    exit 2
fi
for tool in /usr/bin/storescu /usr/bin/storescp /usr/bin/dcmqrscp /usr/bin/dcmqridx; do
    [[ -x $tool ]] || { echo "bench: $tool is missing; run 'make deps' (DCMTK)" >&2; exit 2; }
done
if [[ ! -x /usr/sbin/Orthanc ]]; then
    echo "bench: /usr/sbin/Orthanc is missing: its rows will say 'not installed' (apt-get install orthanc orthanc-dicomweb)" >&2
fi

swift build -c release --product rampart
exec env TCP_NODELAY=1 .venv/bin/python Benchmarks/suite.py --rampart .build/release/rampart "$@"
