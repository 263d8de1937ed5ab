# Shared helpers for run.sh and test.sh. Sourced, not executed.

say() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are missing; runs apt-get update at most once per call.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} from Debian"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
}

# Waits until a URL answers with 2xx, or fails after $2 seconds.
wait_http() {
  local url=$1 seconds=${2:-60} i
  for ((i = 0; i < seconds * 5; i++)); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# Writes an InfluxDB 1.x config with everything under $1, HTTP on 127.0.0.1:$2 and RPC on 127.0.0.1:$3.
write_influx_config() {
  local dir=$1 http_port=$2 rpc_port=$3
  mkdir -p "$dir/meta" "$dir/data" "$dir/wal"
  cat > "$dir/influxdb.conf" <<CONF
reporting-enabled = false
bind-address = "127.0.0.1:${rpc_port}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
  # One series per asset: the 1.x defaults (100,000 values per tag, 1,000,000 series) refuse a big city's writes.
  max-values-per-tag = 0
  max-series-per-database = 0
[http]
  enabled = true
  bind-address = "127.0.0.1:${http_port}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[[graphite]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
[[udp]]
  enabled = false
CONF
}

# PostgreSQL 15 (Debian). It refuses to run as root, so as root the cluster belongs to the postgres user.
PG_BIN=/usr/lib/postgresql/15/bin
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts a private cluster in $1 (created on first use) on 127.0.0.1:$2, logging to $3, with database riskmonitor.
start_postgres() {
  local dir=$1 port=$2 log=$3
  mkdir -p "$dir/sock"
  touch "$log"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir" "$log"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # A server left running by an earlier run that was killed: stop it, so this one starts with our options.
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 && stop_postgres "$dir"
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir/sock" start >/dev/null || return 1
  as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'riskmonitor'" | grep -q 1 ||
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres riskmonitor
}

stop_postgres() {
  as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}
