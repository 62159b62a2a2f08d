#!/usr/bin/env bash
# Installs the country ranges that WebKnock reads by default: the geoip and geoip6 text files of
# Debian's tor-geoipdb package (IPFire Location Database, CC BY-SA 4.0), copied to
# /usr/share/webknock/geoip/ (override with WEBKNOCK_GEOIP_DIR).
#
# The package depends on the tor daemon, so it is downloaded and unpacked, never installed: no tor
# service is added to the machine. Run as root. Safe to run again: the files are replaced only when
# they differ, atomically.
set -euo pipefail

target="${WEBKNOCK_GEOIP_DIR:-/usr/share/webknock/geoip}"

if [[ $(id -u) -ne 0 ]]; then
  echo "install-geoip.sh: run as root (it writes ${target})" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
# apt-get download runs as the _apt user where it can; it needs a folder that user may write.
chmod 0755 "$work"
if ! apt-get download tor-geoipdb >/dev/null 2>"$work/download.err"; then
  echo "install-geoip.sh: 'apt-get download tor-geoipdb' failed; run 'apt-get update' first?" >&2
  cat "$work/download.err" >&2
  exit 1
fi

deb=$(ls "$work"/tor-geoipdb_*.deb)
dpkg-deb -x "$deb" "$work/root"

install -d -m 0755 "$target"
changed=0
for name in geoip geoip6; do
  source="$work/root/usr/share/tor/$name"
  if [[ ! -s "$source" ]]; then
    echo "install-geoip.sh: $(basename "$deb") has no usr/share/tor/$name" >&2
    exit 1
  fi
  if ! cmp -s "$source" "$target/$name"; then
    install -m 0644 "$source" "$target/.$name.new"
    mv -f "$target/.$name.new" "$target/$name"
    changed=1
  fi
done

version=$(dpkg-deb -f "$deb" Version)
if [[ $changed -eq 1 ]]; then
  echo "install-geoip.sh: installed tor-geoipdb $version ranges in $target"
else
  echo "install-geoip.sh: $target already has tor-geoipdb $version ranges"
fi
echo "Data: IPFire Location Database (https://location.ipfire.org), CC BY-SA 4.0."
