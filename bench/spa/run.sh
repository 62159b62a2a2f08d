#!/usr/bin/env bash
# SPA knock-to-open latency: WebKnock's gateway against Debian's fwknopd, in the same run and the same namespaces
# (documentation addresses: server 192.0.2.1, client sources 192.0.2.9 (a warm-up knock, not counted) and 192.0.2.10-209, one veth link), removed on exit.
# Needs root, nftables, dotnet, python3, fwknop-client and fwknop-server (scripts/install-deps.sh bench).
#
#   bash bench/spa/run.sh            # ROUNDS=200 knocks each (one fresh source address per knock)
#
# For each knock the client makes a packet with Debian's fwknop client (fwknop --test -B, the source's own address
# in it), sends it as one UDP datagram to 62201 and then tries TCP connections to 443 from that source (a
# fresh SYN every 50 us, none waited for) until one completes (bench/spa/spa_latency.py). A TCP listener on 192.0.2.1:443 answers once the port opens.
#   webknock: the real gateway (nftables backend, SPA enabled, one knock user); kernel NFLOG -> gateway -> nft set.
#   fwknopd:  Debian's fwknopd 2.6.10 with Debian's defaults (pcap on the interface, iptables (nf_tables) rules in
#             its FWKNOP_INPUT chain), and a "tcp dport 443 drop" after its jump so the port is closed until it opens.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. "$root/bench/netns.sh"
rounds=${ROUNDS:-200}
[ "$(id -u)" -eq 0 ] || { echo "bench/spa: needs root (network namespaces, nftables)" >&2; exit 1; }
for p in ip nft iptables dotnet python3 openssl fwknop fwknopd; do command -v "$p" >/dev/null || { echo "bench/spa: $p is missing (bash scripts/install-deps.sh bench)" >&2; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)

echo "== build (Release)"
dotnet build src/WebKnock -c Release -nologo -v q >/dev/null
gateway="$root/src/WebKnock/bin/Release/net10.0/webknock.dll"

id=$$
tmp=$(mktemp -d /tmp/wk-spa-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  netns_remove
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

netns_pair wks
echo "== namespaces $srv (server) and $cli (client)"
S ip addr add 192.0.2.1/24 dev wks-s
S ip link set wks-s up
for i in $(seq 9 $((10 + rounds - 1))); do C ip addr add "192.0.2.$i/24" dev wks-c; done
C ip link set wks-c up

# Background programs are started with "ip netns exec" itself (not the S function), so that $! is their PID.
# The port that opens: a TCP listener on 443 (accepts and closes).
ip netns exec "$srv" "$py" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("192.0.2.1", 443)); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()' &
pids+=($!)

key=$(head -c 32 /dev/urandom | base64 -w0)
hmac=$(head -c 64 /dev/urandom | base64 -w0)
mkdir -p "$tmp/home" "$tmp/packets"
echo "== $rounds packets (and one warm-up) from Debian's fwknop client (one per source address)"
for i in $(seq 9 $((10 + rounds - 1))); do
  HOME="$tmp/home" fwknop --no-save-args --test -A tcp/443 -a "192.0.2.$i" -D 192.0.2.1 -U alice --use-hmac \
    --key-base64-rijndael "$key" --key-base64-hmac "$hmac" -B "$tmp/packets/$i" >/dev/null 2>&1
  echo "192.0.2.$i $tmp/packets/$i"
done >"$tmp/list"

echo "== webknock: the gateway (nftables, SPA on 62201, user alice)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" -days 1 -subj /CN=bench >/dev/null 2>&1
table="wks_$id"
ip netns exec "$srv" env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production dotnet "$gateway" \
  --WebKnock:Firewall:Backend=Nftables --WebKnock:Firewall:Table="$table" --WebKnock:Firewall:NflogGroup=7391 --WebKnock:Firewall:Nftables:ScanThreshold=1000000 \
  --WebKnock:Spa:Enabled=true --WebKnock:Spa:ReplayCachePath="$tmp/digests.db" \
  --WebKnock:Knock:Users:0:Name=alice --WebKnock:Knock:Users:0:SpaKey="$key" --WebKnock:Knock:Users:0:SpaHmacKey="$hmac" \
  --WebKnock:Events:Path="$tmp/events.db" --WebKnock:LogFile="$tmp/webknock-.json" \
  --WebKnock:Upstream:Url=http://127.0.0.1:8080/ \
  --Kestrel:Endpoints:Https:Url=https://127.0.0.1:8443 --Kestrel:Endpoints:Https:Certificate:Path="$tmp/fullchain.pem" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$tmp/privkey.pem" >"$tmp/gateway.log" 2>&1 &
gw=$!
pids+=($gw)
for _ in $(seq 300); do
  S nft list chain inet "$table" spa >/dev/null 2>&1 && grep -q "Listening to NFLOG" "$tmp/gateway.log" && break
  kill -0 "$gw" 2>/dev/null || { cat "$tmp/gateway.log"; echo "bench/spa: the gateway exited" >&2; exit 1; }
  sleep 0.1
done
sleep 2
kill -0 "$gw" 2>/dev/null || { cat "$tmp/gateway.log"; echo "bench/spa: the gateway exited" >&2; exit 1; }
C timeout 1 bash -c 'exec 3<>/dev/tcp/192.0.2.1/443' 2>/dev/null && { echo "FAIL: 443 answered before a knock"; exit 1; }
C "$py" "$root/bench/spa/spa_latency.py" webknock 192.0.2.1 62201 443 "$tmp/list" | tee "$tmp/result-webknock"
kill "$gw"; wait "$gw" 2>/dev/null || true
S nft delete table inet "$table"

echo "== fwknopd: Debian's fwknopd 2.6.10 (pcap on wks-s, iptables)"
mkdir -p "$tmp/run"
cat >"$tmp/fwknopd.conf" <<CONF
PCAP_INTF                   wks-s;
FWKNOP_RUN_DIR              $tmp/run;
CONF
cat >"$tmp/access.conf" <<CONF
SOURCE                      ANY
REQUIRE_SOURCE_ADDRESS      Y
KEY_BASE64                  $key
HMAC_KEY_BASE64             $hmac
FW_ACCESS_TIMEOUT           60
OPEN_PORTS                  tcp/443
CONF
chmod 600 "$tmp/fwknopd.conf" "$tmp/access.conf"
ip netns exec "$srv" fwknopd -f -c "$tmp/fwknopd.conf" -a "$tmp/access.conf" -p "$tmp/run/fwknopd.pid" -r "$tmp/run" -i wks-s >"$tmp/fwknopd.log" 2>&1 &
fw=$!
pids+=($fw)
for _ in $(seq 100); do S iptables -S FWKNOP_INPUT >/dev/null 2>&1 && break; kill -0 "$fw" 2>/dev/null || { cat "$tmp/fwknopd.log"; exit 1; }; sleep 0.1; done
S iptables -A INPUT -p tcp --dport 443 -j DROP
S iptables -S INPUT | sed 's/^/   /'
sleep 1
C timeout 1 bash -c 'exec 3<>/dev/tcp/192.0.2.1/443' 2>/dev/null && { echo "FAIL: 443 answered before a knock"; exit 1; }
C "$py" "$root/bench/spa/spa_latency.py" fwknopd 192.0.2.1 62201 443 "$tmp/list" | tee "$tmp/result-fwknopd"
kill "$fw"; wait "$fw" 2>/dev/null || true

echo
echo "== SPA knock-to-open latency, $rounds knocks each (ms; a failure: not open within 5 s)"
cat "$tmp/result-webknock" "$tmp/result-fwknopd" | awk '
  { n[$1] = $2; p50[$1] = $3; p99[$1] = $4; max[$1] = $5; fail[$1] = $6
    printf "   %-9s p50 %8.3f  p99 %8.3f  max %8.3f  opened %d, failed %d\n", $1, $3, $4, $5, $2, $6 }
  END { if (p99["webknock"] > 0) printf "   fwknopd / webknock: p50 %.1fx, p99 %.1fx\n", p50["fwknopd"] / p50["webknock"], p99["fwknopd"] / p99["webknock"] }'
