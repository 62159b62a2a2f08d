#!/usr/bin/env bash
# Runs WebKnock on this machine for a first look: a demo webmail upstream (the SquirrelMail fixture,
# users alice/alice-pw and bob/bob-pw) on 127.0.0.1:8080, and the gateway on https://127.0.0.1:8443
# with a self-signed certificate, the in-memory firewall and the development knock listener on
# loopback. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh run
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== building (Release)"
dotnet build WebKnock.sln -c Release -nologo -v q >/dev/null

tls="$root/data/dev-tls"
if [ ! -f "$tls/fullchain.pem" ]; then
  echo "== making a self-signed certificate in $tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$tls/privkey.pem" -out "$tls/fullchain.pem" 2>/dev/null
fi

upstream_log="$root/data/upstream.log"
echo "== starting the demo webmail on http://127.0.0.1:8080 (log: $upstream_log)"
dotnet tests/SquirrelMailFixture/bin/Release/net10.0/SquirrelMailFixture.dll --urls http://127.0.0.1:8080 >"$upstream_log" 2>&1 &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT

cat <<'TXT'

== WebKnock is starting on https://127.0.0.1:8443 (Development: in-memory firewall)
   Knock (from another terminal), then browse:
     for p in 7000 9000 8000; do timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; done
     curl -k https://127.0.0.1:8443/squirrelmail/src/login.php
   Before the knock the same curl gets no answer (the connection is closed).
   Sign in as alice / alice-pw in a browser at https://127.0.0.1:8443/squirrelmail/ to see the banner.
   Stop with Ctrl-C.

TXT
cd src/WebKnock/bin/Release/net10.0
DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
  dotnet webknock.dll \
  --Kestrel:Endpoints:Https:Certificate:Path="$tls/fullchain.pem" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$tls/privkey.pem" \
  --WebKnock:LogFile="$root/data/logs/webknock-.json"
