#!/usr/bin/env bash
# A slow event store never slows requests. WebKnock records a LoginFailed event for every failed webmail
# login it proxies; this drives failed logins (POST redirect.php with a wrong password) through the gateway
# with wrk and compares, in interleaved rounds, the proxied latency while the store is healthy with the
# latency while the store cannot be written at all: a second process (sqlite3) holds an exclusive write
# transaction on the gateway's events.db for the whole run, so every batch waits for SQLite's busy timeout
# (30 s) and the bounded queue fills and drops. The requests must not notice.
#
# Usage: bash bench/slowstore/run.sh       (SLOW_DURATION seconds per run, default 20; SLOW_ROUNDS, default 2)
# Everything runs on 127.0.0.1, bounded in time; every process is killed by its PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

duration=${SLOW_DURATION:-20}
rounds=${SLOW_ROUNDS:-2}
connections=${SLOW_CONNECTIONS:-32}
base=${SLOW_PORT_BASE:-18500}
fixture_port=$((base + 80))
gateway_port=$((base + 43))
work=$(mktemp -d /tmp/webknock-slowstore.XXXXXX)
results="$root/bench/results"
mkdir -p "$results"

die() { echo "slowstore: $*" >&2; exit 1; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null && command -v sqlite3 >/dev/null || bash scripts/install-deps.sh bench || true
command -v wrk >/dev/null || die "wrk is missing (run as root so scripts/install-deps.sh bench can install it)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build (Release)"
for project in tests/SquirrelMailFixture src/WebKnock; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >"$work/build.log" 2>&1 || { cat "$work/build.log"; die "build of $project failed"; }
done

db="$work/events.db"
tests/SquirrelMailFixture/bin/Release/net10.0/SquirrelMailFixture --urls "http://127.0.0.1:$fixture_port" \
  --Logging:LogLevel:Default=Warning >"$work/fixture.log" 2>&1 </dev/null &
pids+=($!)
# The gate lets 127.0.0.1 through as an always-allowed network: this measures the store, not the knock.
env ASPNETCORE_ENVIRONMENT=Bench DOTNET_ENVIRONMENT=Bench src/WebKnock/bin/Release/net10.0/webknock \
  --Kestrel:Endpoints:Https:Url="http://127.0.0.1:$gateway_port" \
  --Kestrel:Endpoints:Https:Certificate:Path= --Kestrel:Endpoints:Https:Certificate:KeyPath= \
  --WebKnock:Upstream:Url="http://127.0.0.1:$fixture_port/" \
  --WebKnock:Firewall:Backend=InMemory \
  --WebKnock:Network:AlwaysAllowed:0=127.0.0.1/32 \
  --WebKnock:LogFile= \
  --WebKnock:Events:Path="$db" \
  --Serilog:MinimumLevel:Default=Warning \
  --Serilog:MinimumLevel:Override:Microsoft=Warning \
  --Serilog:MinimumLevel:Override:Yarp=Warning >"$work/webknock.log" 2>&1 </dev/null &
gateway_pid=$!
pids+=($gateway_pid)

url="http://127.0.0.1:$gateway_port/squirrelmail/src/redirect.php"
for _ in $(seq 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$gateway_port/squirrelmail/src/login.php" || true)" = 200 ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/webknock.log"; die "the gateway exited"; }
  sleep 0.1
done

cat >"$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "login_username=alice&secretkey=wrong-password&js_autodetect_results=1&just_logged_in=1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA

stored() { sqlite3 -cmd '.timeout 60000' "$db" "SELECT COUNT(*) FROM events WHERE type = 10;" 2>/dev/null || echo "?"; }

# run LABEL: one wrk run; prints "rps p50_ms p99_ms errors".
run() {
  local out="$work/wrk-$1.txt"
  timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/login.lua" "$url" >"$out" 2>&1 || true
  awk '
    function ms(v,  unit) { unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                            return (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { errors += $5 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }' "$out"
}

lock_pid=
lock_store() { # holds an exclusive write transaction on the store until unlock_store
  mkfifo "$work/lock.in"
  sqlite3 "$db" <"$work/lock.in" >"$work/lock.log" 2>&1 &
  lock_pid=$!
  pids+=($lock_pid)
  exec {lock_fd}>"$work/lock.in"
  echo "PRAGMA busy_timeout = 10000; BEGIN EXCLUSIVE; SELECT 'locked';" >&"$lock_fd"
  for _ in $(seq 100); do grep -q locked "$work/lock.log" 2>/dev/null && return 0; sleep 0.1; done
  die "could not lock the store: $(cat "$work/lock.log")"
}
unlock_store() {
  echo "ROLLBACK;" >&"$lock_fd"
  exec {lock_fd}>&-
  wait "$lock_pid" 2>/dev/null || true
  rm -f "$work/lock.in"
}

echo "== warm-up (${duration}s)"
run warmup >/dev/null
declare -A rps p50 p99 errors
for mode in healthy locked; do rps[$mode]=0; p50[$mode]=0; p99[$mode]=0; errors[$mode]=0; done
lines=()
for r in $(seq "$rounds"); do
  order="healthy locked"
  [ $((r % 2)) -eq 0 ] && order="locked healthy"
  for mode in $order; do
    if [ "$mode" = locked ]; then lock_store; fi
    before=$(stored)
    read -r a b c d < <(run "$mode-$r")
    if [ "$mode" = locked ]; then
      probe=$(sqlite3 "$db" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" 2>&1 || true)
      case $probe in *locked*) ;; *) die "the store was not locked during the run ($probe)";; esac
      unlock_store
    fi
    line=$(printf '%-7s round %d: %6s req/s  p50 %6s ms  p99 %6s ms  errors %s  (login events stored before the run: %s)' "$mode" "$r" "$a" "$b" "$c" "$d" "$before")
    echo "$line"
    lines+=("$line")
    rps[$mode]=$((rps[$mode] + a)); errors[$mode]=$((errors[$mode] + d))
    p50[$mode]=$(awk -v s="${p50[$mode]}" -v v="$b" 'BEGIN { print s + v }')
    p99[$mode]=$(awk -v s="${p99[$mode]}" -v v="$c" 'BEGIN { print s + v }')
  done
done
sleep 2
# The gateway's own counters (/metrics answers loopback by default).
metric() { curl -s --max-time 5 "http://127.0.0.1:$gateway_port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
dropped=$(metric webknock_events_dropped_total)
failed=$(metric webknock_events_write_failed_total)
written=$(metric webknock_events_written_total)
kill -0 "$gateway_pid" 2>/dev/null || die "the gateway died during the run"
summary=$(awk -v hr="${rps[healthy]}" -v lr="${rps[locked]}" -v h50="${p50[healthy]}" -v l50="${p50[locked]}" \
  -v h99="${p99[healthy]}" -v l99="${p99[locked]}" -v n="$rounds" 'BEGIN {
  printf "healthy store: %.0f req/s, p50 %.2f ms, p99 %.2f ms\n", hr / n, h50 / n, h99 / n
  printf "locked store:  %.0f req/s, p50 %.2f ms, p99 %.2f ms\n", lr / n, l50 / n, l99 / n
  printf "locked/healthy: requests/s %.1f%%, p99 %.1f%%\n", 100 * lr / hr, 100 * l99 / h99 }')
{
  echo "# bench/slowstore/run.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$connections -d${duration}s, $rounds interleaved rounds"
  printf '%s\n' "${lines[@]}"
  echo "$summary"
  echo "errors: healthy ${errors[healthy]}, locked ${errors[locked]}; the gateway's counters: events written ${written:-?}, lost in batches the locked store refused ${failed:-?}, dropped by the full queue ${dropped:-?}"
} | tee "$results/slowstore-latest.txt"
[ "${errors[healthy]}" -eq 0 ] && [ "${errors[locked]}" -eq 0 ] || die "requests failed"
