#!/usr/bin/env bash
# Configures (once) and builds adbridge, its tests and the libFuzzer targets of tests/fuzz into
# build-fuzz/ with clang (Debian's clang-14 and libclang-rt-14-dev), every file instrumented
# with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's coverage. The main build
# stays GCC. Extra arguments are ninja targets; none builds everything.
#
# One instrumented build serves both the fuzzers (scripts/fuzz.sh) and the test suite under the
# sanitizers (scripts/test-asan.sh): compiling the tree a third time would cost CI more than the
# whole fuzz run. Coverage hooks that no fuzzer reads cost the tests little. Warnings are the
# main build's job (clang warns differently), so -Werror is off here; assertions stay on.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/adbridge-ccache}
# Paths relative to the tree, so this build and other checkouts share ccache's entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
if [[ ! -f build-fuzz/build.ninja ]]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DADBRIDGE_FUZZ=ON -DADBRIDGE_WERROR=OFF >/dev/null
fi
ninja -C build-fuzz "$@"
