#!/usr/bin/env bash
# Loads wwwroot/knock.html in Debian's headless Chromium against a local gateway and checks that it opens the
# window. The gateway runs with the in-memory firewall and the development loopback knock listener (as
# scripts/run.sh does), in front of the SquirrelMail fixture; the page is served by a separate plain web
# server, as an administrator would host it anywhere. Everything listens on 127.0.0.1 only.
#
#   bash bench/ops/knock-page.sh            # check, and write docs/screenshots/knock-page.png
#
# Steps: (1) the gateway's check image is refused before any knock; (2) the page knocks and reports
# "open" (DOM read back from Chromium), the gateway logs "Knock sequence of webmail completed", and the
# image now loads; (3) a screenshot of the page in that state; (4) with a short redirect delay the page
# lands on the webmail's login page through the gateway.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

gateway_port=18543 upstream_port=18580 page_port=18590
knock=(17500 17700 17600)

command -v chromium >/dev/null || { echo "knock-page: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build"
dotnet build src/WebKnock -nologo -v q >/dev/null
dotnet build tests/SquirrelMailFixture -nologo -v q >/dev/null

work=$(mktemp -d /tmp/wk-knock-page.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -f "$work/gateway.log" ]; then
    echo "-- gateway log (last 40 lines)"; tail -n 40 "$work/gateway.log"
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

dotnet tests/SquirrelMailFixture/bin/Debug/net10.0/SquirrelMailFixture.dll --urls "http://127.0.0.1:$upstream_port" \
  --Logging:LogLevel:Default=Warning >"$work/upstream.log" 2>&1 &
pids+=($!)

(cd src/WebKnock/bin/Debug/net10.0 && DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development exec dotnet webknock.dll \
  --Kestrel:Endpoints:Https:Url="https://127.0.0.1:$gateway_port" \
  --Kestrel:Endpoints:Https:Certificate:Path="$work/cert.pem" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$work/key.pem" \
  --WebKnock:Upstream:Url="http://127.0.0.1:$upstream_port/" \
  --WebKnock:Firewall:Backend=InMemory \
  --WebKnock:Firewall:LoopbackKnockListener=true \
  --WebKnock:Webmail:Knock:Ports:0="${knock[0]}" \
  --WebKnock:Webmail:Knock:Ports:1="${knock[1]}" \
  --WebKnock:Webmail:Knock:Ports:2="${knock[2]}" \
  --WebKnock:LogFile= ) >"$work/gateway.log" 2>&1 &
pids+=($!)

# The page, hosted somewhere else: its own plain server with its own knock-config.json.
mkdir -p "$work/site"
cp wwwroot/knock.html wwwroot/knock.js wwwroot/knock.css "$work/site/"
config() { # redirect delay, then the ports in the order the page knocks them
  cat >"$work/site/knock-config.json" <<JSON
{ "host": "127.0.0.1", "ports": [$2, $3, $4],
  "webmail": "https://127.0.0.1:$gateway_port/squirrelmail/src/login.php", "gap": 100, "abort": 300,
  "redirectDelay": $1, "autostart": "true" }
JSON
}
python3 -m http.server "$page_port" --bind 127.0.0.1 --directory "$work/site" >"$work/site.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  grep -q "Now listening on" "$work/gateway.log" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$page_port/knock.html" && break
  sleep 0.5
done
grep -q "Now listening on" "$work/gateway.log" || { echo "knock-page: the gateway did not start"; cat "$work/gateway.log"; exit 1; }

page() { node --experimental-websocket bench/ops/page.mjs "http://127.0.0.1:$page_port/knock.html" "$@" | sed 's/^/   /'; return "${PIPESTATUS[0]}"; }
check_image() { curl -sk -o /dev/null -w '%{http_code}' --max-time 3 "https://127.0.0.1:$gateway_port/.webknock/knock-ok.gif" || true; }

echo "== 1. before the knock the gateway's check image is refused"
before=$(check_image)
echo "   knock-ok.gif: ${before:-no answer}"
[ "$before" = "000" ] || { echo "FAIL: the image answered before any knock"; exit 1; }

echo "== 2. a page with the ports in the wrong order knocks, finds no answer, offers to try again"
config 600000 "${knock[0]}" "${knock[2]}" "${knock[1]}"
page --until failed --timeout 30000 || { echo "FAIL: the wrong knock was not reported as failed"; exit 1; }
grep -q "Knock sequence of webmail completed" "$work/gateway.log" && { echo "FAIL: a wrong knock opened"; exit 1; }

echo "== 3. the right page knocks from Chromium and reports open (screenshot taken then)"
config 600000 "${knock[@]}"
page --network --until open --timeout 30000 --screenshot "$work/knock-page.png" || { echo "FAIL: the page did not report open"; exit 1; }
grep "Knock sequence of webmail completed" "$work/gateway.log" | sed 's/^/   gateway: /'
grep -q "Knock sequence of webmail completed by 127.0.0.1" "$work/gateway.log" || { echo "FAIL: no completed knock in the gateway log"; exit 1; }
after=$(check_image)
echo "   knock-ok.gif now: $after"
[ "$after" = "200" ] || { echo "FAIL: the image is not served after the knock"; exit 1; }
cp "$work/knock-page.png" docs/screenshots/knock-page.png
echo "   docs/screenshots/knock-page.png ($(stat -c %s docs/screenshots/knock-page.png) bytes)"

echo "== 4. with a short redirect delay the page goes on to the webmail"
config 200 "${knock[@]}"
page --until landed --timeout 30000 || { echo "FAIL: did not land on the webmail's login page"; exit 1; }
echo "knock-page: ok"
