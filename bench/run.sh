#!/usr/bin/env bash
# WebKnock benchmark: throughput and p99 of WebKnock against a bare YARP proxy (and the upstream
# itself), then the memory a 20 MiB HTML page costs while it streams through the banner injector.
# Everything runs on 127.0.0.1, every load is bounded in time, every process is started here and
# killed by its PID on exit. See bench/README.md.
#
# Usage: bash bench/run.sh            (knobs: BENCH_* variables below)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=${BENCH_DURATION:-15}      # seconds per measured wrk run
warmup=${BENCH_WARMUP:-15}          # seconds of wrk warm-up per target and path (WebKnock needs ~20 s of load to reach its steady state)
rounds=${BENCH_ROUNDS:-3}           # interleaved rounds: bare, gateway | gateway, bare | bare, gateway...
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}
mem_runs=${BENCH_MEM_RUNS:-3}
diagnose=${BENCH_DIAGNOSE:-1}       # 0 skips the two diagnostic paths (html30k-noaccept, 1k-accept)
big_mb=${BENCH_BIG_MB:-20}
# Runtime settings for WebKnock only (BareYarp and the fixture keep the defaults), e.g. "DOTNET_ReadyToRun=0" (Full PGO)
# or "DOTNET_TieredPGO=0"; and BENCH_GATEWAY_R2R=1 runs a ReadyToRun publish of WebKnock instead of the build.
read -r -a gateway_env <<<"${BENCH_GATEWAY_ENV:-}"
gateway_r2r=${BENCH_GATEWAY_R2R:-0}
base=${BENCH_PORT_BASE:-18000}
fixture_port=$((base + 80))
bare_port=$((base + 81))
gateway_port=$((base + 43))
knock_ports=($((base + 9001)) $((base + 9003)) $((base + 9002))) # not monotonic: the validator refuses that

results="$root/bench/results"
logs="$results/logs"
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.txt
summary="$results/latest.txt.new"
: >"$summary"

bench_tag=bench
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh" # say, die, start, cleanup, listening, status, wait_for_*, knock_loopback, rss_kib, cpu_ticks, wrk_parse
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools, ports, build
if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
  bash scripts/install-deps.sh bench || true
fi
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk, or run as root so scripts/install-deps.sh bench can)"
command -v curl >/dev/null || die "curl is missing"
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is missing"
for p in "$fixture_port" "$bare_port" "$gateway_port" "${knock_ports[@]}"; do
  listening "$p" && die "port $p on 127.0.0.1 is taken; set BENCH_PORT_BASE to another base"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say "== build (Release)"
for project in tests/SquirrelMailFixture bench/BareYarp src/WebKnock; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >"$logs/build.log" 2>&1 \
    || { cat "$logs/build.log" >&2; die "build of $project failed"; }
done
fixture_bin=tests/SquirrelMailFixture/bin/Release/net10.0/SquirrelMailFixture
bare_bin=bench/BareYarp/bin/Release/net10.0/bareyarp
gateway_bin=src/WebKnock/bin/Release/net10.0/webknock
if [ "$gateway_r2r" = 1 ]; then
  dotnet publish src/WebKnock -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$results/logs/r2r" -nologo -v q -clp:ErrorsOnly >"$logs/publish.log" 2>&1 \
    || { cat "$logs/publish.log" >&2; die "ReadyToRun publish of src/WebKnock failed"; }
  gateway_bin="$results/logs/r2r/webknock"
fi
body_files=$(find src/WebKnock/Proxy/Body -name '*.cs' ! -name Stub.cs | wc -l)
if [ "$body_files" -eq 0 ]; then rewriter="stub (src/WebKnock/Proxy/Body/Stub.cs only)"; else rewriter="streaming ($body_files files in src/WebKnock/Proxy/Body)"; fi

# ---------------------------------------------------------------- start
say "== start fixture :$fixture_port, BareYarp :$bare_port, WebKnock :$gateway_port (knock ${knock_ports[*]})"
start fixture "$fixture_bin" --urls "http://127.0.0.1:$fixture_port" \
  --Logging:LogLevel:Default=Warning
# WebKnock's appsettings/appsettings.json (the only settings file for environment "Bench") names one
# Kestrel endpoint, "Https", with a PEM certificate. Both servers get that endpoint re-pointed at plain
# HTTP on loopback, with the certificate keys emptied (Kestrel refuses certificate settings on an
# http:// endpoint). BareYarp reads the same file, so both have the same Kestrel section (limits,
# protocols) with the same override.
no_tls=(--Kestrel:Endpoints:Https:Certificate:Path= --Kestrel:Endpoints:Https:Certificate:KeyPath=)
start bareyarp "$bare_bin" --settings "$root/appsettings/appsettings.json" \
  --Kestrel:Endpoints:Https:Url="http://127.0.0.1:$bare_port" "${no_tls[@]}" \
  --upstream "http://127.0.0.1:$fixture_port/"
start webknock env ASPNETCORE_ENVIRONMENT=Bench DOTNET_ENVIRONMENT=Bench "${gateway_env[@]}" "$gateway_bin" \
  --Kestrel:Endpoints:Https:Url="http://127.0.0.1:$gateway_port" "${no_tls[@]}" \
  --WebKnock:Upstream:Url="http://127.0.0.1:$fixture_port/" \
  --WebKnock:Firewall:Backend=InMemory \
  --WebKnock:Firewall:LoopbackKnockListener=true \
  --WebKnock:Webmail:Knock:Ports:0="${knock_ports[0]}" \
  --WebKnock:Webmail:Knock:Ports:1="${knock_ports[1]}" \
  --WebKnock:Webmail:Knock:Ports:2="${knock_ports[2]}" \
  --WebKnock:LogFile= \
  --WebKnock:Events:Path="$results/logs/bench-events.db" \
  --Serilog:MinimumLevel:Default=Warning \
  --Serilog:MinimumLevel:Override:Microsoft=Warning \
  --Serilog:MinimumLevel:Override:Microsoft.AspNetCore=Warning \
  --Serilog:MinimumLevel:Override:Yarp=Warning

wait_for_status fixture "http://127.0.0.1:$fixture_port/fixture/1k" 200 60
wait_for_status bareyarp "http://127.0.0.1:$bare_port/fixture/1k" 200 60
wait_for_port webknock "$gateway_port" 60
for p in "${knock_ports[@]}"; do wait_for_port webknock "$p" 30; done

fixture_url="http://127.0.0.1:$fixture_port"
bare_url="http://127.0.0.1:$bare_port"
gateway_url="http://127.0.0.1:$gateway_port"

# ---------------------------------------------------------------- knock
failures=()
before=$(status "$gateway_url/fixture/1k")
if [ "$before" = 000 ]; then
  say "gate before the knock: no response (as designed)"
else
  failures+=("the gate answered $before before any knock")
  say "gate before the knock: answered $before (expected no response)"
fi

# knock GAP: one TCP connection to each knock port in order, GAP seconds apart (0: back to back).
knock() { knock_loopback "$1" "${knock_ports[@]}"; }
opened() {
  for _ in $(seq 20); do
    [ "$(status "$gateway_url/fixture/1k")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
notes=()
say "== knock ${knock_ports[*]} on 127.0.0.1, back to back (as README.md shows)"
knock 0
if ! opened; then
  wrong=$(grep -c 'Knock WrongOrder' "$logs/webknock.log" || true)
  notes+=("a back-to-back knock did not open the window ($wrong 'Knock WrongOrder' lines in webknock.log: the development knock listener saw the ports out of order); a knock with 0.3 s between ports did")
  say "the back-to-back knock did not open the window; knocking again with 0.3 s between ports"
  knock 0.3
  opened || die "WebKnock answered $(status "$gateway_url/fixture/1k") after the knock (want 200); see $logs/webknock.log"
fi
say "gate after the knock: 200"
refused_before_load=$(grep -c '\] Refused ' "$logs/webknock.log" || true)

# ---------------------------------------------------------------- correctness
marker='id="webknock-banner"'
tmp=$(mktemp -d)
trap 'cleanup; rm -rf "$tmp"' EXIT
curl -s --max-time 10 -o "$tmp/1k.fixture" "$fixture_url/fixture/1k"
curl -s --max-time 10 -o "$tmp/1k.bare" "$bare_url/fixture/1k"
curl -s --max-time 10 -o "$tmp/1k.gateway" "$gateway_url/fixture/1k"
if cmp -s "$tmp/1k.fixture" "$tmp/1k.bare" && cmp -s "$tmp/1k.fixture" "$tmp/1k.gateway"; then
  say "/fixture/1k: byte-identical through BareYarp and WebKnock"
else
  failures+=("/fixture/1k is not byte-identical through the proxies")
fi
for who in fixture bare gateway; do
  url_var="${who}_url"
  code=$(curl -s --max-time 10 -H 'Accept: text/html' -o "$tmp/30k.$who" -w '%{http_code}' "${!url_var}/fixture/html30k" || true)
  count=$(LC_ALL=C grep -o -F "$marker" "$tmp/30k.$who" | wc -l || true)
  printf -v "html_status_$who" '%s' "$code"
  printf -v "html_banners_$who" '%s' "$count"
  say "/fixture/html30k via $who: HTTP $code, $(stat -c %s "$tmp/30k.$who") bytes, banners: $count"
done
[ "$html_status_gateway" = 200 ] || failures+=("WebKnock answered /fixture/html30k with $html_status_gateway")
[ "$html_banners_gateway" = 1 ] || failures+=("WebKnock put $html_banners_gateway banners in /fixture/html30k (want 1)")
[ "$html_banners_bare" = 0 ] || failures+=("BareYarp's copy of /fixture/html30k has a banner?")

# ---------------------------------------------------------------- memory while one big page streams
# sample PID STOPFILE OUTFILE: the largest VmRSS seen every 10 ms until STOPFILE exists.
sample() {
  local pid=$1 stop=$2 out=$3 max=0 k v _u fd
  exec {fd}<> <(:) # reading an empty pipe with a timeout is a sleep without a fork
  while [ ! -e "$stop" ] && [ -e "/proc/$pid" ]; do
    while read -r k v _u; do
      if [ "$k" = VmRSS: ]; then
        if [ "$v" -gt "$max" ]; then max=$v; fi
        break
      fi
    done <"/proc/$pid/status"
    read -r -t 0.01 -u "$fd" _ || true
  done
  echo "$max" >"$out"
}

# stream NAME URL: peak RSS growth of NAME's process while one big page streams; sets mem_* vars.
stream() {
  local url=$2 pid idle hwm sampled banners bytes code
  if [ "$1" = bare ]; then pid=$pid_bareyarp; else pid=$pid_webknock; fi
  sleep 1
  idle=$(rss_kib "$pid" VmRSS)
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true # resets VmHWM to the current RSS
  rm -f "$tmp/stop"
  sample "$pid" "$tmp/stop" "$tmp/sampled" &
  local sampler=$!
  banners=$(curl -sS --max-time 120 -H 'Accept: text/html' -w '%{stderr}%{http_code} %{size_download}' \
    "$url/fixture/big-html?mb=$big_mb" 2>"$tmp/meta" | LC_ALL=C grep -o -F "$marker" | wc -l || true)
  touch "$tmp/stop"
  wait "$sampler" || true
  hwm=$(rss_kib "$pid" VmHWM)
  sampled=$(cat "$tmp/sampled")
  read -r code bytes <"$tmp/meta" || true
  mem_idle=$idle mem_hwm=$hwm mem_sampled=$sampled mem_code=$code mem_bytes=$bytes mem_banners=$banners
}

say "== memory: one ${big_mb} MiB HTML page (Accept: text/html), $mem_runs runs, peak RSS - idle RSS"
# Warm both proxies on the same path first, so JIT and first-use allocations are not counted.
for _ in 1 2; do
  curl -s --max-time 30 -H 'Accept: text/html' -o /dev/null "$bare_url/fixture/big-html?mb=1" || true
  curl -s --max-time 30 -H 'Accept: text/html' -o /dev/null "$gateway_url/fixture/big-html?mb=1" || true
done
mem_lines=()
gateway_growths=()
for run in $(seq "$mem_runs"); do
  for who in bare gateway; do
    url_var="${who}_url"
    stream "$who" "${!url_var}"
    growth=$((mem_hwm - mem_idle))
    label=$([ "$who" = bare ] && echo BareYarp || echo WebKnock)
    line=$(printf '%-8s run %d: HTTP %s, %s bytes, banners %s; idle RSS %s MiB, peak (VmHWM) %s MiB, peak (10 ms samples) %s MiB, growth %s MiB' \
      "$label" "$run" "$mem_code" "$mem_bytes" "$mem_banners" "$(mib "$mem_idle")" "$(mib "$mem_hwm")" "$(mib "$mem_sampled")" "$(mib "$growth")")
    say "$line"
    mem_lines+=("$line")
    if [ "$who" = gateway ]; then
      gateway_growths+=("$(mib "$growth")")
      [ "$mem_code" = 200 ] || failures+=("WebKnock answered the ${big_mb} MiB page with $mem_code")
      [ "$mem_bytes" -ge $((big_mb * 1024 * 1024)) ] 2>/dev/null || failures+=("WebKnock sent $mem_bytes bytes of the ${big_mb} MiB page")
      [ "$mem_banners" = 1 ] || failures+=("WebKnock put $mem_banners banners in the ${big_mb} MiB page (want 1)")
    fi
  done
done

# ---------------------------------------------------------------- throughput
# wrk_run LABEL PID URL [wrk args...]: prints "rps p99_ms errors cpu_us_per_request", where the CPU is
# that of PID (the server under test) during the run; keeps wrk's output in the logs.
wrk_run() {
  local label=$1 pid=$2 url=$3 out t0 t1
  shift 3
  out="$logs/wrk-$label.txt"
  t0=$(cpu_ticks "$pid")
  timeout $((duration + 30)) wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$out" 2>&1 || true
  t1=$(cpu_ticks "$pid")
  wrk_parse "$out" $((t1 - t0)) | cut -d' ' -f1-4
}

warm() { timeout $((warmup + 30)) wrk -t"$threads" -c"$connections" -d"${warmup}s" "$@" >/dev/null 2>&1 || true; }

declare -A sum_rps sum_p99 sum_cpu runs_of ratios cpu_ratios
throughput_lines=()
bench_path() { # KEY PATH "TARGETS" [wrk args...]   TARGETS: "fixture bare gateway" or "bare gateway"
  local key=$1 path=$2 targets=$3 r who url_var res rps p99 errs cpu pid line bare_r gw_r bare_c gw_c order
  shift 3
  say "== throughput $key: $path $* (wrk -t$threads -c$connections -d${duration}s, $rounds interleaved rounds, ${warmup}s warm-up each)"
  for who in $targets; do
    url_var="${who}_url"
    warm "$@" "${!url_var}$path"
  done
  for r in $(seq "$rounds"); do
    # The pair swaps its order every round, so a drift in the machine's load favours neither.
    order=$targets
    if [ $((r % 2)) -eq 0 ]; then order=${targets/bare gateway/gateway bare}; fi
    for who in $order; do
      url_var="${who}_url"
      case $who in
        fixture) pid=$pid_fixture ;;
        bare) pid=$pid_bareyarp ;;
        gateway) pid=$pid_webknock ;;
      esac
      res=$(wrk_run "$key-$who-$r" "$pid" "${!url_var}$path" "$@")
      read -r rps p99 errs cpu <<<"$res"
      sum_cpu[$key-$who]=$(( ${sum_cpu[$key-$who]:-0} + cpu ))
      sum_rps[$key-$who]=$(awk -v a="${sum_rps[$key-$who]:-0}" -v b="$rps" 'BEGIN { print a + b }')
      sum_p99[$key-$who]=$(awk -v a="${sum_p99[$key-$who]:-0}" -v b="$p99" 'BEGIN { print a + b }')
      runs_of[$key-$who]=$(( ${runs_of[$key-$who]:-0} + 1 ))
      case $who in
        bare) bare_r=$rps bare_c=$cpu ;;
        gateway) gw_r=$rps gw_c=$cpu ;;
      esac
      line=$(printf '%-16s %-8s round %d: %8s req/s  p99 %7s ms  CPU %5s us/req  errors %s' "$key" "$who" "$r" "$rps" "$p99" "$cpu" "$errs")
      say "$line"
      throughput_lines+=("$line")
      if [ "$errs" != 0 ] || [ "$rps" = 0 ]; then
        failures+=("$who on $path round $r: $errs errors (wrk output in $logs/wrk-$key-$who-$r.txt)")
      fi
    done
    ratios[$key]+="$(awk -v g="$gw_r" -v b="$bare_r" 'BEGIN { printf "%.1f", (b > 0 ? 100 * g / b : 0) }') "
    cpu_ratios[$key]+="$(awk -v g="$gw_c" -v b="$bare_c" 'BEGIN { printf "%.1f", (g > 0 ? 100 * b / g : 0) }') "
  done
}

bench_path 1k /fixture/1k "fixture bare gateway"
bench_path html30k /fixture/html30k "fixture bare gateway" -H 'Accept: text/html'
if [ "$diagnose" = 1 ]; then
  # Where the HTML cost goes: the gateway without the banner path (no Accept: text/html, so no
  # render and no rewrite), and with the banner rendered but not injected (a text/plain answer).
  bench_path html30k-noaccept /fixture/html30k "bare gateway"
  bench_path 1k-accept /fixture/1k "bare gateway" -H 'Accept: text/html'
fi

# ---------------------------------------------------------------- summary
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio_line() { # LABEL "R1 R2 ..." [TARGET]
  local m verdict=""
  m=$(echo "$2" | median)
  if [ -n "${3:-}" ]; then
    verdict="(target >= $3%: $(awk -v r="$m" -v t="$3" 'BEGIN { print ((r >= t) ? "met" : "NOT met") }'))"
  fi
  printf '%-26s %6s%%  %-24s rounds: %s\n' "$1" "$m" "$verdict" "$(echo "$2" | sed 's/ *$//; s/ /%, /g')%"
}
mean() { awk -v s="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.0f", s / n; else printf "-" }'; }
mean2() { awk -v s="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f", s / n; else printf "-" }'; }

gateway_errors=$(grep -cE '^\[[0-9:]+ (ERR|FTL)\]' "$logs/webknock.log" || true)
gateway_refused=$(grep -cE '^\[[0-9:]+ WRN\] Refused ' "$logs/webknock.log" || true)
gateway_warnings=$(grep -E '^\[[0-9:]+ WRN\]' "$logs/webknock.log" | grep -v 'Development knock listener' | grep -v '\] Refused ' | grep -vc 'Knock WrongOrder' || true)
[ "$gateway_errors" = 0 ] || failures+=("the gateway logged $gateway_errors errors")
[ "$gateway_refused" -le "$refused_before_load" ] || failures+=("the gateway refused $((gateway_refused - refused_before_load)) requests after the window opened")

{
  echo "WebKnock benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "command: bash bench/run.sh (duration ${duration}s, warm-up ${warmup}s, rounds $rounds, wrk -t$threads -c$connections, memory runs $mem_runs)"
  echo "commit: $(git rev-parse --short HEAD) on $(git rev-parse --abbrev-ref HEAD); banner injection: $rewriter"
  echo "WebKnock runtime: ${BENCH_GATEWAY_ENV:-defaults}$([ "$gateway_r2r" = 1 ] && echo ', ReadyToRun publish')"
  echo "machine: $(nproc) cores, $(uname -r), $(dotnet --version 2>/dev/null | head -n 1) SDK, wrk $(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }'), all on 127.0.0.1, plain HTTP/1.1"
  echo
  echo "throughput: mean req/s, mean p99 and mean CPU time of the server process per request, of $rounds interleaved rounds"
  printf '%-30s %10s %10s %10s\n' "path" "fixture" "BareYarp" "WebKnock"
  keys="1k html30k"
  if [ "$diagnose" = 1 ]; then keys+=" html30k-noaccept 1k-accept"; fi
  for key in $keys; do
    printf '%-30s %10s %10s %10s\n' "$key req/s" \
      "$(mean "${sum_rps[$key-fixture]:-}" "${runs_of[$key-fixture]:-}")" \
      "$(mean "${sum_rps[$key-bare]:-}" "${runs_of[$key-bare]:-}")" \
      "$(mean "${sum_rps[$key-gateway]:-}" "${runs_of[$key-gateway]:-}")"
    printf '%-30s %10s %10s %10s\n' "$key p99 ms" \
      "$(mean2 "${sum_p99[$key-fixture]:-}" "${runs_of[$key-fixture]:-}")" \
      "$(mean2 "${sum_p99[$key-bare]:-}" "${runs_of[$key-bare]:-}")" \
      "$(mean2 "${sum_p99[$key-gateway]:-}" "${runs_of[$key-gateway]:-}")"
    printf '%-30s %10s %10s %10s\n' "$key CPU us/req (server)" \
      "$(mean "${sum_cpu[$key-fixture]:-}" "${runs_of[$key-fixture]:-}")" \
      "$(mean "${sum_cpu[$key-bare]:-}" "${runs_of[$key-bare]:-}")" \
      "$(mean "${sum_cpu[$key-gateway]:-}" "${runs_of[$key-gateway]:-}")"
  done
  echo
  echo "WebKnock/BareYarp req/s: the median of the rounds' ratios (each round's pair ran back to back), then each round's"
  ratio_line "1k (non-HTML)" "${ratios[1k]:-}" 90
  ratio_line "html30k (banner vs none)" "${ratios[html30k]:-}" 85
  if [ "$diagnose" = 1 ]; then
    echo "diagnostic paths (no target): html30k-noaccept has no Accept: text/html (no banner rendered, body passes"
    echo "through); 1k-accept has it (the banner is rendered for every such request, but a text/plain body gets none)"
    ratio_line "html30k-noaccept" "${ratios[html30k-noaccept]:-}"
    ratio_line "1k-accept" "${ratios[1k-accept]:-}"
  fi
  echo
  echo "the same from CPU time: BareYarp's CPU per request / WebKnock's (less sensitive to other load on the machine)"
  for key in $keys; do
    ratio_line "$key" "${cpu_ratios[$key]:-}"
  done
  echo
  echo "per run"
  printf '%s\n' "${throughput_lines[@]}"
  echo
  echo "memory: one ${big_mb} MiB HTML page streamed with Accept: text/html; growth = VmHWM after - VmRSS just before (target for WebKnock < 2 MiB)"
  printf '%s\n' "${mem_lines[@]}"
  echo "WebKnock growth per run (MiB): ${gateway_growths[*]} (median $(echo "${gateway_growths[*]}" | median), largest $(printf '%s\n' "${gateway_growths[@]}" | sort -g | tail -n 1))"
  echo
  echo "gateway log (bench/results/logs/webknock.log): $gateway_errors errors, $gateway_refused refused requests ($refused_before_load before the window opened, expected), $gateway_warnings other warnings"
  if [ ${#notes[@]} -gt 0 ]; then
    echo "notes:"
    printf '  - %s\n' "${notes[@]}"
  fi
  if [ ${#failures[@]} -eq 0 ]; then
    echo "checks: all passed (gate closed before the knock, 200 after, 1k byte-identical, one banner in html30k and in the big page, no wrk errors)"
  else
    echo "checks: ${#failures[@]} FAILED"
    printf '  - %s\n' "${failures[@]}"
  fi
} >"$summary"

say
say "================================================================ summary"
cat "$summary"
mv "$summary" "$results/latest.txt"
[ ${#failures[@]} -eq 0 ]
