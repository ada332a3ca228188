#!/usr/bin/env bash
# Installs what is missing, builds adbridge and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh
# The browser test's one npm package, playwright-core, pinned by package-lock.json; it drives
# Debian's chromium and downloads no browser.
(cd tests/browser && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 600)

# Everything again with clang under AddressSanitizer and UndefinedBehaviorSanitizer (build-fuzz/):
# the fuzz targets (tests/fuzz), each run for a bounded time from its committed seed corpus, then
# the test suite. Any crash, memory error or undefined behaviour fails the run.
scripts/build-fuzz.sh
scripts/fuzz.sh
scripts/test-asan.sh
