#!/usr/bin/env bash
# Installs what is missing, builds adbridge and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh
# The browser test's one npm package, playwright-core, pinned by package-lock.json; it drives
# Debian's chromium and downloads no browser.
(cd tests/browser && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
