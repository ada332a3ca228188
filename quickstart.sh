#!/usr/bin/env bash
# Installs what is missing, builds adbridge and runs the front desk's main job on the bundled
# sample data: register the bundled forms, ingest the sample scans, and read them (identify,
# align, read every field, route the unsure ones to review). Safe to run again: a form or scan
# already stored is recognised, not stored twice, and a document is read once.
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

echo "== 電話受付の記録を取り込みます (storing the sample phone-intake records)"
adbridge ingest-phone samples/phone/calls-2026-11-21.csv

echo "== 読み取ります (reading: identify, align, read, validate, route)"
OMP_THREAD_LIMIT=1 adbridge process

echo "== 見本の利用者を作ります (adding sample users: reviewer, supervisor, front desk, department)"
# Sample accounts for trying the pages on this machine only; the passwords are printed below.
if ! adbridge users list | grep -q '"name":"sample-reviewer"'; then
  printf 'review-sample-1\n' | adbridge users add sample-reviewer --role reviewer --display-name "見本 確認担当"
  printf 'supervise-sample-1\n' | adbridge users add sample-supervisor --role supervisor --display-name "見本 監督者"
fi
if ! adbridge users list | grep -q '"name":"sample-frontdesk"'; then
  printf 'frontdesk-sample-1\n' | adbridge users add sample-frontdesk --role frontdesk --display-name "見本 窓口"
  printf 'department-sample-1\n' | adbridge users add sample-department --role department --display-name "見本 担当課"
fi

echo "== 印刷用の白紙の様式と、読み取り結果の CSV を書き出します (a blank form for paper, and the readings as CSV)"
out="$data/out"
mkdir -p "$out"
adbridge forms render juminhyo-request --out "$out/juminhyo-request-blank.pdf"
adbridge export --form juminhyo-request --status any --encoding utf-8-bom --out "$out/juminhyo-request.csv"

forms=$(adbridge forms list | wc -l)
documents=$(adbridge documents list | wc -l)
in_review=$(adbridge documents list --state in_review | wc -l)
verified=$(adbridge documents list --state verified | wc -l)
failed=$(adbridge documents list --state failed | wc -l)
cat <<MSG

== 完了 (done)
データフォルダ (data folder): $data
書き出し (written): $out/juminhyo-request-blank.pdf, $out/juminhyo-request.csv
  登録済みの様式 (forms registered): $forms
  文書 (documents): $documents — 確認待ち (in review): $in_review, 確定 (verified): $verified, 失敗 (failed): $failed

次に試すこと (try next):
  build/server/adbridge --data "$data" serve                        # http://127.0.0.1:8080/
      確認担当 (reviewer): sample-reviewer / review-sample-1
      監督者 (supervisor): sample-supervisor / supervise-sample-1
      窓口・電話受付 (front desk, phone intake): sample-frontdesk / frontdesk-sample-1
      担当課 (department): sample-department / department-sample-1
  build/server/adbridge --data "$data" serve --watch scanner-folder  # スキャナーの保存先から取り込む
  build/server/adbridge --data "$data" forms list
  build/server/adbridge --data "$data" documents list
  build/server/adbridge --data "$data" ingest path/to/scan.tif     # 同じファイルは "duplicate": true
  build/server/adbridge --data "$data" letters --template kyufukin-decision --out letters.pdf   # 確認が済んだ記録への通知
  build/server/adbridge --data "$data" export --form kyufukin-application --encoding cp932 --out k.csv
  build/server/adbridge --help                                      # English: --lang en
  ./test.sh                                                         # 全テスト (every test)
MSG
