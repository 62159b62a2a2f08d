#!/usr/bin/env bash
# Kernel benchmarks of WebKnock's nftables backend, in two network namespaces made here (documentation
# addresses only: server 192.0.2.1 and 2001:db8::1, client 192.0.2.2, 192.0.2.10-209 and 2001:db8::10, one veth
# link between them) and removed on exit. Needs root, nftables/libnftables1, nginx and wrk (scripts/install-deps.sh bench).
#
#   bash bench/kernel/run.sh [latency] [ops] [throughput]     # all three when none is named
#
#   latency     knock-to-open: last knock SYN sent -> first successful connect to 443, 200 knocks, p50/p99,
#               with ClosedPorts=Reset and ClosedPorts=Drop
#   ops         window operations through libnftables: single and batched opens/s, and with 100,000 windows
#               (OPS_EXTRA=--portable forces the add, delete, add refresh even where the kernel replaces timeouts)
#   throughput  HTTP to nginx on 443 from the client (wrk): no WebKnock table, 1 window, 100,000 windows
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. "$root/bench/netns.sh"
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
tmp=$(mktemp -d /tmp/wk-kernel-bench.XXXXXX)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  netns_remove
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM


netns_pair wkb
echo "== namespaces $srv (server) and $cli (client)"
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
  # WebKnock:Firewall:ClosedPorts: Reset (the default: the knock SYNs get a RST) and Drop (no answer); the
  # table is loaded again for each, then the same 200 knocks.
  for mode in Reset Drop; do
    echo
    echo "== (a) knock-to-open latency, ClosedPorts=$mode (200 knocks from 192.0.2.10-209)"
    S nft delete table inet webknock 2>/dev/null || true
    S "${kb[@]}" init --closed-ports "$mode"
    C "${kb[@]}" latency --server 192.0.2.1 --first-source 192.0.2.10 --rounds 200
  done
  S nft delete table inet webknock 2>/dev/null || true
  S "${kb[@]}" init >/dev/null
fi

if want ops; then
  echo
  echo "== (b) window operations"
  S nft delete table inet webknock
  S "${kb[@]}" ops --single 2000 --batched 50000 --fill 100000 ${OPS_EXTRA:-}
  S nft delete table inet webknock
fi

if want throughput; then
  echo
  echo "== (c) HTTP throughput to nginx on [2001:db8::1]:443 from 2001:db8::10"
  echo "   wrk -t1 -c32 -d8s, keep-alive and with -H 'Connection: close' (a new connection per request);"
  echo "   nginx pinned to CPU 0, wrk to CPU 1; 5 rounds, each measuring the three set-ups in turn"
  rounds=${ROUNDS:-5}
  run_wrk() { C taskset -c 1 wrk -t1 -c32 -d8s "$@" "http://[2001:db8::1]:443/" | awk '/Requests\/sec/ {print $2}'; }
  setup() { # none | one | full
    case "$1" in
      none) S nft delete table inet webknock 2>/dev/null || true ;;
      one) S nft delete table inet webknock 2>/dev/null || true; S "${kb[@]}" init >/dev/null; S "${kb[@]}" open 2001:db8::10 3600 ;;
      full) S nft delete table inet webknock 2>/dev/null || true; S "${kb[@]}" init >/dev/null; S "${kb[@]}" open 2001:db8::10 3600
            S "${kb[@]}" fill 100000 >/dev/null ;;
    esac
    C taskset -c 1 wrk -t1 -c32 -d2s "http://[2001:db8::1]:443/" >/dev/null # warm-up
  }
  taskset -pc 0 "$nginx_pid" >/dev/null; for w in $(pgrep -P "$nginx_pid"); do taskset -pc 0 "$w" >/dev/null; done
  : >"$tmp/throughput"
  for rep in $(seq 1 "$rounds"); do
    for set in none one full; do
      setup "$set"
      echo "$rep $set $(run_wrk) $(run_wrk -H 'Connection: close')" >>"$tmp/throughput"
    done
    awk -v r="$rep" '$1 == r { k[$2] = $3; c[$2] = $4 } END {
      printf "   round %d: keep-alive req/s: no table %.0f, 1 window %.0f, 100k windows %.0f | new connections/s: %.0f, %.0f, %.0f\n",
        r, k["none"], k["one"], k["full"], c["none"], c["one"], c["full"] }' "$tmp/throughput"
  done
  awk '
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { k[$2, ++nk[$2]] = $3; c[$2, ++nc[$2]] = $4; if ($2 == "full") { rk[++n] = $3 / kone; rc[n] = $4 / cone } if ($2 == "one") { kone = $3; cone = $4 } }
    END {
      for (i = 1; i <= n; i++) { kn[i] = k["none", i]; ko[i] = k["one", i]; kf[i] = k["full", i]; cn[i] = c["none", i]; co[i] = c["one", i]; cf[i] = c["full", i] }
      printf "   keep-alive requests/s, median of %d: no table %.0f, 1 window %.0f, 100k windows %.0f; 100k/1 window %.1f%% (median of the paired rounds; target >= 95%%)\n",
        n, median(kn, n), median(ko, n), median(kf, n), 100 * median(rk, n)
      printf "   new connections/s,     median of %d: no table %.0f, 1 window %.0f, 100k windows %.0f; 100k/1 window %.1f%% (median of the paired rounds; target >= 95%%)\n",
        n, median(cn, n), median(co, n), median(cf, n), 100 * median(rc, n)
    }' "$tmp/throughput"
fi
