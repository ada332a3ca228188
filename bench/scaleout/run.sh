#!/usr/bin/env bash
# The scale-out benchmark, one command (bench/README.md, "Scale-out", says what it measures and
# why): adbridge on SQLite (one machine) beside adbridge on PostgreSQL with several processes
# sharing one database, as workers and servers on separate machines would.
#   1. Reading: the same generated scans ingested into a SQLite data folder and into a fresh
#      PostgreSQL database for each run; `adbridge process --jobs 1` (and --jobs 2) on SQLite,
#      then 1, 2 and 4 `adbridge --db URI process --jobs 1` processes started together on
#      PostgreSQL. Pages/min for each; after each run, a check that every document was read
#      exactly once.
#   2. Review: the review benchmark's reviewers (adbridge-review-load) against `adbridge serve`
#      on SQLite, on PostgreSQL, and two servers sharing the PostgreSQL database; the same
#      seeded tasks for each; tasks settled per second, latency, and the integrity check.
#
#   bench/scaleout/run.sh                 40 scans, 30 s per review run; README updated
#   bench/scaleout/run.sh --quick         12 scans, 10 s per review run; README left alone
#   bench/scaleout/run.sh --count N --seconds S --reviewers R   other sizes (README only with --readme)
#   bench/scaleout/run.sh --db-server postgresql://USER@HOST:PORT/DB
#                                         use that server (the user may CREATE DATABASE; each
#                                         run makes its own database and drops it) instead of
#                                         starting one (scripts/pg-test-server.sh)
#   bench/scaleout/run.sh --only reading|review   one half only (README left alone)
#
# Environment: BUILD_DIR (default build-bench), CCACHE_DIR, NINJA_JOBS (ninja -j), BENCH_WORK
# (default bench/scaleout/work, ignored by git), ADBRIDGE (an adbridge binary to measure
# instead of the one built here). Exits non-zero, printing no figure, when a step fails, when a
# run read a document twice or left one unread, or when an integrity check fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench/readme_results.sh
source "$root/bench/readme_results.sh"
# shellcheck source=bench/review/review_runs.sh
source "$root/bench/review/review_runs.sh"

die() {
  echo "bench/scaleout/run.sh: $*" >&2
  exit 1
}
step() { echo "== [${SECONDS}s] $*" >&2; }

count=40
seconds=30
reviewers=50
db_server=
only=
readme=auto
while (($#)); do
  case $1 in
    --quick) count=12; seconds=10; shift ;;
    --count)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 4 ]] || die "--count needs a number of scans, at least 4"
      count=$2
      shift 2
      ;;
    --seconds)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 1 ]] || die "--seconds needs a whole number of seconds"
      seconds=$2
      shift 2
      ;;
    --reviewers)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 2 && $2 -le 180 ]] || die "--reviewers needs 2 to 180"
      reviewers=$2
      shift 2
      ;;
    --db-server)
      [[ $# -ge 2 && $2 =~ ^postgres(ql)?:// ]] || die "--db-server needs a postgresql:// connection string"
      db_server=$2
      shift 2
      ;;
    --only)
      [[ $# -ge 2 && $2 =~ ^(reading|review)$ ]] || die "--only is reading or review"
      only=$2
      shift 2
      ;;
    --readme) readme=yes; shift ;;
    --no-readme) readme=no; shift ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [[ $readme == auto ]]; then
  # Published figures come from the run the README describes only.
  if ((count >= 40 && seconds >= 30 && reviewers == 50)) && [[ -z $only ]]; then readme=yes; else readme=no; fi
fi

for tool in cmake ninja jq psql sqlite3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh installs what adbridge needs; jq, sqlite3: apt-get install jq sqlite3)"
done

# ---- build ----
build_dir=${BUILD_DIR:-build-bench}
[[ "$build_dir" = /* ]] || build_dir=$root/$build_dir
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/adbridge-ccache}
if [[ ! -f $build_dir/build.ninja ]]; then
  step "configuring $build_dir"
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
fi
step "building adbridge, adbridge-scangen, adbridge-review-seed, adbridge-review-load"
ninja -C "$build_dir" ${NINJA_JOBS:+-j"$NINJA_JOBS"} adbridge adbridge-scangen \
  adbridge-review-seed adbridge-review-load >&2
adbridge=${ADBRIDGE:-$build_dir/server/adbridge}
scangen=$build_dir/tests/scangen/adbridge-scangen
seed=$build_dir/bench/review/adbridge-review-seed
load=$build_dir/bench/review/adbridge-review-load
for b in "$adbridge" "$scangen" "$seed" "$load"; do [[ -x $b ]] || die "not built: $b"; done
"$adbridge" --db postgresql://x@127.0.0.1:1/x process --help >/dev/null 2>&1 ||
  die "this adbridge has no --db or no 'process' command; the benchmark needs both"
"$adbridge" serve --help >/dev/null 2>&1 || die "this adbridge has no 'serve' command"

work=${BENCH_WORK:-$here/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work"/sqlite-* "$work"/run-* "$work"/review-* "$work/results.md"

# ---- the PostgreSQL server ----
# Its own, started here with PostgreSQL's durable defaults (every commit waits for the disk, as
# SQLite's synchronous=FULL does) on the same disk as the SQLite folders; or --db-server.
pg_dir=
databases=()
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -n ${review_seed_tmp:-} ]] && rm -rf "$review_seed_tmp"
  if [[ -n $pg_dir ]]; then
    "$root/scripts/pg-test-server.sh" stop "$pg_dir" || true
  elif ((${#databases[@]})); then
    local db
    for db in "${databases[@]}"; do psql -q "$db_server" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  fi
  return 0
}
trap cleanup EXIT
if [[ -z $db_server ]]; then
  pg_dir=$work/pg
  step "starting a PostgreSQL server in $pg_dir (scripts/pg-test-server.sh, durable)"
  "$root/scripts/pg-test-server.sh" stop "$pg_dir"
  ADBRIDGE_PG_TEST_DURABLE=1 "$root/scripts/pg-test-server.sh" start "$pg_dir" ||
    die "the PostgreSQL server did not start"
  db_server=$(cat "$pg_dir/uri")
fi
pg_settings=$(psql -At "$db_server" -c "SELECT 'PostgreSQL ' || current_setting('server_version') ||
  ', fsync ' || current_setting('fsync') || ', synchronous_commit ' ||
  current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')") ||
  die "cannot reach the PostgreSQL server"
step "  $pg_settings"
# new_database NAME: a fresh database on the server; sets uri to its connection string.
new_database() {
  psql -q "$db_server" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" \
    -c "CREATE DATABASE $1" >/dev/null ||
    die "cannot create the database $1 (the --db-server user needs CREATEDB)"
  databases+=("$1")
  local base=${db_server%%\?*} query=
  [[ $db_server == *\?* ]] && query="?${db_server#*\?}"
  uri="${base%/*}/$1$query"
}

now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
cores=$(nproc)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ==== 1. reading ====
# Every document of the run against its attempts and its `document.read` audit events, in SQL
# both engines speak: documents | read exactly once | read more than once | not read | failed.
read_check_sql="SELECT count(*),
  coalesce(sum(CASE WHEN coalesce(r.n, 0) = 1 AND d.attempts = 1
                     AND d.state IN ('in_review', 'verified') THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN coalesce(r.n, 0) > 1 OR d.attempts > 1 THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN coalesce(r.n, 0) = 0 OR d.state IN ('received', 'processing')
                THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END), 0)
FROM documents d LEFT JOIN (SELECT document_id, count(*) AS n FROM audit_log
  WHERE action = 'document.read' GROUP BY document_id) r ON r.document_id = d.id"

# read_check NAME (--data DIR | --db URI): writes run-NAME-check.json; dies when a document was
# read other than exactly once.
read_check() {
  local name=$1 row
  if [[ $2 == --data ]]; then
    row=$(sqlite3 -readonly "$3/adbridge.db" "$read_check_sql") || die "[$name] cannot read $3/adbridge.db"
  else
    row=$(psql -At "$3" -c "$read_check_sql") || die "[$name] cannot read the database"
  fi
  IFS='|' read -r documents once twice unread failed <<<"$row"
  jq -n --argjson documents "$documents" --argjson once "$once" --argjson twice "$twice" \
    --argjson unread "$unread" --argjson failed "$failed" --argjson expected "$count" \
    '{documents: $documents, read_once: $once, read_twice: $twice, unread: $unread,
      failed: $failed, ok: ($documents == $expected and $once == $documents)}' \
    >"$work/run-$name-check.json"
  step "  [$name] check: $documents documents, $once read exactly once (one attempt, one document.read event), $twice read more than once, $unread not read, $failed failed"
  jq -e .ok "$work/run-$name-check.json" >/dev/null ||
    die "[$name] every one of the $count documents must be read exactly once; this run is an error, not a figure (see $work/run-$name-check.json)"
}

# ingest ARGS...: the forms and the scans into a store (ARGS: --data DIR or --db URI).
forms=("$root"/models/forms/*.json)
ingest() {
  "$adbridge" "$@" forms add "${forms[@]}" >/dev/null || die "adbridge $* forms add failed"
  (cd "$work" && "$adbridge" "$@" ingest "${scan_files[@]/#/scans/}") >"$work/ingest.jsonl" ||
    die "adbridge $* ingest failed"
  local new
  new=$(jq -s 'map(select(.duplicate == false)) | length' "$work/ingest.jsonl")
  ((new == count)) || die "ingest made $new documents of $count scans; see $work/ingest.jsonl"
}

# run_workers NAME PROCESSES JOBS ARGS...: PROCESSES `adbridge ARGS process --jobs JOBS` started
# together, timed until the last ends; writes run-NAME.json.
run_workers() {
  local name=$1 processes=$2 jobs=$3 i
  shift 3
  step "[$name] $processes × adbridge process --jobs $jobs ($count documents, $pages pages)"
  local pids=() t0 wall
  t0=$(now_ns)
  for ((i = 1; i <= processes; i++)); do
    OMP_THREAD_LIMIT=1 "$adbridge" "$@" process --jobs "$jobs" >"$work/run-$name-$i.jsonl" \
      2>"$work/run-$name-$i.err" &
    pids+=($!)
  done
  local failed=0
  for ((i = 0; i < processes; i++)); do wait "${pids[$i]}" || failed=$((failed + 1)); done
  wall=$(seconds_since "$t0")
  ((failed == 0)) || die "[$name] $failed of $processes process commands failed; see $work/run-$name-*.err"
  local summaries=()
  for ((i = 1; i <= processes; i++)); do
    tail -n 1 "$work/run-$name-$i.jsonl" | jq -e '.summary | objects' >/dev/null 2>&1 ||
      die "[$name] process $i printed no summary line last; see $work/run-$name-$i.jsonl"
    summaries+=("$(tail -n 1 "$work/run-$name-$i.jsonl" | jq -c .summary)")
  done
  printf '%s\n' "${summaries[@]}" | jq -s --arg name "$name" --argjson processes "$processes" \
    --argjson jobs "$jobs" --argjson wall "$wall" \
    '{name: $name, processes: $processes, jobs: $jobs, wall_seconds: $wall,
      documents: (map(.documents) | add), pages: (map(.pages) | add),
      per_process_documents: map(.documents), failed: (map(.failed) | add),
      peak_rss_mb: (map(.peak_rss_mb) | max)}' >"$work/run-$name.json"
  step "  $wall s wall clock; documents per process: $(jq -c .per_process_documents "$work/run-$name.json")"
}

if [[ $only != review ]]; then
  # ---- scans: the three bundled forms in turn, with a front-desk scanner's faults ----
  faults=(--format mixed --dpi 200-300 --rotate-max 2 --scale-jitter 0.01 --offset-max-mm 3
    --blur 0.2-0.8 --noise 2-6 --jpeg-quality 70-90 --turn180-rate 0.1)
  stamp="$count 303 ${faults[*]} $(sha256sum "${forms[@]}" | sha256sum | cut -c1-16)"
  if [[ -f $work/scans/stamp && $(cat "$work/scans/stamp") == "$stamp" ]]; then
    step "reusing $count scans in $work/scans"
  else
    rm -rf "$work/scans"
    mkdir -p "$work/scans"
    step "generating $count printed scans into $work/scans"
    "$scangen" fill "${forms[@]}" --count "$count" --out "$work/scans" --seed 303 --style printed \
      "${faults[@]}" >/dev/null || die "adbridge-scangen failed"
    echo "$stamp" >"$work/scans/stamp"
  fi
  mapfile -t scan_files < <(cd "$work/scans" && find . -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.tif' \) -printf '%P\n' | sort)
  ((${#scan_files[@]} == count)) || die "expected $count scans in $work/scans, found ${#scan_files[@]}"
  pages=$(jq -s 'map(.pages) | add' "$work/scans/truth.jsonl")

  # ---- SQLite: one data folder, copied per run ----
  step "SQLite: registering the forms and ingesting $count scans into a data folder"
  ingest --data "$work/sqlite-base"
  for jobs in 1 2; do
    cp -a "$work/sqlite-base" "$work/sqlite-j$jobs"
    run_workers "sqlite-j$jobs" 1 "$jobs" --data "$work/sqlite-j$jobs"
    read_check "sqlite-j$jobs" --data "$work/sqlite-j$jobs"
  done

  # ---- PostgreSQL: a fresh database per run, processes started together ----
  for workers in 1 2 4; do
    new_database "adbridge_bench_read_$workers"
    step "PostgreSQL: registering the forms and ingesting $count scans into a fresh database"
    ingest --db "$uri"
    run_workers "pg-w$workers" "$workers" 1 --db "$uri"
    read_check "pg-w$workers" --db "$uri"
  done
fi

# ==== 2. review ====
if [[ $only != reading ]]; then
  # One seed for every run (bench/review's, with its reviewers), copied for SQLite and moved
  # into each PostgreSQL run's database with `adbridge migrate-store`: the same documents and
  # tasks, with the same ids, on both engines.
  seed_dir=$work/review-seed
  make_review_seed "$seed_dir" $((seconds * 3000 + 10000)) "$reviewers" "$work/review-seed.json" \
    "$work/review-users.txt"
  seeded_tasks=$(jq -r .tasks "$work/review-seed.json")

  # run_review NAME SERVERS (--data DIR | --db URI): SERVERS servers on one store, the reviewers
  # dealt out among them; then the integrity check of the store against the load report.
  run_review() {
    local name=$1 servers=$2 i pid
    shift 2
    local urls=()
    for ((i = 1; i <= servers; i++)); do
      start_review_server "$work/review-$name-serve-$i" "$@"
      server_pids+=("$server_pid")
      urls+=(--url "http://127.0.0.1:$server_port")
    done
    local pid_args=()
    ((servers == 1)) && pid_args=(--server-pid "${server_pids[0]}")
    step "[review-$name] $reviewers reviewers over HTTP for $seconds s (logins first, outside the window)"
    "$load" "${urls[@]}" --users "$work/review-users.txt" --seconds "$seconds" "${pid_args[@]}" \
      --out "$work/review-$name.json" || die "[review-$name] the HTTP load failed (see above)"
    for pid in "${server_pids[@]}"; do stop_review_server "$pid"; done
    server_pids=()
    step "  [review-$name] integrity check"
    "$seed" check "$@" --report "$work/review-$name.json" --seeded-tasks "$seeded_tasks" \
      >"$work/review-$name-check.json" ||
      die "[review-$name] the integrity check failed; this run is an error, not a figure (see $work/review-$name-check.json)"
  }

  cp -a "$seed_dir" "$work/review-sqlite"
  sync
  run_review sqlite 1 --data "$work/review-sqlite"
  for servers in 1 2; do
    new_database "adbridge_bench_review_$servers"
    step "[review-pg-s$servers] moving the seed into a fresh database (adbridge migrate-store)"
    "$adbridge" --data "$seed_dir" migrate-store --to "$uri" >"$work/review-pg-s$servers-migrate.json" \
      2>"$work/review-pg-s$servers-migrate.err" ||
      die "migrate-store failed; see $work/review-pg-s$servers-migrate.err"
    run_review "pg-s$servers" "$servers" --db "$uri"
  done
fi

# ==== results ====
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GB RAM", $2 / 1048576 }' /proc/meminfo)
machine="$cores cores, ${cpu:-unknown CPU}, $mem, load average $load_before before the run"
{
  if [[ -n $pg_dir ]]; then
    where="started by this script on loopback, its data on the same disk as the SQLite folders"
  else
    where="the server given with --db-server"
  fi
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $machine. $pg_settings, $where."
  echo
  if [[ $only != review ]]; then
    sqlite1=$(jq .wall_seconds "$work/run-sqlite-j1.json")
    echo "#### Reading: $count printed scans ($pages pages) of the ${#forms[@]} bundled forms, \`OMP_THREAD_LIMIT=1\`"
    echo
    echo "| run | processes × --jobs | wall clock | pages/min | vs SQLite, 1 process | documents per process | read exactly once |"
    echo "|---|---:|---:|---:|---:|---|---|"
    for name in sqlite-j1 sqlite-j2 pg-w1 pg-w2 pg-w4; do
      case $name in
        sqlite-j1) label="SQLite, \`adbridge process --jobs 1\` (one machine)" ;;
        sqlite-j2) label="SQLite, \`adbridge process --jobs 2\` (its best on $cores cores)" ;;
        pg-w1) label="PostgreSQL, 1 × \`adbridge --db URI process --jobs 1\`" ;;
        pg-w2) label="PostgreSQL, 2 × \`adbridge --db URI process --jobs 1\`" ;;
        pg-w4) label="PostgreSQL, 4 × \`adbridge --db URI process --jobs 1\`" ;;
      esac
      jq -r --arg title "$label" --argjson base "$sqlite1" --argjson pages "$pages" \
        --slurpfile check "$work/run-$name-check.json" \
        '"| \($title) | \(.processes) × \(.jobs) | \(.wall_seconds * 10 | round / 10) s | \($pages / .wall_seconds * 60 * 10 | round / 10) | \($base / .wall_seconds * 100 | round / 100)× | \(.per_process_documents | map(tostring) | join(" + ")) | ✓ \($check[0].read_once)/\($check[0].documents) |"' \
        "$work/run-$name.json"
    done
    echo
    echo "pages/min = the scans' $pages pages ÷ the wall clock from the first process's start to the last one's end, × 60. \"Read exactly once\": documents with one attempt, one \`document.read\` audit event and a state past reading, of all documents in the store; any other count stops the run as an error. This machine has $cores cores: workers beyond $cores share them, so 4 processes cannot read faster than 2 here; on separate machines each worker brings its own cores."
    echo
  fi
  if [[ $only != reading ]]; then
    echo "#### Review: $reviewers reviewers over HTTP for $seconds s per run, $(jq -r .tasks "$work/review-seed.json") seeded tasks"
    echo
    sqlite_cps=$(jq .cycles_per_second "$work/review-sqlite.json")
    echo "| run | tasks settled/s | vs SQLite | requests/s | claim p50 / p90 / p99 / max, ms | submit p50 / p90 / p99 / max, ms | failed requests | integrity |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for name in sqlite pg-s1 pg-s2; do
      case $name in
        sqlite) label="SQLite, 1 × \`adbridge serve\`" ;;
        pg-s1) label="PostgreSQL, 1 × \`adbridge --db URI serve\`" ;;
        pg-s2) label="PostgreSQL, 2 × \`adbridge --db URI serve\`, reviewers split between them" ;;
      esac
      jq -r --arg title "$label" --argjson base "$sqlite_cps" \
        --slurpfile check "$work/review-$name-check.json" '
        def ms: . * 100 | round / 100;
        def lat(k): .latency_ms[k] | "\(.p50 | ms) / \(.p90 | ms) / \(.p99 | ms) / \(.max | ms)";
        "| \($title) | \(.cycles_per_second) | \(if $base > 0 then (.cycles_per_second / $base * 100 | round / 100 | tostring) + "×" else "—" end) | \(.requests_per_second) | \(lat("claim")) | \(lat("submit")) | \([.errors[][]] | add // 0) | ✓ \($check[0].claims) claims, \($check[0].claimed_twice) handed out twice; \($check[0].settled) settled = \($check[0].submits_ok) successful submits, \($check[0].tasks_with_two_submits) settled twice; \($check[0].lost) lost |"' \
        "$work/review-$name.json"
    done
    echo
    echo "A task settled is a claim (\`POST /api/review/next\`) that got a task and its successful submit; latency is measured by the load client around each request (loopback, keep-alive, one connection per reviewer). Servers ran with \`--jobs 0\` (no background reading). The load client, the servers and PostgreSQL share the machine's $cores cores, so a second server adds no cores here; each run starts from the same seed (copied for SQLite, moved into a fresh database with \`adbridge migrate-store\` for PostgreSQL)."
  fi
} >"$work/results.md"
echo
cat "$work/results.md"

if [[ $readme == yes ]]; then
  write_readme_results scaleout "$work/results.md" || die "bench/README.md was left alone"
  step "results written into bench/README.md"
else
  step "bench/README.md left alone (a full run writes it; --readme forces); results in $work/results.md"
fi
