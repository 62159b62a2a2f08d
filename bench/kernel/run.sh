#!/usr/bin/env bash
# Kernel benchmarks of WebKnock's nftables backend, in two network namespaces made here (documentation
# addresses only: server 192.0.2.1 and 2001:db8::1, client 192.0.2.2, 192.0.2.10-209 and 2001:db8::10, one veth
# link between them) and removed on exit. Needs root, nftables/libnftables1, nginx and wrk (scripts/install-deps.sh bench).
#
#   bash bench/kernel/run.sh [latency] [ops] [throughput]     # all three when none is named
#
#   latency     knock-to-open: last knock SYN sent -> first successful connect to 443, 200 knocks, p50/p99
#   ops         window operations through libnftables: single and batched opens/s, and with 100,000 windows
#   throughput  HTTP to nginx on 443 from the client (wrk): no WebKnock table, 1 window, 100,000 windows
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(latency ops throughput)
want() { local w; for w in "${what[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

[ "$(id -u)" -eq 0 ] || { echo "bench/kernel: needs root (network namespaces, nftables)" >&2; exit 1; }
for p in ip nft nginx wrk; do command -v "$p" >/dev/null || { echo "bench/kernel: $p is missing (bash scripts/install-deps.sh bench)" >&2; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== build (Release)"
dotnet build bench/kernel/KernelBench -c Release -nologo -v q >/dev/null
kb=(dotnet "$root/bench/kernel/KernelBench/bin/Release/net10.0/KernelBench.dll")

id=$$
srv="wkb-srv-$id" cli="wkb-cli-$id"
tmp=$(mktemp -d /tmp/wk-kernel-bench.XXXXXX)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

S() { ip netns exec "$srv" "$@"; }
C() { ip netns exec "$cli" "$@"; }

echo "== namespaces $srv (server) and $cli (client)"
ip netns add "$srv"
ip netns add "$cli"
ip link add wkb-s type veth peer name wkb-c
ip link set wkb-s netns "$srv"
ip link set wkb-c netns "$cli"
S ip link set lo up
C ip link set lo up
S ip addr add 192.0.2.1/24 dev wkb-s
S ip -6 addr add 2001:db8::1/64 dev wkb-s nodad
S ip link set wkb-s up
C ip addr add 192.0.2.2/24 dev wkb-c
for i in $(seq 10 209); do C ip addr add "192.0.2.$i/24" dev wkb-c; done
C ip -6 addr add 2001:db8::10/64 dev wkb-c nodad
C ip link set wkb-c up
S sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
C sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
C sysctl -qw net.ipv4.tcp_tw_reuse=1

cat >"$tmp/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 192.0.2.1:443 backlog=4096;
    listen [2001:db8::1]:443 backlog=4096;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
NGINX
ip netns exec "$srv" nginx -p "$tmp" -c "$tmp/nginx.conf" &
nginx_pid=$!
sleep 1

echo "== WebKnock's table, loaded by NftablesFirewall.InitializeAsync"
S "${kb[@]}" init
S nft list chain inet webknock input | sed -n '1,3p'
C timeout 2 bash -c 'exec 3<>/dev/tcp/192.0.2.1/443' 2>/dev/null && { echo "FAIL: 443 answered without a knock"; exit 1; }
echo "   443 does not answer the client before a knock (as it should)"

if want latency; then
  echo
  echo "== (a) knock-to-open latency (200 knocks from 192.0.2.10-209)"
  C "${kb[@]}" latency --server 192.0.2.1 --first-source 192.0.2.10 --rounds 200
fi

if want ops; then
  echo
  echo "== (b) window operations"
  S nft delete table inet webknock
  S "${kb[@]}" ops --single 2000 --batched 50000 --fill 100000
  S nft delete table inet webknock
fi

if want throughput; then
  echo
  echo "== (c) HTTP throughput to nginx on [2001:db8::1]:443 from 2001:db8::10 (wrk -t1 -c32 -d10s; new connections: -H 'Connection: close')"
  run_wrk() { # label, extra wrk args
    C wrk -t1 -c32 -d10s "$@" "http://[2001:db8::1]:443/" | awk '/Requests\/sec/ {print $2}'
  }
  declare -A keep close
  for rep in 1 2 3; do
    S nft delete table inet webknock 2>/dev/null || true
    keep[none,$rep]=$(run_wrk); close[none,$rep]=$(run_wrk -H "Connection: close")
    S "${kb[@]}" init >/dev/null
    S "${kb[@]}" open 2001:db8::10 3600
    keep[one,$rep]=$(run_wrk); close[one,$rep]=$(run_wrk -H "Connection: close")
    S "${kb[@]}" fill 100000 | sed 's/^/   /'
    keep[full,$rep]=$(run_wrk); close[full,$rep]=$(run_wrk -H "Connection: close")
    echo "   round $rep: keep-alive req/s none ${keep[none,$rep]} | 1 window ${keep[one,$rep]} | 100k windows ${keep[full,$rep]};" \
      "new connections/s none ${close[none,$rep]} | 1 window ${close[one,$rep]} | 100k windows ${close[full,$rep]}"
  done
  median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
  for kind in keep close; do
    declare -n m=$kind
    none=$(median "${m[none,1]}" "${m[none,2]}" "${m[none,3]}")
    one=$(median "${m[one,1]}" "${m[one,2]}" "${m[one,3]}")
    full=$(median "${m[full,1]}" "${m[full,2]}" "${m[full,3]}")
    label=$([ "$kind" = keep ] && echo "keep-alive requests/s" || echo "new connections/s   ")
    awk -v l="$label" -v n="$none" -v o="$one" -v f="$full" 'BEGIN {
      printf "   %s (median of 3): no table %.0f, 1 window %.0f, 100k windows %.0f; 100k/1 = %.1f%% (target >= 95%%), 1/no table = %.1f%%\n", l, n, o, f, 100*f/o, 100*o/n }'
    unset -n m
  done
fi
