# urne: the user's entry point. `make run` and `make check` are the two commands that matter;
# everything else is a helper. CMake does the building; this file installs what is missing and
# drives the build directories.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# Seconds of fuzzing per target (make check: a short run; a campaign: FUZZ_SECONDS=600),
# and optionally one target only (FUZZ_TARGET=blt), the others then skipped.
FUZZ_SECONDS ?= 8
FUZZ_TARGET ?=

# Debian packages needed to build and test (DEPS) and only to benchmark (BENCH_DEPS).
DEPS       = build-essential cmake pkg-config gettext clang libclang-rt-14-dev libcmocka-dev libjansson-dev python3 \
             coinor-libcbc-dev coinor-libclp-dev libsodium-dev libsqlite3-dev libmicrohttpd-dev curl sqlite3 \
             libopenblas0-serial libopenblas-serial-dev libcrack2-dev cracklib-runtime zlib1g-dev libpq-dev postgresql \
             libcurl4-openssl-dev python3-aiosmtpd
BENCH_DEPS = python3-pandas time wrk php-cli php-mbstring cmark
# The benchmark areas (make bench-AREA), in the order `make bench` runs them.
BENCH_AREAS = results count sortition server postgres initiative forum match
# The browser tests: Debian's chromium, and playwright-core from npm to drive it; the French
# and British word lists that tell which words of a page belong to which language (pages.mjs).
BROWSER_DEPS = chromium wfrench wbritish

MAKEFLAGS += --no-print-directory

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


.PHONY: all build run cli-demo check test browser-deps asan fuzz bench deps bench-deps clean demo release \
        $(addprefix bench-,$(BENCH_AREAS))

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
	@cd tests/browser && [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm install --no-audit --no-fund --silent

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

# The tests run JOBS at a time: most of a server test's time is waiting (its server's
# answers, fsync, a browser), so the suite takes about half as long on 2 cores.
test: build browser-deps
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DURNE_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DURNE_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@./fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGET)

# Packagers' builds, -Werror kept: gcc Release (-O3, where gcc sees format truncations
# that -O2 does not), and clang Release with Debian's hardening flags (dpkg-buildflags:
# stack protector, _FORTIFY_SOURCE, format-security, relro) and the shared libraries
# (URNE_STATIC=OFF). They must compile; `make check` builds both, so that a warning
# only these flags show cannot land. RelWithDebInfo with gcc is the default build above.
RELEASE_BUILD ?= build-release
release: deps
	@cmake -S . -B $(RELEASE_BUILD)-gcc -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(RELEASE_BUILD)-gcc -j $(JOBS) --target urne sign_load
	@CC=clang CXX=clang++ CFLAGS="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	  LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" \
	  cmake -S . -B $(RELEASE_BUILD)-clang -DCMAKE_BUILD_TYPE=Release -DURNE_STATIC=OFF >/dev/null
	@cmake --build $(RELEASE_BUILD)-clang -j $(JOBS) --target urne sign_load
	@echo "release: gcc -O3, and clang -O3 with Debian's hardening flags, build"

# Every test: the normal build, the sanitizer build, a short fuzzing run of every parser,
# and the packager's build.
check: test asan fuzz release
	@echo "make check: all passed"

# Benchmarks: each target prints one line, 'BENCH <area> <what>: <figure> (<peer figure,
# same run>) target <goal>: met|not met' (details on standard error). `make bench` runs
# every area, `make bench-AREA` one: bench/AREA.sh, then any bench/AREA-*.sh
# (bench/area.sh). The count peer needs CONDORCET_DIR, a local copy of the Condorcet PHP
# library (bench/count.sh says how); without it urne's figure is printed alone.
bench: build bench-deps
	@for a in $(BENCH_AREAS); do ./bench/area.sh $$a $(BUILD)/urne || exit 1; done

$(addprefix bench-,$(BENCH_AREAS)): bench-%: build bench-deps
	@./bench/area.sh $* $(BUILD)/urne

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(RELEASE_BUILD)-gcc $(RELEASE_BUILD)-clang bench/out
