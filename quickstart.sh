#!/usr/bin/env bash
# Installs what is missing, builds adbridge and runs the front desk's main job on the bundled
# sample data: register the bundled forms, then ingest the sample scans. Safe to run again: a
# form or scan already stored is recognised, not stored twice.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
echo "== adbridge をビルドしています (building adbridge)"
scripts/build.sh adbridge >/dev/null

data=${ADBRIDGE_DATA:-$PWD/quickstart-data}
adbridge() { build/server/adbridge --data "$data" "$@"; }

echo "== 同梱の様式を登録します (registering the bundled forms)"
adbridge forms add models/forms/*.json

echo "== 見本のスキャンを取り込みます (ingesting the sample scans)"
shopt -s nullglob
scans=(samples/scans/*.png samples/scans/*.jpg samples/scans/*.tif)
adbridge ingest "${scans[@]}"

forms=$(adbridge forms list | wc -l)
documents=$(adbridge documents list | wc -l)
received=$(adbridge documents list --state received | wc -l)
cat <<MSG

== 完了 (done)
データフォルダ (data folder): $data
  登録済みの様式 (forms registered): $forms
  文書 (documents): $documents — うち受付済み (received, waiting to be read): $received

次に試すこと (try next):
  build/server/adbridge --data "$data" forms list
  build/server/adbridge --data "$data" documents list
  build/server/adbridge --data "$data" ingest path/to/scan.tif     # 同じファイルは "duplicate": true
  build/server/adbridge --help                                      # English: --lang en
  ./test.sh                                                         # 全テスト (every test)
MSG
