# The two commands of the README: `make demo` and `make check`.
# Both install missing Debian packages first (scripts/deps.sh, needs root).
BUILD ?= build
# Test builds run under AddressSanitizer and UBSan.
SANITIZE ?= address,undefined

.PHONY: all deps build check demo clean

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

clean:
	rm -rf $(BUILD)
