# SPDX-License-Identifier: Apache-2.0
# The README's two commands:  make demo  |  make test
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: setup configure build demo test test-unit sanitize tsan fuzz fuzz-run bench clean format

setup:
	scripts/setup

configure:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: setup build
	scripts/demo

test: setup build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (second CI configuration).
sanitize: setup
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSENTIO_SANITIZE=ON -DSENTIO_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS) --target sentio_unit_tests
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit

# Sessions sharing one engine, the executor and the server, under ThreadSanitizer (third CI configuration).
TSAN_TARGETS = test_core_unit test_engine_unit test_serve_e2e sentio_torch_plugin
tsan: setup
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENTIO_TSAN=ON -DSENTIO_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build-tsan -j $(JOBS) --target $(TSAN_TARGETS)
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure -j $(JOBS) -R '^(Executor|Session|Engine|Serve)\.'

# libFuzzer targets (fuzz/, clang, ASan + UBSan) in build-fuzz/, then each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 15
fuzz: setup
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENTIO_FUZZ=ON \
	  -DSENTIO_BUILD_TESTS=OFF -DSENTIO_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build build-fuzz -j $(JOBS) --target fuzz_all
fuzz-run: fuzz
	fuzz/run $(FUZZ_SECONDS)

bench: build
	bench/run_all

format:
	find include src tools tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
