#!/usr/bin/env bash
# Local PostgreSQL and QuestDB for the Stage1 server (dev and tests), all bound to 127.0.0.1.
#   bash scripts/services.sh up|down|status
# up is idempotent; down stops only what this script started; status exits 0 when both are up, 3 otherwise.
# Env: STAGE1_PG_PORT (5432), QDB_VERSION (9.3.5), QDB_HTTP_PORT (9000), QDB_ILP_PORT (9009),
#      QDB_PG_PORT (8812), QDB_MIN_PORT (9003).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${STAGE1_PG_PORT:-5432}
PG_MARKER=$PWD/.services/pg.started-by-us
# 9.3.5 is the last Java 17 release (QUESTDB.md). When the registry does not serve it (on 2026-11-30 Maven
# Central here answered "Could not find artifact" for 9.3.5), fall back to 9.3.4, also a Java 17 build.
QDB_VERSION=${QDB_VERSION:-9.3.5}
QDB_FALLBACK_VERSION=9.3.4
QDB_HTTP_PORT=${QDB_HTTP_PORT:-9000}
QDB_ILP_PORT=${QDB_ILP_PORT:-9009}
QDB_PG_PORT=${QDB_PG_PORT:-8812}
QDB_MIN_PORT=${QDB_MIN_PORT:-9003}
QDB_DIR=$PWD/.questdb
QDB_ROOT=$QDB_DIR/root
QDB_PIDFILE=$QDB_DIR/pid
QDB_LOG=$QDB_DIR/server.log

say() { printf '[services] %s\n' "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

apt_install() {
  say "installing $1 (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}
# apt_need COMMAND PACKAGE: install PACKAGE when COMMAND is missing.
apt_need() { command -v "$1" >/dev/null || apt_install "$2"; }

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# --- PostgreSQL ---------------------------------------------------------------

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }
pg_cluster() { pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v { print $2; exit }'; }
pg_running() { pg_ctlcluster "$1" "$2" status >/dev/null 2>&1; }
psql_admin() { as_postgres psql -p "$PG_PORT" -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

# pg_conf VER NAME: bind to 127.0.0.1:$PG_PORT via a conf.d drop-in; prints "changed" when it rewrote it.
pg_conf() {
  local file=/etc/postgresql/$1/$2/conf.d/stage1.conf
  local want="# Written by scripts/services.sh (Stage1 server)
listen_addresses = '127.0.0.1'
port = $PG_PORT"
  [ "$(cat "$file" 2>/dev/null)" = "$want" ] && return
  printf '%s\n' "$want" >"$file"
  echo changed
}

pg_up() {
  local installed=no ver name changed
  [ "$(id -u)" -eq 0 ] || die "postgres: run as root (apt-get, pg_ctlcluster, runuser)"
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(pg_version)" ]; then
    apt_install postgresql
    installed=yes
  fi
  ver=$(pg_version)
  [ -n "$ver" ] || die "postgres: no server found under /usr/lib/postgresql"
  name=$(pg_cluster "$ver")
  if [ -z "$name" ]; then
    say "postgres: creating cluster $ver/main"
    pg_createcluster "$ver" main --port "$PG_PORT" >/dev/null
    name=main
  fi
  changed=$(pg_conf "$ver" "$name")
  mkdir -p .services
  if pg_running "$ver" "$name"; then
    if [ -n "$changed" ] && [ -f "$PG_MARKER" ]; then
      say "postgres: settings changed, restarting $ver/$name"
      pg_ctlcluster "$ver" "$name" restart
    elif [ -n "$changed" ]; then
      say "postgres: WARNING settings changed but $ver/$name was not started here; restart it yourself"
    else
      say "postgres: $ver/$name already running"
    fi
    [ "$installed" = no ] || echo "$ver $name" >"$PG_MARKER"
  else
    say "postgres: starting $ver/$name on 127.0.0.1:$PG_PORT"
    pg_ctlcluster "$ver" "$name" start
    echo "$ver $name" >"$PG_MARKER"
  fi
  for _ in $(seq 60); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "postgres: not ready on 127.0.0.1:$PG_PORT after 30 s"
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'stage1'")" ]; then
    say "postgres: creating role stage1"
    psql_admin -c "CREATE ROLE stage1 LOGIN PASSWORD 'stage1'"
  fi
  for db in stage1 stage1_test stage1_bench; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      say "postgres: creating database $db"
      psql_admin -c "CREATE DATABASE $db OWNER stage1"
    fi
  done
  say "postgres: ready on 127.0.0.1:$PG_PORT"
}

pg_down() {
  if [ ! -f "$PG_MARKER" ]; then
    say "postgres: not started by this script, leaving it alone"
    return
  fi
  local ver name
  read -r ver name <"$PG_MARKER"
  if pg_running "$ver" "$name"; then
    say "postgres: stopping $ver/$name"
    pg_ctlcluster "$ver" "$name" stop
  fi
  rm -f "$PG_MARKER"
}

pg_status() {
  local ver name
  ver=$(pg_version)
  name=$([ -n "$ver" ] && command -v pg_lsclusters >/dev/null && pg_cluster "$ver" || true)
  if [ -n "$name" ] && pg_running "$ver" "$name" && pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    echo "postgres: running (cluster $ver/$name, pid $(head -n 1 "/var/lib/postgresql/$ver/$name/postmaster.pid" 2>/dev/null || echo '?'), 127.0.0.1:$PG_PORT)"
  else
    echo "postgres: stopped (127.0.0.1:$PG_PORT)"
    return 1
  fi
}

# --- QuestDB ------------------------------------------------------------------

# Our pid: recorded, alive, and really our ServerMain (guards against pid reuse).
qdb_pid() {
  local pid
  pid=$(cat "$QDB_PIDFILE" 2>/dev/null) || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "io.questdb.ServerMain -d $QDB_ROOT" || return 1
  echo "$pid"
}
qdb_answers() { curl -fs -m 2 "http://127.0.0.1:$QDB_HTTP_PORT/exec?query=SELECT%201" >/dev/null; }
qdb_ready() { qdb_answers && tcp_open "$QDB_ILP_PORT"; }

qdb_write_conf() {
  mkdir -p "$QDB_ROOT/conf"
  cat >"$QDB_ROOT/conf/server.conf" <<CONF
# Written by scripts/services.sh before every start; edit the script, not this file.
# Key names as in the jar's bundled server.conf (http.min.bind.to is deprecated in 9.3).
http.net.bind.to=127.0.0.1:$QDB_HTTP_PORT
line.tcp.net.bind.to=127.0.0.1:$QDB_ILP_PORT
pg.net.bind.to=127.0.0.1:$QDB_PG_PORT
http.min.net.bind.to=127.0.0.1:$QDB_MIN_PORT
line.udp.enabled=false
telemetry.enabled=false
# Long URL-encoded SQL in GET /exec (default 64k). The raw query string and its decoded copy share
# this buffer, so 256k admits URLs up to ~128 KiB (measured on 9.3.4: 130,064 bytes ok, 131,064 refused).
http.request.header.buffer.size=256k
CONF
}

# qdb_fetch VERSION: copy the jar from Maven Central into .questdb/lib unless it is there already.
qdb_fetch() {
  [ -f "$QDB_DIR/lib/questdb-$1.jar" ] && return
  apt_need mvn maven
  say "questdb: downloading org.questdb:questdb:$1 from Maven Central"
  mvn -B -q -U -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="org.questdb:questdb:$1" -DoutputDirectory=.questdb/lib >/dev/null
}

qdb_start() {
  apt_need java openjdk-17-jre-headless
  if ! qdb_fetch "$QDB_VERSION"; then
    say "questdb: $QDB_VERSION is not served by the registry; using $QDB_FALLBACK_VERSION"
    QDB_VERSION=$QDB_FALLBACK_VERSION
    qdb_fetch "$QDB_VERSION" || die "questdb: could not download $QDB_VERSION either"
  fi
  QDB_JAR=$QDB_DIR/lib/questdb-$QDB_VERSION.jar
  qdb_write_conf
  say "questdb: starting $QDB_VERSION on 127.0.0.1:$QDB_HTTP_PORT (log .questdb/server.log)"
  # env -u: QuestDB reads every QDB_* variable as a config key; ours are not.
  setsid nohup env -u QDB_VERSION -u QDB_HTTP_PORT -u QDB_ILP_PORT -u QDB_PG_PORT -u QDB_MIN_PORT \
    java -Xms256m -Xmx1g -XX:+UseParallelGC -DQuestDB-Runtime-66535 -Dnoebug \
    --add-exports java.base/jdk.internal.math=io.questdb \
    -p "$QDB_JAR" -m io.questdb/io.questdb.ServerMain -d "$QDB_ROOT" \
    >"$QDB_LOG" 2>&1 </dev/null &
  echo $! >"$QDB_PIDFILE"
}

qdb_up() {
  apt_need curl curl
  apt_need ss iproute2                            # the port check below
  mkdir -p "$QDB_DIR"
  local pid started=no
  if pid=$(qdb_pid); then
    say "questdb: already running (pid $pid)"
  elif qdb_answers; then
    say "questdb: something not started here already answers on 127.0.0.1:$QDB_HTTP_PORT; using it"
  elif ss -Hltn "sport = :$QDB_HTTP_PORT" | grep -q .; then
    die "questdb: port $QDB_HTTP_PORT is taken by another program"
  else
    qdb_start
    started=yes
  fi
  for _ in $(seq 180); do
    qdb_ready && break
    [ "$started" = no ] || qdb_pid >/dev/null || break   # died during start-up
    sleep 0.5
  done
  if ! qdb_ready; then
    tail -n 40 "$QDB_LOG" >&2 || true
    die "questdb: not ready (HTTP :$QDB_HTTP_PORT, ILP :$QDB_ILP_PORT); log above"
  fi
  say "questdb: ready (HTTP 127.0.0.1:$QDB_HTTP_PORT, ILP 127.0.0.1:$QDB_ILP_PORT)"
}

qdb_down() {
  local pid
  if ! pid=$(qdb_pid); then
    say "questdb: not running from this checkout"
    rm -f "$QDB_PIDFILE"
    return
  fi
  say "questdb: stopping pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "questdb: still alive after 10 s, SIGKILL"
    kill -KILL "$pid"
  fi
  rm -f "$QDB_PIDFILE"
}

qdb_status() {
  local pid
  pid=$(qdb_pid) || pid="not ours"
  if qdb_ready; then
    echo "questdb: running (pid $pid, HTTP 127.0.0.1:$QDB_HTTP_PORT, ILP 127.0.0.1:$QDB_ILP_PORT)"
  else
    echo "questdb: stopped (HTTP 127.0.0.1:$QDB_HTTP_PORT, ILP 127.0.0.1:$QDB_ILP_PORT)"
    return 1
  fi
}

# --- Main ---------------------------------------------------------------------

case "${1:-}" in
  up)
    pg_up
    qdb_up
    say "dev  DSN: postgresql://stage1:stage1@127.0.0.1:$PG_PORT/stage1"
    say "test DSN: postgresql://stage1:stage1@127.0.0.1:$PG_PORT/stage1_test"
    ;;
  down)
    qdb_down
    pg_down
    ;;
  status)
    rc=0
    pg_status || rc=3
    qdb_status || rc=3
    exit "$rc"
    ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
