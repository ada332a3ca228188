#!/usr/bin/env bash
# Configures (once) and builds adbridge and its tests into build-asan/ under AddressSanitizer and
# UndefinedBehaviorSanitizer (GCC, as the main build), so the test suite can run with memory
# errors and undefined behaviour made fatal. Extra arguments are ninja targets; none builds
# everything. -O1 keeps the instrumented suite fast enough for CI; warnings are the main build's
# job (GCC warns differently once instrumented), so -Werror is off here.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/adbridge-ccache}
# Paths relative to the tree, so this build and other checkouts share ccache's entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
sanitize="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
if [[ ! -f build-asan/build.ninja ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="$sanitize" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitize" -DCMAKE_SHARED_LINKER_FLAGS="$sanitize" \
    -DADBRIDGE_WERROR=OFF >/dev/null
fi
ninja -C build-asan "$@"
