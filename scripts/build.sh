#!/usr/bin/env bash
# Configures (once) and builds adbridge into build/ with ccache. Extra arguments are ninja
# targets; none builds everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/adbridge-ccache}
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C build "$@"
