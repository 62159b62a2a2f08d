#!/usr/bin/env bash
# What a page view costs the user: Debian's Chromium (driven by Playwright, PageLoad/) loads Roundcube's login
# page, the inbox after signing in, and a message, through WebKnock and through nginx (the baseline), both TLS
# reverse proxies with HTTP/2 and the same kind of certificate, in front of the same real Roundcube
# (scripts/install-roundcube.sh: http://127.0.0.1:8080/roundcube/, alice/alice-pw). Each session is a fresh
# browser context; ROUNDS sessions per proxy, interleaved. WebKnock runs its production pipeline (TLS, gate,
# YARP, banner injection, session tracking) with the in-memory firewall and the loopback knock listener, and is
# knocked open for 127.0.0.1 as bench/run.sh does. Everything listens on 127.0.0.1; every process started here is
# killed by its PID on exit. See bench/pageload/README.md.
#
#   bash bench/pageload/run.sh               (ROUNDS=50 WARMUP=3 PORT_BASE=18600)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

rounds=${ROUNDS:-50}
warmup=${WARMUP:-3}
base=${PORT_BASE:-18600}
gateway_port=$((base + 43))
nginx_port=$((base + 44))
knock_ports=($((base + 901)) $((base + 903)) $((base + 902)))
roundcube=http://127.0.0.1:8080

work=$(mktemp -d /tmp/wk-pageload.XXXXXX)
logs=$work
bench_tag=pageload
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
keep_logs() {
  cleanup
  mkdir -p "$root/bench/results/logs/pageload"
  cp "$work"/*.log "$root/bench/results/logs/pageload/" 2>/dev/null || true
  rm -rf "$work"
}
trap keep_logs EXIT
trap 'exit 130' INT TERM

for tool in nginx openssl curl dotnet; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash scripts/install-deps.sh bench)"
done
[ -x /usr/bin/chromium ] || die "Debian's chromium is missing (apt-get install chromium)"
[ "$(status "$roundcube/roundcube/")" = 200 ] || die "no Roundcube at $roundcube/roundcube/ (run scripts/install-roundcube.sh as root)"
for p in "$gateway_port" "$nginx_port" "${knock_ports[@]}"; do
  listening "$p" && die "port $p on 127.0.0.1 is taken; set PORT_BASE to another base"
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say "== build (Release)"
for project in src/WebKnock bench/pageload/PageLoad; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; die "build of $project failed"; }
done

# One certificate, one kind (ECDSA P-256, self-signed for 127.0.0.1), for both proxies.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

say "== start WebKnock https://127.0.0.1:$gateway_port (knock ${knock_ports[*]}) and nginx https://127.0.0.1:$nginx_port"
# Environment "Bench": only appsettings/appsettings.json (the production defaults), with the firewall in memory and
# the loopback knock listener (no kernel, no namespace), Roundcube as the upstream, logs at Warning.
start webknock env ASPNETCORE_ENVIRONMENT=Bench DOTNET_ENVIRONMENT=Bench ${PAGELOAD_GATEWAY_ENV:-} \
  src/WebKnock/bin/Release/net10.0/webknock \
  --Kestrel:Endpoints:Https:Url="https://127.0.0.1:$gateway_port" \
  --Kestrel:Endpoints:Https:Certificate:Path="$work/cert.pem" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$work/key.pem" \
  --WebKnock:Upstream:Url="$roundcube/" \
  --WebKnock:Upstream:Profile=Roundcube \
  --WebKnock:Firewall:Backend=InMemory \
  --WebKnock:Firewall:LoopbackKnockListener=true \
  --WebKnock:Webmail:Knock:Ports:0="${knock_ports[0]}" \
  --WebKnock:Webmail:Knock:Ports:1="${knock_ports[1]}" \
  --WebKnock:Webmail:Knock:Ports:2="${knock_ports[2]}" \
  --WebKnock:Webmail:Window=02:00:00 \
  --WebKnock:LogFile= \
  --WebKnock:Events:Path="$work/events.db" \
  --Serilog:MinimumLevel:Default=Warning \
  --Serilog:MinimumLevel:Override:Microsoft=Warning \
  --Serilog:MinimumLevel:Override:Microsoft.AspNetCore=Warning \
  --Serilog:MinimumLevel:Override:Yarp=Warning

# nginx as an administrator would put it in front of Roundcube: TLS, HTTP/2, keep-alive to the upstream, the same
# forwarding headers WebKnock sends (Roundcube trusts them from 127.0.0.1, its proxy_whitelist).
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  client_max_body_size 50m;
  upstream roundcube { server 127.0.0.1:8080; keepalive 32; }
  server {
    listen 127.0.0.1:$nginx_port ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://roundcube;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1:8080;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_buffering off;
    }
  }
}
EOF
start nginx nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;'

wait_for_port webknock "$gateway_port" 60
for p in "${knock_ports[@]}"; do wait_for_port webknock "$p" 30; done
wait_for_status nginx "https://127.0.0.1:$nginx_port/roundcube/" 200 30

gateway=https://127.0.0.1:$gateway_port
[ "$(status "$gateway/roundcube/")" = 000 ] || die "the gateway answered before any knock"
say "gate before the knock: no response (as designed)"
knock_loopback 0.3 "${knock_ports[@]}"
for _ in $(seq 50); do [ "$(status "$gateway/roundcube/")" = 200 ] && break; sleep 0.1; done
[ "$(status "$gateway/roundcube/")" = 200 ] || die "the gateway did not open after the knock; see $work/webknock.log"
say "gate after the knock: 200"

say "== $rounds sessions per proxy ($warmup warm-up), interleaved"
summary="$root/bench/results/pageload-latest.txt"
{
  echo "WebKnock page-load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "command: ROUNDS=$rounds WARMUP=$warmup bash bench/pageload/run.sh"
  echo "commit: $(git rev-parse --short HEAD) on $(git rev-parse --abbrev-ref HEAD)$(git diff --quiet HEAD -- src wwwroot || echo ' (with uncommitted changes)')"
  echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nginx -v 2>&1); $(/usr/bin/chromium --version 2>/dev/null)"
  echo "WebKnock runtime: ${PAGELOAD_GATEWAY_ENV:-defaults}"
} >"$summary.new"
dotnet bench/pageload/PageLoad/bin/Release/net10.0/PageLoad.dll --rounds "$rounds" --warmup "$warmup" \
  --target "webknock=$gateway/roundcube/" --target "nginx=https://127.0.0.1:$nginx_port/roundcube/" | tee "$work/pageload.log"
rc=${PIPESTATUS[0]}
errors=$(grep -cE '^\[[0-9:]+ (ERR|FTL)\]' "$work/webknock.log" || true)
{
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  sed -n '/^page load in ms/,$p' "$work/pageload.log"
  echo "gateway log: $errors errors"
} >>"$summary.new"
mv "$summary.new" "$summary"
say
say "================================================================ summary ($summary)"
cat "$summary"
[ "$rc" = 0 ] && [ "$errors" = 0 ]
