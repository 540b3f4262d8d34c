#!/usr/bin/env bash
# The Debian packages the project needs beyond Node: libsecret to build keytar, D-Bus and
# gnome-keyring for a Secret Service in tests, Chromium for the browser tests, and the real mail
# servers of the test bed. Run as root (or through sudo). Safe to run again.
set -euo pipefail

PACKAGES=(
  libsecret-1-dev dbus gnome-keyring
  chromium
  dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix
  openssl ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how it is used; the test bed brings its own configuration, so "No configuration".
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# The test bed runs its own Dovecot and Postfix: keep apt from starting the system's copies,
# which would take the mail ports on every interface.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "system packages: done"
