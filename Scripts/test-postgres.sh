#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the index tests, in .build/postgres, on 127.0.0.1 only.
# Trust authentication: for local test use only, never for an archive's data.
#
# Usage: Scripts/test-postgres.sh start   start it (initdb the first time); prints its URL
#        Scripts/test-postgres.sh stop    stop it (the data stays for the next start)
#        Scripts/test-postgres.sh url     print postgres://postgres@127.0.0.1:PORT/rampart_test
# Each command is idempotent; the database is emptied when the server starts, not when it runs. As root, the server runs as user `postgres` (PostgreSQL refuses
# to run as root), which then owns .build/postgres.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/.build/postgres
data=$dir/data
bin=/usr/lib/postgresql/15/bin
database=rampart_test

die() { echo "test-postgres.sh: $*" >&2; exit 1; }
[[ -x $bin/initdb ]] || die "$bin/initdb is missing: run Scripts/install-deps.sh (Debian package postgresql)"

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port() { cat "$dir/port" 2>/dev/null || true; }

url() {
    local p
    p=$(port)
    [[ -n $p ]] || die "no cluster yet: run Scripts/test-postgres.sh start"
    echo "postgres://postgres@127.0.0.1:$p/$database"
}

running() { [[ -f $data/postmaster.pid ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    mkdir -p "$dir"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$dir"
    if [[ ! -f $data/PG_VERSION ]]; then
        as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    if ! running; then
        # A new free port at each start: another cluster may hold the last one by now.
        local p
        p=$(free_port)
        as_owner sh -c "echo $p > '$dir/port'"
        as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories='$dir' -c fsync=off" start >/dev/null \
            || { tail -n 20 "$dir/server.log" >&2; die "the server did not start (log: $dir/server.log)"; }
        # A started server gets an empty test database: the last run's schemas go. (A start
        # while it runs leaves the database alone: tests may be using it.)
        as_owner "$bin/dropdb" -h 127.0.0.1 -p "$p" -U postgres --if-exists "$database"
    fi
    if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$(port)" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        as_owner "$bin/createdb" -h 127.0.0.1 -p "$(port)" -U postgres "$database"
    fi
    url
}

stop() {
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) die "usage: $0 start|stop|url" ;;
esac
