#!/usr/bin/env bash
# The quick start. As root on Debian 12: a real Roundcube (user alice / alice-pw) behind WebKnock with
# the nftables backend, and a client network namespace "wkdemo" (198.51.100.2, 2001:db8:77::2) to knock
# and browse from; the gateway listens on 198.51.100.1:443 and [2001:db8:77::1]:443 and runs in the
# background. It prints what to type. (198.51.100.0/24 is used because CI machines may already use
# 192.0.2.0/24 on their own interface.) "scripts/run.sh down" takes it all away again.
# Without root: the in-memory backend, the development knock listener on 127.0.0.1 and the
# SquirrelMail fixture as the webmail, in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/data/demo"
ns=wkdemo
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
gateway="$root/src/WebKnock/bin/Release/net10.0/webknock.dll"

say() { echo "run: $*"; }

# is_demo_gateway PID: the process is a gateway started by this script (dotnet webknock.dll with the demo
# table on its command line).
is_demo_gateway() {
  local args=()
  mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
  [ "${#args[@]}" -gt 2 ] && [ "${args[0]##*/}" = dotnet ] && [ "${args[1]##*/}" = webknock.dll ] || return 1
  case " ${args[*]} " in *" --WebKnock:Firewall:Table=webknock_demo "*) return 0 ;; esac
  return 1
}

# The demo gateway's PIDs, found by their command line rather than only from $state/gateway.pid, so that a demo
# started from another checkout of the repository goes down too (it holds the same addresses and table).
demo_pids() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    if is_demo_gateway "$pid"; then echo "$pid"; fi
  done
}

down() {
  local pid pids
  pids=$(demo_pids)
  for pid in $pids; do
    kill -TERM "$pid" 2>/dev/null || continue
    # Wait for it to end before the table goes: a gateway still running would load its table again.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if is_demo_gateway "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    say "stopped the gateway (pid $pid)"
  done
  rm -f "$state/gateway.pid"
  ip netns del "$ns" 2>/dev/null && say "removed namespace $ns" || true
  ip link del wkdemo-h 2>/dev/null || true
  if command -v nft >/dev/null 2>&1 && nft list table inet webknock_demo >/dev/null 2>&1; then
    if [ -f "$gateway" ]; then
      dotnet "$gateway" firewall reset --yes --WebKnock:Firewall:Table=webknock_demo >/dev/null 2>&1 || true
    fi
    nft delete table inet webknock_demo 2>/dev/null || true
    say "removed nftables table inet webknock_demo"
  fi
}

build() {
  if [ -z "${WEBKNOCK_NO_BUILD:-}" ]; then
    say "building (Release)"
    dotnet build WebKnock.sln -c Release -nologo -v q >/dev/null
  fi
}

cert() { # $1 folder, $2 subjectAltName
  if [ ! -f "$1/fullchain.pem" ]; then
    mkdir -p "$1"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=webknock-demo" -addext "subjectAltName=$2" \
      -keyout "$1/privkey.pem" -out "$1/fullchain.pem" 2>/dev/null
  fi
}

if [ "${1:-}" = "down" ]; then
  down
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
  say "not root: no nftables, no namespaces, no Roundcube. Starting the in-memory backend instead."
  bash scripts/install-deps.sh run
  build
  tls="$root/data/dev-tls"
  cert "$tls" "DNS:localhost,IP:127.0.0.1"
  mkdir -p "$root/data"
  dotnet tests/SquirrelMailFixture/bin/Release/net10.0/SquirrelMailFixture.dll --urls http://127.0.0.1:8081 >"$root/data/upstream.log" 2>&1 &
  upstream=$!
  trap 'kill $upstream 2>/dev/null || true' EXIT
  cat <<'TXT'

== WebKnock on https://127.0.0.1:8443 (in-memory firewall; demo webmail: alice / alice-pw)
   Knock, then browse (before the knock the same curl gets no answer at all):
     for p in 7000 9000 8000; do timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; done
     curl -k https://127.0.0.1:8443/squirrelmail/src/login.php
   Stop with Ctrl-C.

TXT
  # Not exec: the shell stays to run the EXIT trap, so the fixture goes when the gateway stops.
  status=0
  (
    cd src/WebKnock/bin/Release/net10.0
    env DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development dotnet webknock.dll \
      --WebKnock:Upstream:Url=http://127.0.0.1:8081/ \
      --Kestrel:Endpoints:Https:Certificate:Path="$tls/fullchain.pem" \
      --Kestrel:Endpoints:Https:Certificate:KeyPath="$tls/privkey.pem" \
      --WebKnock:LogFile="$root/data/logs/webknock-.json" \
      --WebKnock:Events:Path="$root/data/events.db"
  ) || status=$?
  exit $status
fi

bash scripts/install-deps.sh test
# Roundcube set up by scripts/install-roundcube.sh and answering is left alone: running that script again
# restarts Apache and Dovecot under whoever is using them.
if grep -qs 'BEGIN WebKnock test settings' /etc/roundcube/config.inc.php \
  && [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' http://127.0.0.1:8080/roundcube/ || true)" = 200 ] \
  && ss -Htln 'sport = :143' 2>/dev/null | grep -q 127.0.0.1; then
  say "Roundcube is set up and answers on http://127.0.0.1:8080/roundcube/ (bash scripts/install-roundcube.sh sets it up again)"
else
  bash scripts/install-roundcube.sh
fi
build
down >/dev/null 2>&1 || true
mkdir -p "$state"

say "client namespace $ns: 198.51.100.2 and 2001:db8:77::2, gateway side 198.51.100.1 and 2001:db8:77::1"
ip netns add "$ns"
ip link add wkdemo-h type veth peer name wkdemo-c
ip link set wkdemo-c netns "$ns"
ip addr add 198.51.100.1/24 dev wkdemo-h
ip -6 addr add 2001:db8:77::1/64 dev wkdemo-h nodad
ip link set wkdemo-h up
ip -n "$ns" addr add 198.51.100.2/24 dev wkdemo-c
ip -n "$ns" -6 addr add 2001:db8:77::2/64 dev wkdemo-c nodad
ip -n "$ns" link set wkdemo-c up
ip -n "$ns" link set lo up

cert "$state/tls" "IP:198.51.100.1,IP:2001:db8:77::1"
# A demo administrator with a random password (kept in the state folder, readable by root only).
if [ ! -s "$state/admin-password" ]; then
  (umask 077 && openssl rand -base64 12 | tr -d '/+=' >"$state/admin-password")
fi
admin_hash=$(dotnet "$gateway" hash-password <"$state/admin-password")
say "starting the gateway (log: $state/gateway.log)"
(
  cd "$(dirname "$gateway")"
  DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production setsid dotnet webknock.dll \
    --WebKnock:Firewall:Backend=Nftables \
    --WebKnock:Firewall:Table=webknock_demo \
    --WebKnock:Upstream:Profile=Roundcube \
    --WebKnock:Upstream:Url=http://127.0.0.1:8080/ \
    --WebKnock:LogFile="$state/webknock-.json" \
    --WebKnock:Events:Path="$state/events.db" \
    --WebKnock:Admin:Users:0:Name=admin \
    --WebKnock:Admin:Users:0:PasswordHash="$admin_hash" \
    --Kestrel:Endpoints:Https:Url=https://198.51.100.1:443 \
    --Kestrel:Endpoints:Https6:Url="https://[2001:db8:77::1]:443" \
    --Kestrel:Endpoints:Https6:Certificate:Path="$state/tls/fullchain.pem" \
    --Kestrel:Endpoints:Https6:Certificate:KeyPath="$state/tls/privkey.pem" \
    --Kestrel:Endpoints:Https:Certificate:Path="$state/tls/fullchain.pem" \
    --Kestrel:Endpoints:Https:Certificate:KeyPath="$state/tls/privkey.pem" \
    >"$state/gateway.log" 2>&1 </dev/null &
  echo $! >"$state/gateway.pid"
)

ready=no
for _ in $(seq 1 300); do
  if nft list table inet webknock_demo >/dev/null 2>&1 && ss -Htln 'sport = :443' | grep -q 198.51.100.1; then
    ready=yes
    break
  fi
  kill -0 "$(cat "$state/gateway.pid")" 2>/dev/null || { tail -n 30 "$state/gateway.log" >&2; say "the gateway did not start"; exit 1; }
  sleep 0.2
done
if [ "$ready" != yes ]; then
  tail -n 30 "$state/gateway.log" >&2
  say "the gateway did not listen on 198.51.100.1:443 within 60 s (log: $state/gateway.log); 'bash scripts/run.sh down' cleans up"
  exit 1
fi

# Paths as a shell reads them back (a clone in a folder with a space in its name).
gateway_q=$(printf '%q' "$gateway")
log_q=$(printf '%q' "$state/gateway.log")

cat <<TXT

== WebKnock guards Roundcube on https://198.51.100.1/roundcube/ (nftables table inet webknock_demo)
   From the client namespace, before knocking nothing answers:
     ip netns exec $ns curl -k -m 3 https://198.51.100.1/roundcube/
   Knock (7000, 9000, 8000), then browse:
     ip netns exec $ns dotnet $gateway_q knock 198.51.100.1
     ip netns exec $ns curl -k https://198.51.100.1/roundcube/
   A browser's request (Accept: text/html) gets the page with WebKnock's banner in it:
     ip netns exec $ns curl -sk -H 'Accept: text/html' https://198.51.100.1/roundcube/ | grep -o 'id="webknock-banner"'
   Or with a browser inside the namespace (user alice, password alice-pw):
     ip netns exec $ns chromium --no-sandbox --user-data-dir=/tmp/wkdemo-browser https://198.51.100.1/roundcube/
   The administrator's page (after the knock, from the namespace): https://198.51.100.1/admin
     user admin, password $(cat "$state/admin-password")
   See the kernel's view and the gateway's log:
     nft list table inet webknock_demo
     tail -f $log_q
   Take it all down again:
     bash scripts/run.sh down

TXT
