# Helpers shared by the benchmark scripts (bench/run.sh, bench/load/run.sh). Source it after setting
# $logs (the folder for the processes' output) and, optionally, $bench_tag (the prefix of error messages).
# Every process is started with start() and killed by its PID in cleanup(); the scripts install the traps.

say() { echo "$*"; }
die() { echo "${bench_tag:-bench}: $*" >&2; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
pids=()
cleanup() {
  local i
  for i in "${!pids[@]}"; do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
  done
  for i in "${!pids[@]}"; do
    for _ in $(seq 50); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[$i]}" 2>/dev/null || true
  done
}

# start NAME COMMAND...: runs COMMAND in the background, output in $logs/NAME.log; its PID is in pid_NAME.
start() {
  local name=$1
  shift
  "$@" >"$logs/$name.log" 2>&1 </dev/null &
  pids+=($!)
  printf -v "pid_$name" '%s' $!
}

# listening PORT: something listens on PORT, read from /proc/net (never by connecting: a connection to a
# knock port is a knock).
listening() {
  awk -v port="$(printf '%04X' "$1")" 'FNR > 1 { split($2, a, ":"); if (a[2] == port && $4 == "0A") found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# status URL [curl args...]: the HTTP status, or 000 when there was no response. Certificates are not
# checked (the benchmarks' certificates are self-signed, on loopback).
status() {
  local url=$1
  shift
  curl -sk -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url" || true
}

wait_for_status() { # NAME URL WANT SECONDS
  local name=$1 url=$2 want=$3 seconds=$4 pidvar="pid_$1" got=000
  for _ in $(seq $((seconds * 10))); do
    kill -0 "${!pidvar}" 2>/dev/null || die "$name exited while starting; see $logs/$name.log"
    got=$(status "$url")
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  die "$name did not answer $want at $url within ${seconds}s (last: $got); see $logs/$name.log"
}

wait_for_port() { # NAME PORT SECONDS
  local name=$1 port=$2 seconds=$3 pidvar="pid_$1"
  for _ in $(seq $((seconds * 10))); do
    kill -0 "${!pidvar}" 2>/dev/null || die "$name exited while starting; see $logs/$name.log"
    listening "$port" && return 0
    sleep 0.1
  done
  die "$name did not listen on $port within ${seconds}s; see $logs/$name.log"
}

# knock_loopback GAP PORT...: one TCP connection to each port on 127.0.0.1 in order, GAP seconds apart
# (0: back to back); the development knock listener counts each as a knock.
knock_loopback() {
  local gap=$1 p
  shift
  for p in "$@"; do
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null || true
    if [ "$gap" != 0 ]; then sleep "$gap"; fi
  done
}

# ---------------------------------------------------------------- memory and CPU of a process
# rss_kib PID FIELD: a field of /proc/PID/status in KiB (VmRSS, VmHWM).
rss_kib() { local k v _u; while read -r k v _u; do [ "$k" = "$2:" ] && { echo "$v"; return; }; done <"/proc/$1/status"; }

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# ---------------------------------------------------------------- wrk
# wrk_parse FILE TICKS: from wrk's --latency report, prints
#   rps p99_ms errors cpu_us_per_request p50_ms requests connect read write timeout non2xx
# where errors = socket errors (connect, read, write, timeout) + non-2xx/3xx answers, and the CPU is
# TICKS (clock ticks of the server under test during the run) per request.
wrk_parse() {
  awk -v ticks="$2" -v hz="$ticks_per_second" '
    function ms(v,   unit) { unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                             return (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : (unit == "m") ? v * 60000 : v }
    / requests in / { requests = $1 }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Socket errors:/ { gsub(/,/, ""); connect = $4; read = $6; write = $8; timeout = $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    END { printf "%.0f %.2f %d %.0f %.2f %d %d %d %d %d %d\n", rps, p99, connect + read + write + timeout + non2xx,
            (requests > 0 ? ticks / hz * 1e6 / requests : 0), p50, requests, connect, read, write, timeout, non2xx }' "$1"
}
