#!/usr/bin/env bash
# A throwaway PostgreSQL server for adbridge's tests (Debian's postgresql package).
#
#   scripts/pg-test-server.sh start DIR   # initdb in DIR (once), start, write DIR/uri
#   scripts/pg-test-server.sh stop DIR    # stop it and remove DIR
#
# The cluster holds test data only: it listens on 127.0.0.1 alone, trusts every login from
# there, and skips fsync, so it is fast and never to be used for anything kept. Its unix socket
# lives in DIR, so it never meets a system server's. DIR/uri receives
# postgresql://postgres@127.0.0.1:PORT/postgres, which the tests read (through
# ADBRIDGE_TEST_POSTGRES_URI_FILE). Starting when a server already runs in DIR reuses it.
#
# ADBRIDGE_PG_TEST_DURABLE=1 keeps PostgreSQL's own fsync, synchronous_commit and
# full_page_writes (a commit waits for the disk), for benchmarks that set it beside SQLite's
# synchronous=FULL.
#
# PostgreSQL refuses to run as root: run as root, the server runs as the `postgres` system user
# (which the package creates) and DIR is given to it.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
(($# == 2)) || usage
action=$1
dir=$2

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "adbridge: PostgreSQL's server is not installed (Debian: apt-get install postgresql)" >&2
  exit 1
fi

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [[ -f "$dir/data/postmaster.pid" ]] && as_server_user "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# A port nothing on the loopback answers on now.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  echo "$port"
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if running && [[ -s "$dir/uri" ]]; then
    local port
    port=$(sed -n 's|.*:\([0-9]*\)/postgres$|\1|p' "$dir/uri")
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
      return 0
    fi
  fi
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "adbridge: the postgres user cannot reach $dir (a parent folder is closed to it);" \
        "build in a folder other users can enter" >&2
      exit 1
    fi
  fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    rm -rf "$dir/data"
    as_server_user "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    # Logins from 127.0.0.1 and the socket in DIR only, all trusted but one role's, which the
    # tests use to check how a refused password is reported.
    as_server_user tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
local all all                                      trust
host  all adbridge_password_check 127.0.0.1/32 scram-sha-256
host  all all                     127.0.0.1/32 trust
EOF
  fi
  # Another run may take a free port between the check and the start: try a few.
  local attempt port no_sync="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${ADBRIDGE_PG_TEST_DURABLE:-0} == 1 ]] && no_sync=""
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(free_port)
    if as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $no_sync -c max_connections=200 \
-c shared_buffers=32MB" start >/dev/null; then
      if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 60; then
        printf 'postgresql://postgres@127.0.0.1:%s/postgres\n' "$port" >"$dir/uri.tmp"
        mv "$dir/uri.tmp" "$dir/uri"
        return 0
      fi
      as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  echo "adbridge: the test PostgreSQL server in $dir did not start; its log:" >&2
  tail -n 30 "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  [[ -d "$dir" ]] || return 0
  if running; then
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  fi
  rm -rf "$dir"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
