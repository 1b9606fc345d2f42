#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests (issue #11): Debian's postgresql, a temporary
# directory, a Unix socket in it and 127.0.0.1 on a free port, TLS with a self-signed certificate,
# one role (scram password) owning one database.
#
#   test-cluster.sh start   make and start it; prints the registry URL
#   test-cluster.sh env     prints `export TRACKERD_TEST_POSTGRES_URL=…` (and _DATA, _SOCKET_URL)
#   test-cluster.sh stop    stop it and remove the directory
#   test-cluster.sh pause   stop the server, keeping the cluster (a test of the registry going away)
#   test-cluster.sh resume  start the paused server again, on the same port
#
# As root it installs Debian's postgresql when initdb is missing, and runs the server as the
# `postgres` user (PostgreSQL refuses to run as root); as anyone else it runs as that user.
# The state (where the cluster is) is kept in $TRACKERD_PG_STATE, by default .build/test-postgres.state.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=${TRACKERD_PG_STATE:-$root/.build/test-postgres.state}
role=trackerd_test
database=trackerd_test

bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  if [ -f "$state" ]; then
    echo "test-cluster: a cluster is already running ($(head -1 "$state")); stop it first" >&2
    exit 1
  fi
  if ! bin=$(bindir); then
    if [ "$(id -u)" = 0 ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq postgresql >/dev/null
      bin=$(bindir)
    else
      echo "test-cluster: PostgreSQL is not installed (sudo apt-get install postgresql)" >&2
      exit 1
    fi
  fi
  local dir port password
  dir=$(mktemp -d /tmp/trackerd-pg-XXXXXX)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  mkdir -p "$dir/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 -U postgres --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local ssl=off
  if command -v openssl >/dev/null 2>&1; then
    as_owner openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
      -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1 && ssl=on
    [ "$ssl" = on ] && chmod 600 "$dir/data/server.key"
  fi
  # Speed over durability: the cluster lives for one test run.
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
ssl = $ssl
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres -d postgres)
  as_owner "${psql[@]}" -c "CREATE ROLE $role LOGIN PASSWORD '$password'" \
    -c "CREATE DATABASE $database OWNER $role" -c "GRANT pg_checkpoint TO $role" >/dev/null
  local url="postgres://$role:$password@127.0.0.1:$port/$database"
  mkdir -p "$(dirname "$state")"
  printf '%s\n%s\n%s\n%s\n' "$dir" "$bin" "$url" "$port" >"$state"
  echo "$url"
}

field() {
  [ -f "$state" ] || { echo "test-cluster: no cluster is running (run: $0 start)" >&2; exit 1; }
  sed -n "${1}p" "$state"
}

env_lines() {
  echo "export TRACKERD_TEST_POSTGRES_URL='$(field 3)'"
  echo "export TRACKERD_TEST_POSTGRES_DATA='$(field 1)/data'"
  # The same database through the Unix socket (libpq's host=DIRECTORY).
  local url=$(field 3)
  echo "export TRACKERD_TEST_POSTGRES_SOCKET_URL='${url%%@*}@:$(field 4)/${url##*/}?host=$(field 1)/sock'"
}

stop() {
  [ -f "$state" ] || { echo "test-cluster: no cluster is running" >&2; return 0; }
  local dir bin
  dir=$(field 1)
  bin=$(field 2)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$state"
}

pause() {
  as_owner "$(field 2)/pg_ctl" -D "$(field 1)/data" -m fast -w stop >/dev/null
}

resume() {
  as_owner "$(field 2)/pg_ctl" -D "$(field 1)/data" -l "$(field 1)/server.log" -w -t 60 start >/dev/null
}

case "${1:-}" in
  start) start ;;
  env) env_lines ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: $0 start|env|stop|pause|resume" >&2; exit 64 ;;
esac
