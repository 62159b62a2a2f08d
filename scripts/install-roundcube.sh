#!/usr/bin/env bash
# Installs a real Roundcube 1.6 (Debian 12) for WebKnock's tests, following reference/webmail.md:
# Apache with PHP on 127.0.0.1:8080 only (/roundcube/), Dovecot IMAP on 127.0.0.1:143 only, test users
# alice/alice-pw and bob/bob-pw, and alice's INBOX seeded with known messages and attachments, whose
# bytes are also written to /var/lib/webknock-test/ for SHA-256 comparison. Idempotent; run as root.
# Environment: ROUNDCUBE_PORT (8080), ROUNDCUBE_SESSION_LIFETIME (minutes, 10).
set -euo pipefail

port=${ROUNDCUBE_PORT:-8080}
lifetime=${ROUNDCUBE_SESSION_LIFETIME:-10}
vhosts=/var/mail/vhosts
expected=/var/lib/webknock-test
passwd=/etc/dovecot/webknock-test.passwd
marker="WebKnock test settings"

say() { echo "install-roundcube: $*"; }
fail() { echo "install-roundcube: FAILED: $*" >&2; exit 1; }
trap 'fail "line $LINENO: \"$BASH_COMMAND\" exited $?"' ERR

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs Debian packages and configures Apache and Dovecot)"
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this needs Debian 12 (bookworm)"
case "$port" in ''|*[!0-9]*) fail "ROUNDCUBE_PORT must be a port number, not '$port'" ;; esac
case "$lifetime" in ''|*[!0-9]*) fail "ROUNDCUBE_SESSION_LIFETIME must be whole minutes, not '$lifetime'" ;; esac

# 1. Packages. debconf answers first, so roundcube-core sets up SQLite and its Apache conf unasked.
packages=(roundcube roundcube-core roundcube-sqlite3 dovecot-imapd apache2 libapache2-mod-php)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed (no package repository reachable?)"
  debconf-set-selections <<'EOF'
roundcube-core roundcube/dbconfig-install boolean true
roundcube-core roundcube/database-type select sqlite3
roundcube-core roundcube/reconfigure-webserver multiselect apache2
roundcube-core roundcube/restart-webserver boolean false
roundcube-core roundcube/hosts string localhost:143
EOF
  # Services must not start on their default ports (80, 143 on every address) before they are configured.
  # A policy-rc.d already there (as in container images) is left as it is.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  set +e
  apt-get install -y -q --no-install-recommends roundcube roundcube-sqlite3 dovecot-imapd apache2 libapache2-mod-php </dev/null >/tmp/install-roundcube-apt.log 2>&1
  rc=$?
  set -e
  [ $rc -eq 0 ] || { tail -n 20 /tmp/install-roundcube-apt.log >&2; fail "apt-get install exited $rc (log: /tmp/install-roundcube-apt.log)"; }
  say "packages installed"
else
  say "packages already installed"
fi

# 2. Dovecot: loopback only, test users from a passwd-file, one virtual mail user, Maildir.
getent group vmail >/dev/null || groupadd --system vmail
getent passwd vmail >/dev/null || useradd --system --gid vmail --home-dir "$vhosts" --no-create-home --shell /usr/sbin/nologin vmail
vmail_uid=$(id -u vmail)
vmail_gid=$(id -g vmail)
install -d -o vmail -g vmail -m 0750 "$vhosts"
cat >"$passwd" <<'EOF'
alice:{PLAIN}alice-pw
bob:{PLAIN}bob-pw
EOF
chown root:dovecot "$passwd"
chmod 0640 "$passwd"
# The system (PAM) passdb would be asked first for every login; the test users are virtual only.
sed -i 's/^!include auth-system.conf.ext/#!include auth-system.conf.ext/' /etc/dovecot/conf.d/10-auth.conf
cat >/etc/dovecot/conf.d/99-webknock-test.conf <<EOF
# $marker (scripts/install-roundcube.sh): loopback only, virtual test users.
listen = 127.0.0.1
protocols = imap
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $vmail_uid
first_valid_gid = $vmail_gid
mail_location = maildir:$vhosts/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $passwd
}
userdb {
  driver = static
  args = uid=$vmail_uid gid=$vmail_gid home=$vhosts/%u
}
EOF
doveconf -n >/dev/null 2>/tmp/install-roundcube-doveconf.log || { cat /tmp/install-roundcube-doveconf.log >&2; fail "Dovecot rejects its configuration"; }
say "Dovecot: 127.0.0.1:143, users alice and bob, mail in $vhosts/<user>/Maildir"

# 3. Alice's mailbox: known messages, written as Maildir files (the names order them, so UIDs are 1, 2, 3
# in a fresh mailbox). Rebuilt whenever it is not exactly these messages (a test may have moved or
# deleted one), so a run always starts from the same mailbox.
install -d -m 0755 "$expected"
cat >"$expected/report.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Quarterly report</title></head>
<body><h1>Quarterly report</h1><p>Attachments must reach the user byte-identical.</p></body></html>
EOF
# 4 KiB of every byte value, deterministically: a gateway that edits binary bodies changes its hash.
perl -e 'binmode STDOUT; print map { chr(($_ * 131 + 7) % 256) } 0 .. 4095' >"$expected/data.bin"
sha256sum "$expected/report.html" "$expected/data.bin" >"$expected/SHA256SUMS"

boundary="=_webknock_boundary_1"
message1() {
  cat <<'EOF'
Return-Path: <carol@example.org>
From: Carol <carol@example.org>
To: Alice <alice@localhost>
Subject: Welcome
Date: Mon, 23 Nov 2026 08:00:00 +0000
Message-ID: <welcome.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Hello Alice,

this is a plain message for WebKnock's tests.
EOF
}
message2() {
  cat <<EOF
Return-Path: <carol@example.org>
From: Carol <carol@example.org>
To: Alice <alice@localhost>
Subject: Report with attachments
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <report.2@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="$boundary"

--$boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Two attachments: an HTML report and binary data.

--$boundary
Content-Type: text/html; charset=utf-8; name="report.html"
Content-Disposition: attachment; filename="report.html"
Content-Transfer-Encoding: base64

$(base64 -w 76 "$expected/report.html")

--$boundary
Content-Type: application/octet-stream; name="data.bin"
Content-Disposition: attachment; filename="data.bin"
Content-Transfer-Encoding: base64

$(base64 -w 76 "$expected/data.bin")

--$boundary--
EOF
}
message3() {
  cat <<'EOF'
Return-Path: <dave@example.org>
From: Dave <dave@example.org>
To: Alice <alice@localhost>
Subject: HTML message
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <html.3@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit

<html><body><p>An <b>HTML</b> message body.</p></body></html>
EOF
}

maildir="$vhosts/alice/Maildir"
names=(1795424400.M1P1.webknock 1795428000.M2P1.webknock 1795431600.M3P1.webknock)
work=$(mktemp -d)
message1 >"$work/${names[0]}"
message2 >"$work/${names[1]}"
message3 >"$work/${names[2]}"
same=yes
for name in "${names[@]}"; do
  found=$(ls "$maildir/cur/$name":2,* "$maildir/new/$name" 2>/dev/null | head -n 1 || true)
  if [ -z "$found" ] || ! cmp -s "$found" "$work/$name"; then same=no; fi
done
count=$({ find "$maildir/cur" "$maildir/new" -type f 2>/dev/null || true; } | wc -l)
if [ "$same" = yes ] && [ "$count" -eq ${#names[@]} ]; then
  say "alice's INBOX already holds the ${#names[@]} test messages"
else
  rm -rf "$maildir"
  install -d -o vmail -g vmail -m 0700 "$maildir" "$maildir/cur" "$maildir/new" "$maildir/tmp"
  for name in "${names[@]}"; do
    install -o vmail -g vmail -m 0600 "$work/$name" "$maildir/cur/$name:2,"
  done
  say "alice's INBOX seeded with ${#names[@]} messages (attachments in $expected)"
fi
rm -rf "$work"
install -d -o vmail -g vmail -m 0700 "$vhosts/bob" "$vhosts/bob/Maildir" "$vhosts/bob/Maildir/cur" "$vhosts/bob/Maildir/new" "$vhosts/bob/Maildir/tmp"

# 4. Roundcube: IMAP on localhost, a session lifetime for tests, and the gateway as a trusted proxy (so
# Roundcube logs the real client from X-Forwarded-For and sees HTTPS from X-Forwarded-Proto, which
# makes its cookies Secure). Our block is replaced on every run.
config=/etc/roundcube/config.inc.php
[ -f "$config" ] || fail "$config is missing: is roundcube-core installed?"
sed -i "/^\/\/ BEGIN $marker/,/^\/\/ END $marker/d" "$config"
cat >>"$config" <<EOF
// BEGIN $marker
\$config['imap_host'] = 'localhost:143';
\$config['smtp_host'] = '';
\$config['session_lifetime'] = $lifetime;
\$config['proxy_whitelist'] = ['127.0.0.1', '::1'];
\$config['login_rate_limit'] = 0;
// END $marker
EOF
php -l "$config" >/dev/null || fail "$config is not valid PHP after the edit"
say "Roundcube: session_lifetime $lifetime min, proxy_whitelist 127.0.0.1 and ::1"

# 5. Apache: 127.0.0.1:$port only, with the /roundcube alias.
cat >/etc/apache2/ports.conf <<EOF
# $marker (scripts/install-roundcube.sh): loopback only.
Listen 127.0.0.1:$port
EOF
sed -i -E "s/^<VirtualHost [^>]*>/<VirtualHost 127.0.0.1:$port>/" /etc/apache2/sites-available/000-default.conf
echo "ServerName 127.0.0.1" >/etc/apache2/conf-available/webknock-servername.conf
sed -i -E 's|^#\s*(Alias /roundcube /var/lib/roundcube/public_html)|    \1|' /etc/roundcube/apache.conf
grep -qE '^\s*Alias /roundcube ' /etc/roundcube/apache.conf || fail "no 'Alias /roundcube' line in /etc/roundcube/apache.conf"
[ -e /etc/apache2/conf-available/roundcube.conf ] || ln -s ../../roundcube/apache.conf /etc/apache2/conf-available/roundcube.conf
a2enconf -q roundcube webknock-servername >/dev/null
a2ensite -q 000-default >/dev/null
php_module=$(basename "$(ls /etc/apache2/mods-available/php*.load | head -n 1)" .load)
a2enmod -q "$php_module" >/dev/null
apache2ctl configtest 2>/tmp/install-roundcube-apache.log || { cat /tmp/install-roundcube-apache.log >&2; fail "Apache rejects its configuration"; }
say "Apache: 127.0.0.1:$port, /roundcube/ -> /var/lib/roundcube/public_html"

# 6. Start (or restart, to load the configuration). No systemd as PID 1 here: service(8).
service dovecot restart >/dev/null 2>&1 || service dovecot start >/dev/null || fail "Dovecot did not start (see /var/log/syslog or 'doveconf -n')"
service apache2 restart >/dev/null 2>&1 || service apache2 start >/dev/null || fail "Apache did not start (see /var/log/apache2/error.log)"

# 7. Check: the login page answers, and nothing listens beyond loopback.
for _ in $(seq 1 50); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/roundcube/" || true)
  [ "$code" = 200 ] && break
  sleep 0.2
done
[ "$code" = 200 ] || fail "http://127.0.0.1:$port/roundcube/ answered '$code', not 200"
if command -v ss >/dev/null 2>&1; then
  exposed=$(ss -Hltnp | grep -E 'apache2|dovecot' | awk '{print $4}' | grep -vE '^(127\.0\.0\.1|\[::1\]):' || true)
  [ -z "$exposed" ] || fail "Apache or Dovecot listens beyond loopback: $exposed"
fi
say "ready: http://127.0.0.1:$port/roundcube/ (alice/alice-pw, bob/bob-pw)"
