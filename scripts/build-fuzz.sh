#!/usr/bin/env bash
# Configures (once) and builds the libFuzzer targets of tests/fuzz into build-fuzz/ with clang
# (Debian's clang-14 and libclang-rt-14-dev), every adbridge library instrumented for coverage,
# AddressSanitizer and UndefinedBehaviorSanitizer. The main build stays GCC. Extra arguments
# are ninja targets; none builds the fuzz targets. Warnings are the main build's job (clang warns
# differently), so -Werror is off here.
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
if (($# == 0)); then
  set -- fuzz_targets
fi
ninja -C build-fuzz "$@"
