#!/usr/bin/env bash
# The OCR benchmark, one command (bench/README.md says what it measures and why):
#   builds adbridge, adbridge-scangen and ocr_bench_compare; generates printed and handwritten
#   scans of the bundled forms with scanner faults; ingests them; runs `adbridge process` with
#   --jobs 1 and --jobs 2 on copies of the same received data; runs the baseline (the tesseract
#   command on whole pages, 2 processes); compares both with the ground truth; and writes the
#   results into bench/README.md.
#
#   bench/ocr/run.sh                 200 scans (100 printed + 100 handwriting), README updated
#   bench/ocr/run.sh --quick         20 scans, to try it; README left alone
#   bench/ocr/run.sh --count N       N scans, half of each style
#   bench/ocr/run.sh --prepare-only  everything but `adbridge process` (and no README)
#
# Environment: BUILD_DIR (default build-bench), CCACHE_DIR, BENCH_WORK (default
# bench/ocr/work), NINJA_JOBS (passed to ninja as -j), ADBRIDGE (an adbridge binary to measure
# instead of the one built here, e.g. another branch's build).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/readme_results.sh
source "$root/bench/readme_results.sh"

die() {
  echo "bench/ocr/run.sh: $*" >&2
  exit 1
}
step() { echo "== [${SECONDS}s] $*" >&2; }

count=200
readme=auto
prepare_only=0
while (($#)); do
  case $1 in
    --count)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 2 ]] || die "--count needs a number of scans, at least 2"
      count=$2
      shift 2
      ;;
    --quick) count=20; shift ;;
    --readme) readme=yes; shift ;;
    --no-readme) readme=no; shift ;;
    --prepare-only) prepare_only=1; shift ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [[ $readme == auto ]]; then
  # Published figures come from a full run only.
  if ((count >= 200 && !prepare_only)); then readme=yes; else readme=no; fi
fi
((prepare_only)) && readme=no
printed=$((count / 2))
handwriting=$((count - printed))

for tool in cmake ninja jq tesseract xargs; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh installs what adbridge needs; jq: apt-get install jq)"
done
tesseract --list-langs 2>/dev/null | grep -qx jpn || die "tesseract has no jpn language (apt-get install tesseract-ocr-jpn)"

# ---- build ----
build_dir=${BUILD_DIR:-build-bench}
[[ "$build_dir" = /* ]] || build_dir=$root/$build_dir  # the script changes folder later
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/adbridge-ccache}
if [[ ! -f $build_dir/build.ninja ]]; then
  step "configuring $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
step "building adbridge, adbridge-scangen, ocr_bench_compare"
ninja -C "$build_dir" ${NINJA_JOBS:+-j"$NINJA_JOBS"} adbridge adbridge-scangen ocr_bench_compare >&2
adbridge=${ADBRIDGE:-$build_dir/server/adbridge}
scangen=$build_dir/tests/scangen/adbridge-scangen
compare=$build_dir/bench/ocr_bench_compare
for b in "$adbridge" "$scangen" "$compare"; do [[ -x $b ]] || die "not built: $b"; done

if ! ((prepare_only)) && ! "$adbridge" process --help >/dev/null 2>&1; then
  die "this adbridge has no 'process' command, so there is nothing to measure.
  The benchmark needs 'adbridge --data DIR process --jobs N' (reads every received document and
  prints a last line {\"summary\": {...}}). Build a branch that has it, or run with
  --prepare-only to try generation, ingest and the baseline on their own."
fi

# ---- scans ----
work=${BENCH_WORK:-$here/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
forms=("$root"/models/forms/*.json)
faults=(--format mixed --dpi 200-300 --rotate-max 2 --scale-jitter 0.01 --offset-max-mm 3
  --blur 0.2-0.8 --noise 2-6 --jpeg-quality 70-90 --turn180-rate 0.1)
generate() {  # style count seed
  local style=$1 n=$2 seed=$3 dir=$work/scans/$1
  local stamp="$n $seed ${faults[*]} $(sha256sum "${forms[@]}" | sha256sum | cut -c1-16)"
  if [[ -f $dir/stamp && $(cat "$dir/stamp") == "$stamp" && -f $dir/truth.jsonl ]] &&
    (($(wc -l <"$dir/truth.jsonl") == n)); then
    step "reusing $n $style scans in $dir"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  step "generating $n $style scans into $dir"
  "$scangen" fill "${forms[@]}" --count "$n" --out "$dir" --seed "$seed" --style "$style" \
    "${faults[@]}" >/dev/null
  echo "$stamp" >"$dir/stamp"
}
generate printed "$printed" 101
generate handwriting "$handwriting" 202
truth=("$work/scans/printed/truth.jsonl" "$work/scans/handwriting/truth.jsonl")
pages=$(jq -s 'map(.pages) | add' "${truth[@]}")
scans_words="$printed printed + $handwriting handwriting scans ($pages pages) of the ${#forms[@]} bundled forms; faults: ${faults[*]}"

# ---- ingest once, copy per run ----
rm -rf "$work/data" "$work/data-j1" "$work/data-j2" "$work/text"
step "registering forms and ingesting $count scans"
"$adbridge" --data "$work/data" forms add "${forms[@]}" >/dev/null
mapfile -t files < <(cd "$work/scans" && find . -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.tif' \) -printf '%P\n' | sort)
((${#files[@]} == count)) || die "expected $count scans in $work/scans, found ${#files[@]}"
# Ingest from the work dir so each document's source_name is scans/<style>/<file>.
(cd "$work" && "$adbridge" --data data ingest "${files[@]/#/scans/}") >"$work/ingest.jsonl" ||
  die "ingest failed (see the lines above)"
new=$(jq -s 'map(select(.duplicate == false)) | length' "$work/ingest.jsonl")
((new == count)) || die "ingest made $new documents of $count scans (duplicates?); see $work/ingest.jsonl"

now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# ---- adbridge process ----
run_process() {  # jobs
  local jobs=$1 dir=$work/data-j$1 out=$work/process-j$1.jsonl
  cp -a "$work/data" "$dir"
  step "adbridge process --jobs $jobs ($count documents, $pages pages)"
  local t0 rc=0
  t0=$(now_ns)
  OMP_THREAD_LIMIT=1 "$adbridge" --data "$dir" process --jobs "$jobs" >"$out" 2>"$work/process-j$jobs.err" || rc=$?
  local wall
  wall=$(seconds_since "$t0")
  ((rc == 0)) || die "adbridge process --jobs $jobs failed (exit $rc); see $work/process-j$jobs.err"
  tail -n 1 "$out" | jq -e '.summary | objects' >/dev/null 2>&1 ||
    die "adbridge process --jobs $jobs printed no summary line last; see $out"
  tail -n 1 "$out" | jq --argjson jobs "$jobs" --argjson wall "$wall" \
    '{jobs: $jobs, wall_seconds: $wall, summary: .summary}' >"$work/run-j$jobs.json"
  step "  $wall s wall clock: $(tail -n 1 "$out" | jq -c .summary)"
}
if ((prepare_only)); then
  echo '{}' >"$work/run-j1.json"
  echo '{}' >"$work/run-j2.json"
else
  run_process 1
  run_process 2
fi

# ---- baseline: the tesseract command on whole pages ----
# Tesseract reads every page of a multi-page TIFF itself, so each scan is one command, as a
# user would run it; 2 at a time on 2 cores, one thread each.
step "baseline: tesseract SCAN - -l jpn on every page, 2 processes"
text=$work/text
mkdir -p "$text/printed" "$text/handwriting"
printf '%s\n' "${files[@]}" >"$work/baseline-files.txt"
timer=()
[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f %M -o "$text/{}.rss")
t0=$(now_ns)
(cd "$work/scans" && OMP_THREAD_LIMIT=1 xargs -a "$work/baseline-files.txt" -P 2 -I{} \
  "${timer[@]}" tesseract {} "$text/{}" -l jpn 2>"$work/baseline.err") ||
  echo "bench/ocr/run.sh: tesseract failed on some scans (see $work/baseline.err); they count as not read" >&2
baseline_wall=$(seconds_since "$t0")
baseline_rss=0
if ((${#timer[@]})); then
  baseline_rss=$(cat "$text"/*/*.rss 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')
fi
step "  $baseline_wall s wall clock for $pages pages"
"$compare" extract --forms "${forms[@]}" --truth "${truth[@]}" --text-dir "$text" \
  --out "$work/baseline.jsonl"

# ---- compare ----
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)
jq -n --arg date "$(date '+%Y-%m-%d %H:%M %Z')" \
  --arg machine "$(nproc) cores, ${cpu:-unknown CPU}, $mem" \
  --arg scans "$scans_words" \
  --slurpfile j1 "$work/run-j1.json" --slurpfile j2 "$work/run-j2.json" \
  --argjson pages "$pages" --argjson wall "$baseline_wall" --argjson rss "${baseline_rss:-0}" \
  '{date: $date, machine: $machine, scans: $scans,
    baseline: {processes: 2, pages: $pages, wall_seconds: $wall, peak_rss_mb: $rss}}
   + (if $j1[0] == {} then {} else {jobs1: $j1[0]} end)
   + (if $j2[0] == {} then {} else {jobs2: $j2[0]} end)' >"$work/perf.json"

data_args=()
((prepare_only)) || data_args=(--data "$work/data-j2")
"$compare" report --forms "${forms[@]}" --truth "${truth[@]}" "${data_args[@]}" \
  --baseline "$work/baseline.jsonl" --perf "$work/perf.json" --markdown "$work/results.md"

# ---- README ----
if [[ $readme == yes ]]; then
  write_readme_results ocr "$work/results.md" || die "bench/README.md was left alone"
  step "results written into bench/README.md"
else
  step "bench/README.md left alone (a full run writes it; --readme forces); results in $work/results.md"
fi
