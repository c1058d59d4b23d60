#!/usr/bin/env bash
# The PostgreSQL pass: the store, ingest, progress, access, CLI, page and reliability tests run a
# second time against a real server, a throw-away cluster on 127.0.0.1 removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/metrics-pg.XXXXXX)
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'scripts/pg_cluster.sh stop "$dir"' EXIT
url=$(scripts/pg_cluster.sh start "$dir" "$port")
PGPASSFILE="$dir/pgpass" .venv/bin/pytest --postgres "$url" \
  tests/store tests/ingest tests/progress tests/access tests/cli tests/pages tests/reliability tests/test_actions.py "$@"
