#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and the load test: 127.0.0.1 only, in a folder of its own.
#   scripts/pg_cluster.sh start DIR [PORT]   initdb + pg_ctl start; prints the URL and the password file
#   scripts/pg_cluster.sh stop DIR           pg_ctl stop (fast) and remove DIR
# Run as root, the server runs as the unprivileged user "postgres" (Debian's package creates it).
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop DIR [PORT]}
dir=${2:?usage: pg_cluster.sh start|stop DIR [PORT]}
port=${3:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {  # run a command as the cluster's unprivileged owner
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; else "$@"; fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  printf '%s\n' "$password" >"$dir/superuser.pw"
  chmod 600 "$dir/superuser.pw"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir/superuser.pw"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superuser.pw" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off" \
    >/dev/null
  # the application's role and database, as the README's "Running on PostgreSQL" section creates them
  as_owner "$bin/psql" -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE metrics LOGIN PASSWORD '$password'" -c "CREATE DATABASE metrics OWNER metrics"
  printf '127.0.0.1:%s:*:metrics:%s\n' "$port" "$password" >"$dir/pgpass"
  chmod 600 "$dir/pgpass"
  echo "postgresql://metrics@127.0.0.1:$port/metrics"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg_cluster.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
