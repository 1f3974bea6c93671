# Ferry: every entry point runs through CMake + Ninja into build/.
# `make run` and `make test` are the two commands a new machine needs.

BUILD      ?= build
BUILD_SAN  ?= build-san
CMAKE_OPTS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
JOBS       ?= $(shell nproc)

APT_PACKAGES = build-essential cmake ninja-build ccache pkg-config \
  libxbyak-dev libcapstone-dev libfdt-dev nlohmann-json3-dev \
  libgtest-dev libgmock-dev googletest libbenchmark-dev \
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
  qemu-user busybox-static dpkg-dev gdb-multiarch xz-utils bzip2 \
  qemu-system-arm device-tree-compiler zlib1g-dev python3 cpio

.PHONY: all deps build san run test test-unit test-san bench fuzz clean

all: build

deps: .deps-stamp
.deps-stamp:
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then echo "deps: all installed"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); fi
	@touch $@

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_OPTS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD_SAN)/build.ninja: | deps
	cmake -S . -B $(BUILD_SAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFERRY_SANITIZE=ON \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

san: $(BUILD_SAN)/build.ninja
	cmake --build $(BUILD_SAN) -j $(JOBS)

run: build
	scripts/run-demo.sh $(BUILD)

test: build
	scripts/test.sh $(BUILD)
	$(MAKE) test-san

test-san: san
	scripts/test.sh $(BUILD_SAN) --sanitized

bench: build
	scripts/bench.sh $(BUILD)
	scripts/bench-system.sh $(BUILD)

fuzz: build
	$(BUILD)/ferry-fuzz --instructions 5000000
	$(BUILD)/ferry-qemu-diff --streams 200000 --mode jit
# FP, SIMD and crypto: over a million instructions each with special operands oversampled,
# then one instruction per stream so that no earlier one hides a missing FPSR flag.
	for rows in FP_ SIMD_ Crypto; do \
	  $(BUILD)/ferry-qemu-diff --streams 150000 --rows $$rows --cpu cortex-a72 --mode jit --counts || exit 1; done
	$(BUILD)/ferry-qemu-diff --streams 300000 --length 1 --rows 'FP_|SIMD_' --cpu cortex-a72 --mode jit --counts

clean:
	rm -rf $(BUILD) $(BUILD_SAN) .deps-stamp
