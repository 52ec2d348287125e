# The two commands of the README, and the steps they are made of.
#   make run   installs what is missing, builds, starts `roomgate serve --dev` with the demo guests
#   make test  installs what is missing, builds, runs every test (unit, integration, browser, sanitizers, fuzzers)
.PHONY: run test build deps deps-run test-unit test-asan test-fuzz format clean

JOBS ?= $(shell nproc)

run: deps-run build
	./build/roomgate serve --dev

test: deps build
	ctest --preset default -j$(JOBS)
	$(MAKE) test-asan
	$(MAKE) test-fuzz

deps:
	scripts/install-deps

deps-run:
	scripts/install-deps --no-browser

# Configures again when scripts/install-deps has (re)installed the vendored twilio-video SDK since.
build:
	@[ -f build/CMakeCache.txt ] && [ ! vendor/node_modules/.stamp -nt build/CMakeCache.txt ] || cmake --preset default
	cmake --build --preset default -j$(JOBS)

test-unit: build
	ctest --preset default -L unit -j$(JOBS)

# Under AddressSanitizer + UndefinedBehaviorSanitizer: the unit tests, and the server itself (roomgate
# built with the sanitizers) under the integration, contract and asan-e2e browser suites. A sanitizer
# report in the server fails the test that was running (the harnesses read its stderr when stopping it).
test-asan:
	@[ -f build-asan/CMakeCache.txt ] || cmake --preset asan
	cmake --build --preset asan -j$(JOBS) --target unit_tests roomgate integration_tests
	ctest --preset asan -j$(JOBS)

# Each libFuzzer target of fuzz/ for a short bounded run on a copy of its seed corpus (clang, ASan+UBSan).
# Builds only the fuzzers and the pure sources they link, not the server.
test-fuzz:
	@[ -f build-fuzz/CMakeCache.txt ] || cmake --preset fuzz
	cmake --build --preset fuzz -j$(JOBS)
	ctest --preset fuzz -j$(JOBS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build build-asan build-fuzz
