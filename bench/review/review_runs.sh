# shellcheck shell=bash
# shellcheck disable=SC2154  # root, adbridge, seed: set by the caller
# Sourced by the benchmarks that put reviewers on `adbridge serve` (bench/review/run.sh,
# bench/scaleout/run.sh): the seed of open review tasks with its reviewers, and a server
# started and stopped.
#
#   source "$root/bench/review/review_runs.sh"
#   make_review_seed "$work/seed" 100000 50 "$work/seed.json" "$work/users.txt"
#   start_review_server "$work/http" --data "$work/data-http"   # sets server_pid, server_port
#   stop_review_server "$server_pid"
#
# The caller defines die and step and sets adbridge (the adbridge binary) and seed
# (adbridge-review-seed). While make_review_seed runs, review_seed_tmp names its folder on
# tmpfs: a caller's exit trap removes it when a step fails.

# make_review_seed DIR TASKS REVIEWERS SUMMARY USERS: a data folder DIR with at least TASKS open
# review tasks (adbridge-review-seed) and REVIEWERS reviewers bench-reviewer-NNN (adbridge users
# add, one password hash each). Seeding writes ~6 fsyncs per document through the Store, minutes
# on a busy disk for a big seed, so it is made on tmpfs when there is one and then copied. The
# seed's summary line goes to SUMMARY, "name password" per reviewer to USERS.
make_review_seed() {
  local dir=$1 tasks=$2 reviewers=$3 summary=$4 users=$5 made=$1 i name
  local password=bench-review-password
  review_seed_tmp=
  rm -rf "$dir"
  if [[ -d /dev/shm && -w /dev/shm ]]; then
    review_seed_tmp=$(mktemp -d /dev/shm/adbridge-review-seed.XXXXXX)
    made=$review_seed_tmp/seed
  fi
  step "seeding $tasks review tasks"
  "$seed" seed --data "$made" --form "$root/models/forms/juminhyo-request.json" \
    --tasks "$tasks" >"$summary" || die "seeding failed"
  step "  $(jq -r '"\(.documents) documents, \(.tasks) tasks in \(.seconds * 10 | round / 10) s"' "$summary")"
  step "creating $reviewers reviewers (adbridge users add, one password hash each)"
  : >"$users"
  for ((i = 1; i <= reviewers; i++)); do
    name=$(printf 'bench-reviewer-%03d' "$i")
    echo "$password" | "$adbridge" users add "$name" --role reviewer --data "$made" >/dev/null ||
      die "adbridge users add $name failed"
    echo "$name $password" >>"$users"
  done
  if [[ -n $review_seed_tmp ]]; then
    cp -a "$made" "$dir"
    rm -rf "$review_seed_tmp"
    review_seed_tmp=
  fi
}

# start_review_server OUT STORE...: `adbridge STORE serve --port 0 --bind 127.0.0.1 --jobs 0`
# in the background (STORE: --data DIR or --db URI; --jobs 0: no background reading, so the
# server does review work only), its output in OUT.out and OUT.err. Returns once it answers on
# its port, with server_pid and server_port set.
start_review_server() {
  local out=$1 i
  shift
  step "[${out##*/}] starting adbridge $* serve --port 0 --bind 127.0.0.1 --jobs 0"
  "$adbridge" "$@" serve --port 0 --bind 127.0.0.1 --jobs 0 >"$out.out" 2>"$out.err" &
  server_pid=$!
  server_port=
  for ((i = 0; i < 100; i++)); do
    server_port=$(jq -r 'select(.port != null) | .port' "$out.out" 2>/dev/null | head -n 1)
    [[ -n $server_port ]] && break
    kill -0 "$server_pid" 2>/dev/null || die "adbridge serve stopped at start; see $out.err"
    sleep 0.1
  done
  [[ -n $server_port ]] || die "adbridge serve did not say its port within 10 s; see $out.out"
  (exec 3<>"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null ||
    die "adbridge serve does not answer on port $server_port"
}

# stop_review_server PID: SIGTERM, and dies when the server has not stopped 20 s later.
stop_review_server() {
  local pid=$1 i
  kill "$pid"
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    die "adbridge serve did not stop within 20 s of SIGTERM"
  fi
  wait "$pid" || true
}
