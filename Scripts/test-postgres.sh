#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the index tests, in .build/postgres, on 127.0.0.1 only.
# Trust authentication: for local test use only, never for an archive's data.
#
# Usage: Scripts/test-postgres.sh start   start it (initdb the first time); prints its URL
#        Scripts/test-postgres.sh stop    stop it (the data stays for the next start)
#        Scripts/test-postgres.sh url     print postgres://postgres@127.0.0.1:PORT/rampart_test
#        Scripts/test-postgres.sh ca      print the CA certificate the server's TLS certificate
#                                         chains to (TLS is on; the URL's sslmode chooses)
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

# A test CA and a server certificate for 127.0.0.1 and localhost, made once.
certificates() {
    local tls=$dir/tls
    [[ -f $tls/server.key ]] && return
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Rampart test PostgreSQL CA" \
        -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/san.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
        -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
    chmod 600 "$tls/server.key" "$tls/ca.key"
    [[ $(id -u) -ne 0 ]] || chown -R postgres: "$tls"
}

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
    certificates
    if ! running; then
        # A new free port at each start: another cluster may hold the last one by now.
        local p
        p=$(free_port)
        as_owner sh -c "echo $p > '$dir/port'"
        as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories='$dir' -c fsync=off -c ssl=on -c ssl_cert_file='$dir/tls/server.pem' -c ssl_key_file='$dir/tls/server.key'" start >/dev/null \
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
    ca) echo "$dir/tls/ca.pem" ;;
    *) die "usage: $0 start|stop|url|ca" ;;
esac
