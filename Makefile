# Rampart: `make run` starts it, `make test` tests it. See README.md.
#
#   make run     install what is missing, build for release, `rampart init` the first time
#                (prints the admin password once), then `rampart serve`
#   make test    install what is missing, one debug build (with the tests), a private
#                PostgreSQL (Scripts/test-postgres.sh), the Swift unit tests, a short
#                fuzzing pass, then the interop tests (Tests/interop, pytest) against the
#                debug binary; fails if any of them fails
#   make fuzz    the libFuzzer harnesses (Fuzz/) under AddressSanitizer, FUZZ_SECONDS (300)
#                each; `make test` runs a short pass of FUZZ_RUNS (4000) inputs each
#   make build   release build only
#   make bench   release build, then the benchmark suite against Orthanc and DCMTK (Benchmarks/
#                suite.py, under 30 minutes): writes docs/performance.md, .json and .png
#   make load    debug build, then Benchmarks/load.py: 200 concurrent associations storing and
#                querying (p50/p99, rejects over the limit, errors, serve's memory), then QIDO-RS
#                under wrk (requests/s, p50/p99, statuses); LOAD_ARGS passes options
#   make micro-bench  the Swift micro-benchmarks (Benchmarks/RampartMicro, Scripts/micro-bench.sh):
#                Part 10 parser, PDU codec, C-FIND matching; release build in .build-bench
#   make soak    the crash-consistency tests at length: SOAK_ROUNDS (200) SIGKILL rounds of
#                test_net_serve_crash.py and SOAK_SEEDS (50) fault-injection runs of ArchiveFaultTests
#   make check-sanitizers  the Swift tests under AddressSanitizer, then ThreadSanitizer
#                (Scripts/check-sanitizers.sh; builds in .build-asan and .build-tsan)
#   make deb     the Debian package (release build, Swift runtime linked in, systemd unit):
#                .build/deb/rampart_<version>_<arch>.deb; see docs/operations.md
#   make clean   remove the build folders (.build, .build-fuzz, .build-bench), the Python virtualenv and test caches

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The Swift toolchain lives at /opt/swift on our machines; use it even if PATH lacks it.
ifneq ($(wildcard /opt/swift/usr/bin/swift),)
export PATH := /opt/swift/usr/bin:$(PATH)
endif

VENV := .venv
PYTEST := $(VENV)/bin/pytest
DEBUG_BINARY := $(CURDIR)/.build/debug/rampart
RELEASE_BINARY := $(CURDIR)/.build/release/rampart
TEST_SCP_BINARY := $(CURDIR)/.build/debug/rampart-test-scp
# DCMTK's network tools read TCP_NODELAY; the interop tests drive them.
TEST_ENV := TCP_NODELAY=1 RAMPART=$(DEBUG_BINARY) RAMPART_TEST_SCP=$(TEST_SCP_BINARY)

.PHONY: help run test fuzz build bench load micro-bench check-sanitizers soak deb clean deps deps-system

help:
	@sed -n 's/^#   //p' Makefile

deps:
	@bash Scripts/install-deps.sh

deps-system:
	@bash Scripts/install-deps.sh --no-venv

build: deps-system
	swift build -c release

fuzz: deps
	@bash Scripts/fuzz.sh

bench: deps
	@bash Scripts/bench.sh

load: deps
	swift build
	$(VENV)/bin/python Benchmarks/load.py --rampart $(DEBUG_BINARY) $(LOAD_ARGS)

SOAK_ROUNDS ?= 200
SOAK_SEEDS ?= 50
soak: deps
	swift build --build-tests
	RAMPART_FAULT_SEEDS=$(SOAK_SEEDS) swift test --skip-build --filter ArchiveFaultTests
	RAMPART_CRASH_ROUNDS=$(SOAK_ROUNDS) RAMPART_CRASH_SEED=$$RANDOM $(TEST_ENV) $(PYTEST) Tests/interop/test_net_serve_crash.py

check-sanitizers: deps-system
	@bash Scripts/check-sanitizers.sh

micro-bench: deps-system
	@bash Scripts/micro-bench.sh

deb: deps-system
	@bash Scripts/build-deb.sh

run: build
	@$(RELEASE_BINARY) init --if-needed
	$(RELEASE_BINARY) serve

test: deps
	swift build --build-tests
	@status=0; \
	echo "== PostgreSQL for the index tests (Scripts/test-postgres.sh)"; \
	RAMPART_TEST_POSTGRES=$$(bash Scripts/test-postgres.sh start) || exit $$?; \
	RAMPART_TEST_POSTGRES_CA=$$(bash Scripts/test-postgres.sh ca); \
	export RAMPART_TEST_POSTGRES RAMPART_TEST_POSTGRES_CA; \
	trap 'bash Scripts/test-postgres.sh stop' EXIT; \
	echo "== Swift tests"; \
	TCP_NODELAY=1 swift test --skip-build || status=$$?; \
	echo "== Fuzzing, a short pass (Scripts/fuzz.sh --short)"; \
	bash Scripts/fuzz.sh --short || { rc=$$?; [[ $$status -ne 0 ]] || status=$$rc; }; \
	echo "== Interop tests (Tests/interop, RAMPART=$(DEBUG_BINARY))"; \
	$(TEST_ENV) $(PYTEST) Tests/interop || { rc=$$?; [[ $$status -ne 0 ]] || status=$$rc; }; \
	if [[ $$status -ne 0 ]]; then echo "make test: FAILED (exit $$status)"; fi; \
	exit $$status

clean:
	rm -rf .build .build-fuzz .build-bench $(VENV) Tests/interop/.pytest_cache
	find Tests/interop -name __pycache__ -type d -prune -exec rm -rf {} +
