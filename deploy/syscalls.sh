#!/usr/bin/env bash
# Which system calls the gateway really makes, checked against the SystemCallFilter= of deploy/webknock.service.
# As root on Debian 12 (strace: scripts/install-deps.sh bench; nftables, iproute2, openssl, curl; systemd-analyze for the filter's groups). The
# gateway (published as deploy/install.sh does, into a temporary folder) runs with the nftables backend in a network namespace of its own under strace -f; a second
# namespace is the client (the gateway runs as the user nobody with the unit's two ambient capabilities, as under
# systemd: as root, SQLite would also call fchown on its journal files): a stranger's TLS attempt, a knock, HTTPS requests over HTTP/1.1 and HTTP/2 (the upstream is
# the SquirrelMail fixture). Then the gateway is stopped (SIGTERM) and every system call name in the trace is compared
# with what the unit's filter allows. It prints the calls made, and those the filter would refuse (none, or it fails).
# Nothing outside its two namespaces is touched; they go at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
unit="$root/deploy/webknock.service"
fixture="$root/tests/SquirrelMailFixture/bin/Release/net10.0/SquirrelMailFixture.dll"
[ "$(id -u)" -eq 0 ] || { echo "syscalls: run as root (namespaces, nftables)"; exit 2; }
for tool in strace ip nft openssl curl systemd-analyze dotnet setpriv; do
  command -v "$tool" >/dev/null || { echo "syscalls: $tool is missing"; exit 2; }
done
[ -f "$fixture" ] || { echo "syscalls: build first: dotnet build WebKnock.sln -c Release"; exit 2; }

id=$$
srv="wk-sc-$id-srv"
cli="wk-sc-$id-cli"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"
echo "== publishing the gateway (as deploy/install.sh does)"
dotnet publish "$root/src/WebKnock/WebKnock.csproj" -c Release -o "$work/app" -nologo -v q >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }
gateway="$work/app/webknock.dll"
mkdir -p "$work/data"

ip netns add "$srv"
ip netns add "$cli"
ip link add "wksc$id-s" type veth peer name "wksc$id-c"
ip link set "wksc$id-s" netns "$srv"
ip link set "wksc$id-c" netns "$cli"
ip -n "$srv" addr add 198.51.100.201/24 dev "wksc$id-s"
ip -n "$cli" addr add 198.51.100.202/24 dev "wksc$id-c"
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; done
ip -n "$srv" link set "wksc$id-s" up
ip -n "$cli" link set "wksc$id-c" up

chown nobody "$work/data"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=198.51.100.201 \
  -addext subjectAltName=IP:198.51.100.201 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chown nobody "$work/key.pem" "$work/cert.pem"

ip netns exec "$srv" env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$fixture" --urls http://127.0.0.1:8081 --Logging:LogLevel:Default=Warning >"$work/fixture.log" 2>&1 </dev/null &
pids+=($!)
(cd "$work/data" && exec ip netns exec "$srv" env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
  strace -f -qq -o "$work/trace" setpriv --reuid=nobody --regid=nogroup --clear-groups \
  --inh-caps=-all,+net_admin,+net_bind_service --ambient-caps=-all,+net_admin,+net_bind_service \
  env HOME="$work/data" DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$gateway" \
  --WebKnock:Firewall:Backend=Nftables --WebKnock:Firewall:Table=wk_syscalls \
  --WebKnock:Upstream:Url=http://127.0.0.1:8081/ \
  --WebKnock:LogFile="$work/data/webknock-.json" --WebKnock:Events:Path="$work/data/events.db" \
  --Kestrel:Endpoints:Https:Url=https://198.51.100.201:443 \
  --Kestrel:Endpoints:Https:Certificate:Path="$work/cert.pem" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$work/key.pem" >"$work/gateway.log" 2>&1 </dev/null) &
strace_pid=$!
pids+=($strace_pid)

for _ in $(seq 1 600); do
  if ip netns exec "$srv" nft list table inet wk_syscalls >/dev/null 2>&1 && ip netns exec "$srv" ss -Htln 'sport = :443' | grep -q 198.51.100.201; then
    break
  fi
  kill -0 "$strace_pid" 2>/dev/null || { tail -n 30 "$work/gateway.log"; echo "syscalls: the gateway exited"; exit 1; }
  sleep 0.2
done
echo "== gateway up under strace; exercising it"
C() { ip netns exec "$cli" "$@"; }
C timeout 5 curl -sk -o /dev/null -w '   before the knock: %{http_code}\n' https://198.51.100.201/ || echo "   before the knock: no answer"
C dotnet "$gateway" knock 198.51.100.201 --ports 7000,9000,8000 --check | sed 's/^/   /'
C curl -sk -o /dev/null -w '   HTTP/1.1 login page: %{http_code}\n' --http1.1 https://198.51.100.201/squirrelmail/src/login.php
C curl -sk -o /dev/null -w '   HTTP/2 login page: %{http_code}\n' --http2 https://198.51.100.201/squirrelmail/src/login.php
C curl -sk -o /dev/null -w '   status: %{http_code}\n' https://198.51.100.201/.webknock/status
sleep 2
echo "== stopping the gateway (SIGTERM)"
gateway_pid=$(pgrep -P "$strace_pid" -f webknock.dll | head -1 || true)
[ -n "$gateway_pid" ] && kill -TERM "$gateway_pid"
for _ in $(seq 1 150); do kill -0 "$strace_pid" 2>/dev/null || break; sleep 0.2; done

# The calls made after setpriv started dotnet (strace -f: "PID name(args" lines, also "<... name resumed>").
# (setpriv's own setresuid, capset, ... are systemd's part under the unit, done before the service's program starts).
awk 'started || /execve\("[^"]*\/dotnet"/ { started = 1; print }' "$work/trace" | grep -oE '^[0-9]+ +(<\.\.\. )?[a-z_0-9]+[( ]' | sed -E 's/^[0-9]+ +(<\.\.\. )?//; s/[( ]$//' | sort -u >"$work/used"

# What the unit's filter allows: its allow lines expanded (groups within groups), minus its deny lines.
expand() { # names or @groups -> syscall names
  local item
  for item in "$@"; do
    if [[ "$item" == @* ]]; then
      # shellcheck disable=SC2046
      expand $(systemd-analyze syscall-filter "$item" | sed -n '2,$p' | grep -v '^ *#' | tr -s ' ' '\n' | grep -v '^$')
    else
      echo "$item"
    fi
  done
}
allow=() deny=()
while read -r line; do
  value=${line#SystemCallFilter=}
  if [[ "$value" == ~* ]]; then read -ra items <<<"${value#\~}"; deny+=("${items[@]}"); else read -ra items <<<"$value"; allow+=("${items[@]}"); fi
done < <(grep -E '^SystemCallFilter=' "$unit")
expand "${allow[@]}" | sort -u >"$work/allowed"
if [ "${#deny[@]}" -gt 0 ]; then expand "${deny[@]}" | sort -u >"$work/denied"; else : >"$work/denied"; fi
comm -23 "$work/allowed" "$work/denied" >"$work/permitted"
comm -23 "$work/used" "$work/permitted" >"$work/refused"

echo "== filter: allow ${allow[*]}${deny:+; deny ${deny[*]}} ($(wc -l <"$work/permitted") calls)"
echo "== $(wc -l <"$work/used") distinct system calls made: $(tr '\n' ' ' <"$work/used")"
if [ -s "$work/refused" ]; then
  echo "syscalls: REFUSED by the unit's filter: $(tr '\n' ' ' <"$work/refused")"
  exit 1
fi
echo "syscalls: ok (every call the gateway made is allowed by deploy/webknock.service)"
