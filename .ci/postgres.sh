# Sourced by .ci/run: makes sure TEST_DATABASE_URL points at a running PostgreSQL server.
# Uses TEST_DATABASE_URL when set; otherwise starts a throwaway cluster (installing PostgreSQL
# from the distribution's apt when missing) that is stopped and removed when the script exits.

pg_bindir () { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if [ -z "$(pg_bindir)" ] && ! command -v initdb >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "PostgreSQL is not installed and apt-get is unavailable: set TEST_DATABASE_URL to a PostgreSQL server" >&2
      exit 1
    fi
    echo "installing PostgreSQL from apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }; then
      echo "could not install PostgreSQL with apt-get: set TEST_DATABASE_URL to a PostgreSQL server" >&2
      exit 1
    fi
  fi
  PG_BIN="$(pg_bindir)"
  if [ -z "$PG_BIN" ]; then PG_BIN="$(dirname "$(command -v initdb)")"; fi
  PG_DIR="$(mktemp -d /tmp/conversations-pg.XXXXXX)"
  PG_PORT="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })")"
  # PostgreSQL refuses to run as root: run it as the postgres user the package creates.
  as_pg () { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres -A trust --no-sync >/dev/null"
  as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off\" start >/dev/null" || {
    cat "$PG_DIR/log" >&2
    exit 1
  }
  stop_postgres () { as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null 2>&1" || true; rm -rf "$PG_DIR"; }
  trap stop_postgres EXIT
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') started for the tests on port $PG_PORT" >&2
fi
