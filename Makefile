# The two commands of the README: `make demo` and `make check`.
# Both install missing Debian packages first (scripts/deps.sh, needs root).
# `make fuzz` runs the libFuzzer targets (docs/fuzzing.md).
# `make bench` runs the benchmark suite (bench/README.md) on a release build
# and writes docs/performance.md; not part of `make check`.
BUILD ?= build
# Test builds run under AddressSanitizer and UBSan.
SANITIZE ?= address,undefined
# make fuzz: its own clang build, and how long each target runs.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
# make bench: its own release build without sanitizers (the numbers count).
BENCH_BUILD ?= build-rel

.PHONY: all deps build check demo fuzz bench clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	    meson setup $(BUILD) -Db_sanitize=$(SANITIZE) -Db_lundef=false >/dev/null; fi
	@ninja -C $(BUILD) >/dev/null

check: build
	@tests/run $(BUILD)

demo: build
	@./scripts/demo.sh $(BUILD)

fuzz:
	@./scripts/deps.sh --fuzz
	@if [ ! -f $(FUZZ_BUILD)/build.ninja ]; then \
	    CC=clang meson setup $(FUZZ_BUILD) -Dfuzzing=true -Db_sanitize=$(SANITIZE) \
	        -Db_lundef=false >/dev/null; fi
	@ninja -C $(FUZZ_BUILD) >/dev/null
	@FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_TARGETS)

bench:
	@./scripts/deps.sh --bench
	@if [ ! -f $(BENCH_BUILD)/build.ninja ]; then \
	    meson setup $(BENCH_BUILD) -Db_sanitize=none --buildtype=release >/dev/null; fi
	@ninja -C $(BENCH_BUILD) >/dev/null
	@bench/run $(BENCH_BUILD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(BENCH_BUILD)
