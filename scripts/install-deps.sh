#!/usr/bin/env bash
# Installs what WebKnock and its tests need from Debian's packages. Idempotent; quiet when all is there.
# Usage: scripts/install-deps.sh [run|test|bench]
set -euo pipefail
what=${1:-test}

packages=(nftables libnftables1 iproute2 openssl curl ca-certificates)
case "$what" in
  test)  packages+=(nmap chromium conntrack procps fwknop-client hping3 python3-scapy openssh-server tcpdump) ;;
  bench) packages+=(wrk nginx-light chromium procps sqlite3 fwknop-client fwknop-server strace iptables python3) ;;
  run)   ;;
  *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK (dotnet) is required and is not on PATH." >&2
  echo "install-deps: Debian 12 does not package it; install dotnet-sdk-10.0 first." >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: not root, so not installing them; tests that need them will skip and say why." >&2
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >/dev/null
