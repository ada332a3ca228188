#!/usr/bin/env bash
# The review queue's load benchmark, one command (bench/README.md, "Review queue", says what it
# measures and why):
#   seeds a data directory with open review tasks (adbridge-review-seed) and creates the
#   reviewers (adbridge users add); starts `adbridge serve` on a copy; runs the reviewers over
#   HTTP (adbridge-review-load), each claiming and submitting as fast as the server answers;
#   stops the server; checks its database against the load report; again with the reviewers
#   paced at the target's 1,000 cycles/s (latency at that load, not at saturation); runs the
#   same cycles in process on review::ReviewQueue (the plain alternative) and checks that too;
#   each run on its own copy of the seed, with the data on disk (as installed) and again in
#   memory (tmpfs, no HTTP run paced); prints the tables and, after a full run, writes them
#   into bench/README.md.
#
#   BUILD_DIR=build bench/review/run.sh             50 reviewers, 60 s per run (5 runs), README updated
#   BUILD_DIR=build bench/review/run.sh --quick     10 s per run (a smoke test); README left alone
#   bench/review/run.sh --seconds S --reviewers N   other sizes (README only with --readme)
#   bench/review/run.sh --tasks N                   seed N tasks (default: enough for 6,000 cycles/s)
#   bench/review/run.sh --storage disk|memory|both  where the runs keep their data (default both:
#                                                   disk, as installed, and tmpfs, no fsync wait)
#
# It builds nothing: BUILD_DIR (default build-bench) must hold adbridge, adbridge-review-seed and
# adbridge-review-load (ninja -C BUILD_DIR adbridge adbridge-review-seed adbridge-review-load).
# Work files go to BENCH_WORK (default bench/review/work/, ignored by git). Exits non-zero when a
# step fails or an integrity check does.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/readme_results.sh
source "$root/bench/readme_results.sh"
# shellcheck source=bench/review/review_runs.sh
source "$root/bench/review/review_runs.sh"

die() {
  echo "bench/review/run.sh: $*" >&2
  exit 1
}
step() { echo "== [${SECONDS}s] $*" >&2; }

seconds=60
reviewers=50
tasks=
readme=auto
storage=both
while (($#)); do
  case $1 in
    --quick) seconds=10; shift ;;
    --seconds)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 ]] || die "--seconds needs a whole number of seconds"
      seconds=$2
      shift 2
      ;;
    --reviewers)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 && $2 -le 500 ]] || die "--reviewers needs 1 to 500"
      reviewers=$2
      shift 2
      ;;
    --tasks)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 ]] || die "--tasks needs a number"
      tasks=$2
      shift 2
      ;;
    --storage)
      [[ $# -ge 2 && $2 =~ ^(disk|memory|both)$ ]] || die "--storage is disk, memory or both"
      storage=$2
      shift 2
      ;;
    --readme) readme=yes; shift ;;
    --no-readme) readme=no; shift ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [[ $readme == auto ]]; then
  # Published figures come from the run the README describes only.
  if ((seconds >= 60 && reviewers == 50)) && [[ $storage == both ]]; then readme=yes; else readme=no; fi
fi
case $storage in
  both) storages=(disk memory) ;;
  *) storages=("$storage") ;;
esac
if [[ " ${storages[*]} " == *" memory "* ]] && ! [[ -d /dev/shm && -w /dev/shm ]]; then
  echo "bench/review/run.sh: no writable /dev/shm; the in-memory runs are left out" >&2
  storages=(disk)
fi
# Enough tasks that the queue never runs dry at 6,000 cycles/s (six times the target; the
# in-process run in memory has done 4,000), plus a margin: a run that does run dry says so in
# the table (claims that found nothing waiting).
tasks=${tasks:-$((seconds * 6000 + 10000))}

# ---- binaries ----
build_dir=${BUILD_DIR:-build-bench}
[[ "$build_dir" = /* ]] || build_dir=$root/$build_dir
adbridge=${ADBRIDGE:-$build_dir/server/adbridge}
seed=$build_dir/bench/review/adbridge-review-seed
load=$build_dir/bench/review/adbridge-review-load
for b in "$adbridge" "$seed" "$load"; do
  [[ -x $b ]] || die "not built: $b
  Build first: ninja -C $build_dir adbridge adbridge-review-seed adbridge-review-load"
done
"$adbridge" serve --help >/dev/null 2>&1 || die "this adbridge has no 'serve' command"
command -v jq >/dev/null || die "jq is not installed (apt-get install jq)"

work=${BENCH_WORK:-$here/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/seed" "$work"/data-*
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
  [[ -n ${review_seed_tmp:-} ]] && rm -rf "$review_seed_tmp"
  [[ -n ${memory_dir:-} ]] && rm -rf "$memory_dir"
  return 0
}
trap cleanup EXIT

# ---- seed ----
seed_dir=$work/seed
make_review_seed "$seed_dir" "$tasks" "$reviewers" "$work/seed.json" "$work/users.txt"
seeded_tasks=$(jq -r .tasks "$work/seed.json")

# ---- the runs, for each place the data may live ----
# On disk is how adbridge is installed: every commit waits for fdatasync (synchronous=FULL), and
# what that costs depends on the disk and on whatever else the machine is doing (a probe times
# an fdatasync every 100 ms of each disk run). In memory (tmpfs) the same code runs without that
# wait, so the HTTP ÷ in-process ratio there is what the HTTP layer itself costs. Each run works
# on its own copy of the seed and is checked on its own.
status=0
report_args=()

# A fresh copy of the seed for one run: copy_seed DIR
copy_seed() {
  rm -rf "$1"
  cp -a "$seed_dir" "$1"
  sync
}

# check NAME DATA: the integrity of one run's data directory against its load report.
check() {
  step "  integrity check"
  "$seed" check --data "$2" --report "$work/$1.json" --seeded-tasks "$seeded_tasks" \
    >"$work/$1-check.json" || status=1
  report_args+=(--run "$work/$1.json" "$work/$1-check.json")
}

# run_http NAME BASE [RATE]: `adbridge serve` on a copy in BASE, the reviewers over HTTP.
run_http() {
  local name=$1 base=$2 rate=${3:-0} data=$2/data-$1 probe=()
  copy_seed "$data"
  [[ $name == *disk* ]] && probe=(--fsync-probe "$data")
  # (Every seeded document is in review: the server has nothing to read.)
  start_review_server "$work/$name-serve" --data "$data"
  local port=$server_port
  local pace=()
  ((rate > 0)) && pace=(--rate "$rate")
  step "[$name] $reviewers reviewers over HTTP for $seconds s${pace:+ at $rate cycles/s} (logins first, outside the window)"
  "$load" --url "http://127.0.0.1:$port" --users "$work/users.txt" --seconds "$seconds" \
    "${pace[@]}" "${probe[@]}" --server-pid "$server_pid" --out "$work/$name.json" ||
    die "the HTTP load failed (see above)"
  stop_review_server "$server_pid"
  server_pid=
  check "$name" "$data"
  [[ $name == *disk* ]] || rm -rf "$data"
}

# run_in_process NAME BASE: the same cycles on review::ReviewQueue, no HTTP.
run_in_process() {
  local name=$1 base=$2 data=$2/data-$1 probe=()
  copy_seed "$data"
  [[ $name == *disk* ]] && probe=(--fsync-probe "$data")
  step "[$name] $reviewers reviewers in process (review::ReviewQueue, no HTTP) for $seconds s"
  "$load" --in-process "$data" --users "$work/users.txt" --seconds "$seconds" "${probe[@]}" \
    --out "$work/$name.json" || die "the in-process load failed (see above)"
  check "$name" "$data"
  [[ $name == *disk* ]] || rm -rf "$data"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for storage in "${storages[@]}"; do
  case $storage in
    disk)
      report_args+=(--storage disk)
      run_http http-disk "$work"
      run_http http-disk-paced "$work" 1000
      run_in_process in-process-disk "$work"
      ;;
    memory)
      report_args+=(--storage memory)
      memory_dir=$(mktemp -d /dev/shm/adbridge-review-bench.XXXXXX)
      run_http http-memory "$memory_dir"
      run_in_process in-process-memory "$memory_dir"
      rm -rf "$memory_dir"
      memory_dir=
      ;;
  esac
done

# ---- table ----
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)
"$load" report --seed "$work/seed.json" "${report_args[@]}" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --machine "$(nproc) cores, ${cpu:-unknown CPU}, $mem, load average $load_before before the run" \
  --server-command "adbridge serve --data DIR --port 0 --bind 127.0.0.1 --jobs 0" \
  --markdown "$work/results.md"

# ---- README ----
if [[ $readme == yes ]]; then
  write_readme_results review "$work/results.md" || die "bench/README.md was left alone"
  step "results written into bench/README.md"
else
  step "bench/README.md left alone (a full run writes it; --readme forces); results in $work/results.md"
fi
((status == 0)) || die "an integrity check failed; see $work/http-check.json and $work/in-process-check.json"
