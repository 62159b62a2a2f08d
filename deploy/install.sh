#!/usr/bin/env bash
# Installs WebKnock as a systemd service: publishes it to /opt/webknock, creates the webknock user,
# puts the configuration in /etc/webknock (kept if present), and enables the unit.
# Run as root from the repository: deploy/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }

bash scripts/install-deps.sh run
dotnet publish src/WebKnock/WebKnock.csproj -c Release -o /opt/webknock -nologo -v q
cp README.md /opt/webknock/

id webknock >/dev/null 2>&1 || useradd --system --home-dir /var/lib/webknock --shell /usr/sbin/nologin webknock
install -d -m 0750 -o root -g webknock /etc/webknock /etc/webknock/tls
install -d -m 0750 -o webknock -g webknock /var/lib/webknock /var/log/webknock

if [ ! -f /etc/webknock/appsettings.json ]; then
  install -m 0640 -o root -g webknock appsettings/appsettings.Production.json /etc/webknock/appsettings.json
  echo "install.sh: wrote /etc/webknock/appsettings.json: set the knock ports, the upstream and AlwaysAllowed"
fi

cat <<'TXT'
install.sh: TLS: copy your certificate and key (as certbot writes them) to
  /etc/webknock/tls/fullchain.pem and /etc/webknock/tls/privkey.pem (group webknock, mode 0640),
  or point Kestrel:Endpoints:Https:Certificate:Path/KeyPath at /etc/letsencrypt/live/NAME/.
TXT

install -m 0644 deploy/webknock.service /etc/systemd/system/webknock.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable webknock.service
  echo "install.sh: enabled; start with: systemctl start webknock; logs: journalctl -u webknock"
else
  echo "install.sh: systemd is not running here; unit installed but not enabled"
fi
