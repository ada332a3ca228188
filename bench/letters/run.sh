#!/usr/bin/env bash
# The letters benchmark, one command (bench/README.md, "Letters", says what it measures and why):
#   builds adbridge, adbridge-letters-seed and adbridge-letters-bench; seeds a data directory
#   with N verified benefit applications (invented residents of Nagano: names, addresses,
#   postal codes, banks); then, each on one core (taskset -c 0):
#   - `adbridge letters --template kyufukin-decision` on a copy of the seed, end to end (read
#     the records, render, keep the PDF, record the batch, write --out);
#   - the same letters rendered in process into one batch PDF, normal and large print;
#   - the plain alternative in the same run: one PDF per letter, each with its own fonts;
#   prints the table with the targets (at least 50 letters/s into one batch, at most 60 KB per
#   page on average) and, after a full run, writes it into bench/README.md.
#
#   bench/letters/run.sh                   500 letters, README updated
#   bench/letters/run.sh --quick           20 letters, to try it; README left alone
#   bench/letters/run.sh --records N       N letters (README only with --readme)
#   bench/letters/run.sh --no-build        use the binaries already in BUILD_DIR
#
# Environment: BUILD_DIR (default build-bench), CCACHE_DIR, NINJA_JOBS (passed to ninja as -j,
# default 1), BENCH_WORK (default bench/letters/work, ignored by git).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/readme_results.sh
source "$root/bench/readme_results.sh"

die() {
  echo "bench/letters/run.sh: $*" >&2
  exit 1
}
step() { echo "== [${SECONDS}s] $*" >&2; }

records=500
readme=auto
build=1
# A PDF per letter embeds the fonts every time and takes about a third of a second each; the
# first letters of the batch stand for all of them.
per_letter=100
while (($#)); do
  case $1 in
    --records)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 ]] || die "--records needs a number of letters"
      records=$2
      shift 2
      ;;
    --quick) records=20; shift ;;
    --readme) readme=yes; shift ;;
    --no-readme) readme=no; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [[ $readme == auto ]]; then
  # Published figures come from a full run only.
  if ((records >= 500)); then readme=yes; else readme=no; fi
fi
((per_letter > records)) && per_letter=$records

for tool in jq pdfinfo; do
  command -v "$tool" >/dev/null || die "$tool is not installed (jq: apt-get install jq; pdfinfo: poppler-utils)"
done
# One core, as the target says; without taskset the run still works but may use either core.
pin=()
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then pin=(taskset -c 0); fi

# ---- build ----
build_dir=${BUILD_DIR:-build-bench}
[[ "$build_dir" = /* ]] || build_dir=$root/$build_dir
if ((build)); then
  command -v cmake >/dev/null && command -v ninja >/dev/null || die "cmake and ninja are needed to build"
  step "building in $build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$build_dir" -j"${NINJA_JOBS:-1}" adbridge adbridge-letters-seed adbridge-letters-bench >&2
fi
adbridge=$build_dir/server/adbridge
seed=$build_dir/bench/letters/adbridge-letters-seed
bench=$build_dir/bench/letters/adbridge-letters-bench
for b in "$adbridge" "$seed" "$bench"; do
  [[ -x $b ]] || die "not built: $b (run without --no-build)"
done

work=${BENCH_WORK:-$here/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/seed" "$work/data-command" "$work/data-bench" "$work"/*.json "$work"/*.pdf
form=$root/models/forms/kyufukin-application.json

# ---- seed ----
step "seeding $records verified records"
"$seed" --data "$work/seed" --form "$form" --records "$records" --seed 11 >"$work/seed.json" ||
  die "seeding failed"
cp -a "$work/seed" "$work/data-command"
cp -a "$work/seed" "$work/data-bench"
sync

# ---- adbridge letters, end to end ----
step "adbridge letters --template kyufukin-decision (${pin[*]:-any core})"
start=$(date +%s.%N)
"${pin[@]}" "$adbridge" letters --template kyufukin-decision --data "$work/data-command" \
  --out "$work/letters.pdf" >"$work/command.json" || die "adbridge letters failed"
end=$(date +%s.%N)
command_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
command_letters=$(jq -r .letters "$work/command.json")
command_pages=$(pdfinfo "$work/letters.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
command_bytes=$(stat -c %s "$work/letters.pdf")
((command_letters == records)) || die "adbridge letters made $command_letters letters of $records"

# ---- in process ----
step "in process: one batch PDF, and one PDF per letter for the first $per_letter"
"${pin[@]}" "$bench" --data "$work/data-bench" --template kyufukin-decision --form "$form" \
  --per-letter "$per_letter" >"$work/normal.json" || die "adbridge-letters-bench failed"
step "in process: one batch PDF in large print"
"${pin[@]}" "$bench" --data "$work/data-bench" --template kyufukin-decision --form "$form" \
  --large-print --per-letter 0 >"$work/large.json" || die "adbridge-letters-bench --large-print failed"

# ---- table ----
# row LABEL LETTERS PAGES SECONDS BYTES: one line of the table.
row() {
  awk -v label="$1" -v letters="$2" -v pages="$3" -v seconds="$4" -v bytes="$5" 'BEGIN {
    printf "| %s | %d | %d | %.2f | %.1f | %.1f |\n", label, letters, pages, seconds,
      letters / seconds, bytes / pages / 1024 }'
}
read -r b_letters b_pages b_seconds b_bytes < <(jq -r '.batch | "\(.letters) \(.pages) \(.seconds) \(.bytes)"' "$work/normal.json")
read -r p_letters p_pages p_seconds p_bytes < <(jq -r '.per_letter | "\(.letters) \(.pages) \(.seconds) \(.bytes)"' "$work/normal.json")
read -r l_letters l_pages l_seconds l_bytes < <(jq -r '.batch | "\(.letters) \(.pages) \(.seconds) \(.bytes)"' "$work/large.json")
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "**missed**") }'; }
rate_ok=$(awk -v l="$command_letters" -v s="$command_seconds" 'BEGIN { print (l / s >= 50) }')
size_ok=$(awk -v b="$command_bytes" -v p="$command_pages" 'BEGIN { print (b / p / 1024 <= 60) }')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'): $records letters of \`kyufukin-decision\`, one core" \
    "(${pin[*]:-not pinned}), $(nproc) cores of ${cpu:-an unknown CPU}, load average $load at the end."
  echo
  echo "| run | letters | pages | seconds | letters/s | KB per page |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "\`adbridge letters\`, end to end (read, render, keep, record, write)" \
    "$command_letters" "$command_pages" "$command_seconds" "$command_bytes"
  row "one batch PDF, in process" "$b_letters" "$b_pages" "$b_seconds" "$b_bytes"
  row "one batch PDF, large print, in process" "$l_letters" "$l_pages" "$l_seconds" "$l_bytes"
  row "one PDF per letter (the plain way), first $p_letters, in process" \
    "$p_letters" "$p_pages" "$p_seconds" "$p_bytes"
  echo
  awk -v bl="$b_letters" -v bs="$b_seconds" -v bb="$b_bytes" -v bp="$b_pages" \
    -v pl="$p_letters" -v ps="$p_seconds" -v pb="$p_bytes" -v pp="$p_pages" 'BEGIN {
      printf "One batch against one PDF per letter: %.0f× the letters per second, %.0f× smaller per page.\n",
        (bl / bs) / (pl / ps), (pb / pp) / (bb / bp) }'
  echo
  echo "Targets, \`adbridge letters\` end to end: at least 50 letters/s —" \
    "$(verdict "$rate_ok"); at most 60 KB per page on average — $(verdict "$size_ok")."
} >"$work/results.md"
cat "$work/results.md"

# ---- README ----
if [[ $readme == yes ]]; then
  write_readme_results letters "$work/results.md" || die "bench/README.md was left alone"
  step "results written into bench/README.md"
else
  step "bench/README.md left alone (a full run writes it; --readme forces); results in $work/results.md"
fi
