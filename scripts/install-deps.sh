#!/usr/bin/env bash
# Installs the Debian packages adbridge needs to build, test and run, and nothing when every one
# is already there. Debian's archive is the only source: nothing is downloaded from elsewhere.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev            # the store
  libpq-dev                 # the store on a PostgreSQL server
  postgresql postgresql-contrib  # the tests' throwaway PostgreSQL server (scripts/pg-test-server.sh)
  libssl-dev                # SHA-256 of blobs
  nlohmann-json3-dev        # form definitions and JSON Lines
  libicu-dev                # Unicode normalisation of field values
  libleptonica-dev          # image decoding and page normalisation
  libpng-dev libtiff-dev libturbojpeg0-dev  # checking every page of an upload, quietly
  libtesseract-dev tesseract-ocr tesseract-ocr-jpn tesseract-ocr-eng  # reading fields
  libopencv-dev             # registration, drawing Japanese text into test scans
  libpoco-dev               # the HTTP server (and HTTPS: NetSSL_OpenSSL)
  openssl                   # tests make a self-signed certificate for `serve --tls-cert`
  libsodium-dev             # password hashing (Argon2id), session tokens, constant-time compares
  libhpdf-dev               # letters and blank forms as PDF
  libharfbuzz-dev           # fonts cut down to the characters a PDF sets, so one letter stays small
  libfreetype-dev           # the image of a printed blank form, its text set as the PDF sets it
  googletest libgtest-dev libgmock-dev  # tests
  clang-14 libclang-rt-14-dev  # the fuzz targets (tests/fuzz): clang and its libFuzzer runtime
  fonts-ipaexfont           # printed Japanese (IPAex Gothic and Mincho)
  fonts-klee                # handwriting-like Japanese for generated test scans
  poppler-utils             # tests read generated PDFs back
  chromium                  # the browser test drives it headless (tests/browser)
)
# node and npm run the browser test. Debian's are added only when the commands are missing:
# a machine with another node keeps it (NodeSource's nodejs carries its own npm and conflicts
# with Debian's npm package).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "adbridge: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
