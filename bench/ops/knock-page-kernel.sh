#!/usr/bin/env bash
# The knock page against the real kernel rules: Debian's headless Chromium in a client namespace knocks at a
# server namespace where WebKnock's table was loaded by the real code (NftablesFirewall.InitializeAsync, through
# bench/kernel/KernelBench) and nothing answers the knock ports. The page is served from the server's port 8080
# (any web server would do); nginx with TLS on 443 stands in for the gateway and serves /.webknock/knock-ok.gif,
# which the kernel lets through only after a completed knock. Documentation addresses only (server 192.0.2.1,
# client 192.0.2.10); everything is removed on exit. Needs root, nftables, nginx, chromium, node 20.
#
#   bash bench/ops/knock-page-kernel.sh [PORTS ...]    # default 7000 9000 8000
#   CLOSED_PORTS=Drop bash bench/ops/knock-page-kernel.sh   # WebKnock:Firewall:ClosedPorts of the table (default Reset)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. "$root/bench/netns.sh"
ports=("$@")
[ ${#ports[@]} -gt 0 ] || ports=(7000 9000 8000)
list=$(IFS=,; echo "${ports[*]}")

[ "$(id -u)" -eq 0 ] || { echo "knock-page-kernel: needs root" >&2; exit 1; }
for p in ip nft nginx chromium node; do command -v "$p" >/dev/null || { echo "knock-page-kernel: $p is missing" >&2; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/kernel/KernelBench -c Release -nologo -v q >/dev/null
kb=(dotnet "$root/bench/kernel/KernelBench/bin/Release/net10.0/KernelBench.dll")

id=$$
tmp=$(mktemp -d /tmp/wk-knock-kernel.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  netns_remove
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

netns_pair wkp
S ip addr add 192.0.2.1/24 dev wkp-s
S ip link set wkp-s up
C ip addr add 192.0.2.10/24 dev wkp-c
C ip link set wkp-c up

mkdir -p "$tmp/gw/.webknock" "$tmp/site"
chmod 755 "$tmp" # nginx workers run as nobody
cp wwwroot/knock-ok.gif "$tmp/gw/.webknock/"
cp wwwroot/knock.html wwwroot/knock.js wwwroot/knock.css "$tmp/site/"
printf '<html><body><h1 id="webmail">webmail</h1></body></html>\n' >"$tmp/gw/index.html"
json_ports=$(IFS=,; echo "${ports[*]}")
cat >"$tmp/site/knock-config.json" <<JSON
{ "host": "192.0.2.1", "ports": [$json_ports], "webmail": "https://192.0.2.1/", "redirectDelay": 600000, "autostart": "true" }
JSON
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=192.0.2.1" -addext "subjectAltName=IP:192.0.2.1" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $tmp/nginx.pid; error_log $tmp/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $tmp/access.log; types { image/gif gif; text/html html; }
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fastcgi; uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  server { listen 192.0.2.1:443 ssl; ssl_certificate $tmp/cert.pem; ssl_certificate_key $tmp/key.pem; root $tmp/gw; }
}
NGINX
ip netns exec "$srv" nginx -p "$tmp" -c "$tmp/nginx.conf" &
pids+=($!)
ip netns exec "$srv" python3 -m http.server 8080 --bind 192.0.2.1 --directory "$tmp/site" >"$tmp/site.log" 2>&1 &
pids+=($!)

# The page's port 8080 is always open (in Drop mode nothing else would be).
S "${kb[@]}" init --knock "$list" --closed-ports "${CLOSED_PORTS:-Reset}" --always-open-tcp 8080
for _ in $(seq 1 50); do C curl -s -o /dev/null --max-time 1 "http://192.0.2.1:8080/knock.html" && break; sleep 0.1; done
echo "== before: the client reaches the page on 8080 but not 443"
C curl -s -o /dev/null -w '   page: %{http_code}\n' "http://192.0.2.1:8080/knock.html"
C curl -sk -o /dev/null -w '   443: %{http_code}\n' --max-time 2 "https://192.0.2.1/.webknock/knock-ok.gif" || echo "   443: no answer (dropped)"

echo "== Chromium in the client namespace opens the knock page (knock $list)"
status=0
C node --experimental-websocket bench/ops/page.mjs "http://192.0.2.1:8080/knock.html" --network --until open --timeout 30000 \
  | grep -v favicon | sed 's/^/   /' || status=$?
echo "== the kernel's allowed set"
S nft list set inet webknock webmail_allow4 | grep -E "elements" | sed 's/^/   /' || echo "   (empty)"
echo "== what reached 443 (nginx access log)"
sed 's/^/   /' "$tmp/access.log" | cut -c1-120
if [ "$status" -eq 0 ] && S nft list set inet webknock webmail_allow4 | grep -q "192.0.2.10"; then
  echo "knock-page-kernel: ok (the page opened 443 through the kernel rules)"
else
  echo "knock-page-kernel: FAILED"
  exit 1
fi
