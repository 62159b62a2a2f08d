#!/usr/bin/env bash
# TOTP knock-to-open latency against the real gateway (nftables backend, NFLOG, the gateway's matcher, libnftables),
# with the plain knock (opened inside the kernel) as the baseline, same gateway, same namespaces, same run.
# Two namespaces made here (documentation addresses only: server 192.0.2.1; client 192.0.2.10-214 for TOTP and
# 198.51.100.10-214 for the plain knock, with the default ROUNDS and WARMUP) and removed on exit. Needs root, nftables/libnftables1, openssl.
#
#   bash bench/totp/run.sh            # ROUNDS=200 and WARMUP=5 by default
#
# Each TOTP round uses its own knock user (ROUNDS + WARMUP configured users: a (user, step) sequence opens once) and its own
# source address; the client sends the 3 SYNs 1 ms apart and measures from the last SYN to the first successful
# connect to 443 (KernelBench latency, see bench/kernel/README.md: a fresh SYN every 50 us until one connects).
# That probing is a port scan by nature (dozens of SYNs to a closed 443 per knock), so the gateway's scan threshold
# is raised here: otherwise each knock's address is scan-blocked by its own probes and the open waits for the
# credential's lift of that block, which a browser that asks once after its knock never meets.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. "$root/bench/netns.sh"
rounds=${ROUNDS:-200}
warmup=${WARMUP:-5} # knocks first, not counted: the first knocks after the start pay for the JIT (printed alone)
n=$((rounds + warmup))
[ "$n" -le 245 ] || { echo "bench/totp: ROUNDS + WARMUP must be at most 245 (one address each)" >&2; exit 1; }
last=$((9 + n))
[ "$(id -u)" -eq 0 ] || { echo "bench/totp: needs root (network namespaces, nftables)" >&2; exit 1; }
for p in ip nft openssl python3; do command -v "$p" >/dev/null || { echo "bench/totp: $p is missing" >&2; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== build (Release)"
dotnet build src/WebKnock -c Release -nologo -v q >/dev/null
dotnet build bench/kernel/KernelBench -c Release -nologo -v q >/dev/null
kb=(dotnet "$root/bench/kernel/KernelBench/bin/Release/net10.0/KernelBench.dll")
gateway="$root/src/WebKnock/bin/Release/net10.0/webknock.dll"

id=$$
tmp=$(mktemp -d /tmp/wk-totp-bench.XXXXXX)
gw_pid=
cleanup() {
  [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  netns_remove
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

netns_pair wkt
echo "== namespaces $srv (server) and $cli (client)"
S ip addr add 192.0.2.1/24 dev wkt-s
S ip addr add 198.51.100.1/24 dev wkt-s
S ip link set wkt-s up
for i in $(seq 10 "$last"); do C ip addr add "192.0.2.$i/24" dev wkt-c; C ip addr add "198.51.100.$i/24" dev wkt-c; done
C ip link set wkt-c up

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" -days 1 -subj "/CN=bench" 2>/dev/null

# 200 knock users with random secrets: the gateway gets them as switches, the client as a file.
python3 - "$tmp" "$n" <<'PY'
import base64, os, sys
folder, n = sys.argv[1], int(sys.argv[2])
secrets = [base64.b32encode(os.urandom(20)).decode() for _ in range(n)]
open(f"{folder}/secrets.txt", "w").write("\n".join(secrets) + "\n")
open(f"{folder}/users.args", "w").write("\n".join(
    f"--WebKnock:Knock:Users:{i}:Name=bench{i}\n--WebKnock:Knock:Users:{i}:TotpSecret={s}" for i, s in enumerate(secrets)) + "\n")
PY
mapfile -t users <"$tmp/users.args"

echo "== the gateway (nftables backend, TOTP on, $n users)"
S env -u ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT=Production dotnet "$gateway" \
  --WebKnock:Firewall:Backend=Nftables --WebKnock:Firewall:Table=wk_totp_bench --WebKnock:Firewall:NflogGroup=7390 --WebKnock:Firewall:Nftables:ScanThreshold=1000000 \
  --WebKnock:Webmail:Knock:Totp:Enabled=true --WebKnock:Upstream:Url=http://127.0.0.1:9/ \
  "--WebKnock:LogFile=" "--WebKnock:Events:Path=$tmp/events.db" --Serilog:MinimumLevel:Default=Warning \
  --Kestrel:Endpoints:Https:Url=https://192.0.2.1:443 \
  "--Kestrel:Endpoints:Https:Certificate:Path=$tmp/fullchain.pem" "--Kestrel:Endpoints:Https:Certificate:KeyPath=$tmp/privkey.pem" \
  "${users[@]}" >"$tmp/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 120); do
  S ss -ltn | grep -q '192.0.2.1:443' && break
  sleep 0.5
done
S ss -ltn | grep -q '192.0.2.1:443' || { echo "the gateway did not start"; cat "$tmp/gateway.log"; exit 1; }
sleep 2

echo
echo "== baseline: plain knock (7000, 9000, 8000; opened in the kernel), $rounds knocks (after $warmup) from 198.51.100.10-$last"
C "${kb[@]}" latency --server 192.0.2.1 --first-source 198.51.100.10 --rounds "$rounds" --warmup "$warmup"
echo
echo "== TOTP knock (each round its own user's current sequence; opened by the gateway), $rounds knocks (after $warmup) from 192.0.2.10-$last"
C "${kb[@]}" latency --server 192.0.2.1 --first-source 192.0.2.10 --rounds "$rounds" --warmup "$warmup" --totp-secrets "$tmp/secrets.txt" || true
echo
echo "gateway log (warnings and errors):"
grep -E "WRN|ERR|FTL" "$tmp/gateway.log" | grep -v "XML encryptor\|administrator's pages" | head -20 || true
