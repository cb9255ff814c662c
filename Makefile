# urne: the user's entry point. `make run` and `make check` are the two commands that matter;
# everything else is a helper. CMake does the building; this file installs what is missing and
# drives the build directories.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 8

# Debian packages needed to build and test (DEPS) and only to benchmark (BENCH_DEPS).
DEPS       = build-essential cmake pkg-config clang libclang-rt-14-dev libcmocka-dev libjansson-dev python3 \
             coinor-libcbc-dev coinor-libclp-dev libsodium-dev libsqlite3-dev libmicrohttpd-dev curl sqlite3 \
             libopenblas0-serial libopenblas-serial-dev
BENCH_DEPS = python3-pandas time wrk
# The browser tests: Debian's chromium, and playwright-core from npm to drive it.
BROWSER_DEPS = chromium

MAKEFLAGS += --no-print-directory

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


.PHONY: all build run cli-demo check test browser-deps asan fuzz bench deps bench-deps clean demo

all: build

# Install only what dpkg does not already report as installed; apt-get update only when needed.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "urne: installing missing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "urne: build dependencies present"; fi
endef

deps:
	$(call install_missing,$(DEPS))

# Node.js comes from Debian unless the machine already has it (another packaging of
# Node must not be replaced); playwright-core is pinned in tests/browser/package.json.
browser-deps: deps
	$(call install_missing,$(BROWSER_DEPS))
	@command -v npm >/dev/null || { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; }
	@cd tests/browser && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent

bench-deps: deps
	$(call install_missing,$(BENCH_DEPS))

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The server on a fresh demo database; prints the address and the demo accounts.
run: build
	@./scripts/demo.sh $(BUILD)/urne

# A tour of the command-line engines on the examples and a real file.
cli-demo: build
	@./scripts/cli-demo.sh $(BUILD)/urne

test: build browser-deps
	@cd $(BUILD) && ctest --output-on-failure

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DURNE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DURNE_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@./fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Every test: the normal build, the sanitizer build, a short fuzzing run of every parser.
check: test asan fuzz
	@echo "make check: all passed"

bench: build bench-deps
	@./bench/run.sh $(BUILD)/urne
	@./bench/count.sh $(BUILD)/urne
	@./bench/sortition.sh $(BUILD)/urne
	@./bench/server.sh $(BUILD)/urne

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) bench/out
