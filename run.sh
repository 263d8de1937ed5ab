#!/usr/bin/env bash
# Runs RiskMonitor on this machine: InfluxDB and PostgreSQL 15 (installed from Debian if missing, data under .run/), the server with
# its embedded MQTT broker, and the demo city simulator. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

HTTP_PORT=${RM_HTTP_PORT:-8080}
MQTT_PORT=${RM_MQTT_PORT:-1883}
INFLUX_PORT=${RM_INFLUX_PORT:-8086}
INFLUX_RPC_PORT=${RM_INFLUX_RPC_PORT:-8088}
PG_PORT=${RM_PG_PORT:-5432}
SIM_HTTP_PORT=${RM_SIM_HTTP_PORT:-8090}
SIM_RATE=${RM_SIM_RATE:-200}
RUN_DIR=${RM_RUN_DIR:-$PWD/.run}

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  [ -n "${pg_started:-}" ] && stop_postgres "$RUN_DIR/postgres"
  [ -n "${autogroup_restore:-}" ] && echo 1 >"$AUTOGROUP_SWITCH" 2>/dev/null
  [ -n "${rr_slice_restore:-}" ] && echo "$rr_slice_restore" >"$RR_SLICE_SWITCH" 2>/dev/null
  true
}
trap cleanup INT TERM EXIT

ensure_dotnet
ensure_packages influxdb curl
# The circular PDFs (GET /api/reports/circular?format=pdf) embed these fonts (docs/decisions/0036a).
ensure_packages fonts-droid-fallback fonts-dejavu-core
[ -x "$PG_BIN/initdb" ] || ensure_packages postgresql

# The kernel's autogroup (on by default) shares the CPU between sessions first and only then between the threads of
# each, and PostgreSQL puts every backend in a session of its own: with it on, no scheduling class keeps InfluxDB's and
# a backtest's work below the alert path (decision 0066). Turned off while the system runs, back on when it stops;
# RM_AUTOGROUP=keep leaves it as it is.
AUTOGROUP_SWITCH=/proc/sys/kernel/sched_autogroup_enabled
if [ "${RM_AUTOGROUP:-off}" != keep ] && [ "$(cat "$AUTOGROUP_SWITCH" 2>/dev/null)" = 1 ]; then
  if echo 0 >"$AUTOGROUP_SWITCH" 2>/dev/null; then
    autogroup_restore=1
    say "kernel autogroup off while RiskMonitor runs (RM_AUTOGROUP=keep to leave it on)"
  else
    say "kernel autogroup is on and this user cannot turn it off: a backtest will cost the live path more (decision 0066)"
  fi
fi

# The alert path in the real-time class, on request (decision 0069). Under EEVDF (Linux 6.6 on) SCHED_IDLE is a small
# weight, not a lower rank: a thread that wakes owing time waits for an idle-class thread runnable on its CPU, up to a
# tick, so a backtest below everything still slows the live changes from the 70th percentile up. RM_LIVE_PRIORITY=realtime
# runs PostgreSQL and the server under SCHED_RR at 50, above every normal and idle-class thread (50: the runtime puts a
# managed thread of normal priority in the middle of the class's range whatever the process started with, so every
# thread of both sits at one priority), with the round-robin slice between them at 4 ms while RiskMonitor runs (the
# default 100 ms would let one keep a CPU from the other that long), back as it was when it stops. It took the live p95
# while a backtest ran back to within about 30 % of the same window without one, but not the p99, and it brought bursts
# of its own; so it is not the default. Work with no deadline goes back to the normal class (decision 0070): the server
# moves a backtest's bookkeeping and the runtime's background JIT there itself; PostgreSQL's background processes are
# moved there once it has started (below).
RR_SLICE_SWITCH=/proc/sys/kernel/sched_rr_timeslice_ms
live_sched=()
if [ "${RM_LIVE_PRIORITY:-normal}" = realtime ]; then
  if chrt --rr 50 true 2>/dev/null; then
    live_sched=(chrt --rr 50)
    rr_slice=$(cat "$RR_SLICE_SWITCH" 2>/dev/null || true)
    if [ -n "$rr_slice" ] && [ "$rr_slice" != 4 ] && echo 4 >"$RR_SLICE_SWITCH" 2>/dev/null; then
      rr_slice_restore=$rr_slice
    fi
    say "PostgreSQL and the server run in the real-time class, above InfluxDB and backtests (RM_LIVE_PRIORITY=realtime)"
  else
    say "this user may not use the real-time class: PostgreSQL and the server start as any other process (decision 0069)"
  fi
fi

mkdir -p "$RUN_DIR/logs"
say "starting InfluxDB on 127.0.0.1:$INFLUX_PORT (data in $RUN_DIR/influxdb)"
write_influx_config "$RUN_DIR/influxdb" "$INFLUX_PORT" "$INFLUX_RPC_PORT"
# Below every normal thread of this machine: on a node it shares with the server, InfluxDB's work (a backtest's history
# queries most of all) waits for the alert path, never the other way; the server buffers and spools readings InfluxDB
# is slow to take (docs/decisions/0065). SCHED_IDLE only orders threads within one autogroup (one session), so it also
# gets a session of its own whose autogroup is at nice 19 (decision 0066). RM_INFLUX_PRIORITY=normal starts it as any
# other process. setsid, sh and chrt each exec the next: the pid is influxd's.
influx_sched=(setsid sh -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec chrt --idle 0 "$@"' influxd-idle)
[ "${RM_INFLUX_PRIORITY:-idle}" = normal ] && influx_sched=()
"${influx_sched[@]}" influxd -config "$RUN_DIR/influxdb/influxdb.conf" >"$RUN_DIR/logs/influxd.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$INFLUX_PORT/ping" 30 || die "InfluxDB did not start; see $RUN_DIR/logs/influxd.log"
curl -fsS -XPOST "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode "q=CREATE DATABASE riskmonitor" >/dev/null

say "starting PostgreSQL on 127.0.0.1:$PG_PORT (data in $RUN_DIR/postgres)"
pg_started=1
start_postgres "$RUN_DIR/postgres" "$PG_PORT" "$RUN_DIR/logs/postgres.log" ||
  die "PostgreSQL did not start; see $RUN_DIR/logs/postgres.log"
if [ ${#live_sched[@]} -gt 0 ]; then
  # The postmaster and the processes it has started; the backends it starts later inherit the class. Its processes
  # that no client waits on (checkpoints, background writes, vacuum) go back to the normal class, where a burst of
  # theirs cannot hold a core from a backend for whole round-robin slices (decision 0070); an autovacuum worker the
  # postmaster starts later inherits the real-time class, so this looks again every second while PostgreSQL runs.
  postmaster=$(head -1 "$RUN_DIR/postgres/data/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster" || true); do
    chrt --rr --all-tasks --pid 50 "$pid" >/dev/null 2>&1 || true
  done
  postgres_background_to_normal() {
    local pid title
    for pid in $(pgrep -P "$1" || true); do
      IFS= read -r -d '' title <"/proc/$pid/cmdline" 2>/dev/null || [ -n "$title" ] || continue
      case "$title" in
        "postgres: checkpointer"* | "postgres: background writer"* | "postgres: walwriter"* | "postgres: autovacuum"* | \
          "postgres: logical replication launcher"* | "postgres: archiver"*)
          chrt --other --pid 0 "$pid" >/dev/null 2>&1 || true
          ;;
      esac
    done
  }
  (while kill -0 "$postmaster" 2>/dev/null; do
    postgres_background_to_normal "$postmaster"
    sleep 1
  done) &
  pids+=($!)
fi

say "building (Release)"
dotnet build RiskMonitor.sln -c Release -nologo -v quiet -clp:ErrorsOnly

# MQTT devices log in (docs/decisions/0023-mqtt-device-credentials.md). The admin key that provisions them is made once
# per run folder and kept there, readable only by this user; RM_ADMIN_KEY overrides it.
if [ -z "${RM_ADMIN_KEY:-}" ]; then
  if [ ! -s "$RUN_DIR/admin-key" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$RUN_DIR/admin-key")
  fi
  RM_ADMIN_KEY=$(cat "$RUN_DIR/admin-key")
fi
export RM_ADMIN_KEY

# People sign in to the pages and the API (docs/decisions/0025-api-authentication-and-scope.md). The token signing key
# and the demo accounts' password are made once per run folder, like the admin key; accounts are created at the first
# start only (later changes go through /api/users). RM_DEMO_PASSWORD overrides the password.
[ -s "$RUN_DIR/jwt-key" ] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$RUN_DIR/jwt-key")
if [ -z "${RM_DEMO_PASSWORD:-}" ]; then
  [ -s "$RUN_DIR/demo-password" ] || (umask 077 && head -c 12 /dev/urandom | base64 | tr -d '/+=\n' >"$RUN_DIR/demo-password")
  RM_DEMO_PASSWORD=$(cat "$RUN_DIR/demo-password")
fi
export Auth__SigningKey="$(cat "$RUN_DIR/jwt-key")" \
  Auth__Users__0__Name=admin Auth__Users__0__Roles__0=admin Auth__Users__0__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__1__Name=duty Auth__Users__1__DisplayName=值班长 Auth__Users__1__Roles__0=supervisor Auth__Users__1__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__2__Name=wall Auth__Users__2__DisplayName=指挥大屏 Auth__Users__2__Roles__0=viewer Auth__Users__2__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__3__Name=xihu.officer Auth__Users__3__DisplayName=西湖区网格员 Auth__Users__3__Roles__0=operator \
  Auth__Users__3__Regions__0=d-xihu Auth__Users__3__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__4__Name=mu-01.duty Auth__Users__4__DisplayName=安达电梯值守 Auth__Users__4__Roles__0=unit Auth__Users__4__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__5__Name=reg-se.duty Auth__Users__5__DisplayName=市场监管局特种设备处 Auth__Users__5__Roles__0=unit Auth__Users__5__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__6__Name=mu-02.duty Auth__Users__6__DisplayName=通力捷电梯值守 Auth__Users__6__Roles__0=unit Auth__Users__6__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__7__Name=mu-03.duty Auth__Users__7__DisplayName=恒升电梯值守 Auth__Users__7__Roles__0=unit Auth__Users__7__Password="$RM_DEMO_PASSWORD" \
  Auth__Users__8__Name=mu-04.duty Auth__Users__8__DisplayName=迅达安电梯值守 Auth__Users__8__Roles__0=unit Auth__Users__8__Password="$RM_DEMO_PASSWORD"

say "starting the server (HTTP 127.0.0.1:$HTTP_PORT, MQTT 127.0.0.1:$MQTT_PORT)"
export Urls="http://127.0.0.1:$HTTP_PORT" Mqtt__Port="$MQTT_PORT" Influx__Url="http://127.0.0.1:$INFLUX_PORT" \
  Influx__SpoolDirectory="$RUN_DIR/spool" Registry__AssetsPath="$PWD/data/demo-city/assets.geojson" Registry__RegionsPath="$PWD/data/demo-city/regions.geojson" \
  Responsibility__SeedPath="$PWD/data/demo-city/responsibility.json" \
  ConnectionStrings__RiskMonitor="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=riskmonitor" \
  Mqtt__Authentication=Required Devices__AdminKey="$RM_ADMIN_KEY" Integration__AdminKey="$RM_ADMIN_KEY"
"${live_sched[@]}" dotnet src/RiskMonitor.Server/bin/Release/net10.0/RiskMonitor.Server.dll >"$RUN_DIR/logs/server.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$HTTP_PORT/health/ready" 90 || die "the server did not become ready; see $RUN_DIR/logs/server.log"

say "starting the demo city simulator ($SIM_RATE readings/s, demo mode: scenarios start on their own; more on 127.0.0.1:$SIM_HTTP_PORT)"
dotnet simulators/RiskMonitor.Simulator/bin/Release/net10.0/RiskMonitor.Simulator.dll run \
  --assets data/demo-city/assets.geojson --host 127.0.0.1 --port "$MQTT_PORT" --rate "$SIM_RATE" --http-port "$SIM_HTTP_PORT" \
  --provision "http://127.0.0.1:$HTTP_PORT/" --demo \
  >"$RUN_DIR/logs/simulator.log" 2>&1 &
pids+=($!)

cat <<INFO

  RiskMonitor is running.
    Wall display       http://127.0.0.1:$HTTP_PORT/wall
    On-call page       http://127.0.0.1:$HTTP_PORT/oncall
    Unit page          http://127.0.0.1:$HTTP_PORT/oncall/unit  (maintenance units mu-01.duty .. mu-04.duty, regulator reg-se.duty)
    Sign in as         wall (viewer), duty (supervisor), xihu.officer (operator, 西湖区 only), mu-01.duty .. mu-04.duty, reg-se.duty (unit) or admin,
                       password $RM_DEMO_PASSWORD  (kept in $RUN_DIR/demo-password)
    API token          POST http://127.0.0.1:$HTTP_PORT/api/auth/token {"username":"duty","password":"..."}
                       then send its accessToken as the header  Authorization: Bearer <accessToken>
    API reference      http://127.0.0.1:$HTTP_PORT/api/reference
    Current alerts     http://127.0.0.1:$HTTP_PORT/api/alerts        (these two with the bearer token)
    Ingestion stats    http://127.0.0.1:$HTTP_PORT/api/ingest/stats
    SignalR hub        http://127.0.0.1:$HTTP_PORT/hubs/risk
    MQTT broker        127.0.0.1:$MQTT_PORT   (topics rm/v1/{assetId}/telemetry|event|status; devices log in)
    Device credentials http://127.0.0.1:$HTTP_PORT/api/devices  (header X-Admin-Key: see $RUN_DIR/admin-key)
    Integration feed   http://127.0.0.1:$HTTP_PORT/api/feed  (an integrator's key: POST /api/integrators/keys
                       {"integrator":"city","scopes":["feed:read"]} with header X-Api-Key: the admin key)
    Metrics            http://127.0.0.1:$HTTP_PORT/metrics
    InfluxDB           http://127.0.0.1:$INFLUX_PORT  (database riskmonitor, measurement telemetry)
    PostgreSQL         127.0.0.1:$PG_PORT  (database riskmonitor: alerts, ledgers, Orleans state; psql -h 127.0.0.1 -p $PG_PORT -U postgres riskmonitor)
    Demo mode          the city has trouble on its own: a gas leak after 20 s (red about a minute later), then an
                       entrapment, an over-pressure, a vehicle off route and a silent sensor within 3 minutes,
                       then one scenario every ~75 s (decision 0032). Watch the wall.
    Simulator          http://127.0.0.1:$SIM_HTTP_PORT/scenarios  (POST /scenarios/gas-leak?asset=gp-0001 for more)
  Logs in $RUN_DIR/logs. Ctrl-C stops everything.

INFO
wait -n "${pids[@]}" || true
say "a process exited; see $RUN_DIR/logs"
