#!/usr/bin/env bash
# Real mail servers on loopback for the test suite: Dovecot (IMAP/POP3/LMTP) and
# Postfix (submission), with a private CA. See README.md next to this file.
#
#   testbed.sh up | down | restart | reset | status
#   testbed.sh deliver USER@example.test FILE|- [MAILBOX]
#   testbed.sh maildir USER[@example.test]
#   testbed.sh fill USER COUNT [MAILBOX] [--seed N] [--replace] [--warm]
#   testbed.sh logs
#
# Everything lives in ${MUA_TESTBED_DIR:-/tmp/mua-testbed}; nothing listens beyond
# loopback and no mail ever leaves the machine.
set -euo pipefail
shopt -s nullglob
# dovecot, postfix and friends live in sbin, which a test runner's PATH may lack.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

# ---------------------------------------------------------------- settings --
STATE=$(realpath -m -- "${MUA_TESTBED_DIR:-/tmp/mua-testbed}")
DOMAIN=example.test
# Dovecot listens on 127.0.0.2 on purpose: it treats a connection as secure when
# the client IP equals the server IP, and clients connect from 127.0.0.1, so on
# 127.0.0.1 it would accept plaintext LOGIN before STARTTLS despite ssl=required.
# Overridable so a second testbed (another state dir) can run at the same time on
# other loopback addresses with the same ports, e.g. 127.0.0.4 and 127.0.0.3.
IMAP_HOST=${MUA_TESTBED_IMAP_HOST:-127.0.0.2}
SMTP_HOST=${MUA_TESTBED_SMTP_HOST:-127.0.0.1}
IMAP_PORT=143 IMAPS_PORT=993 POP3_PORT=110 POP3S_PORT=995
SUBMISSION_PORT=587 SUBMISSIONS_PORT=465
# XOAUTH2 and OAUTHBEARER tokens are checked by asking an OAuth 2.0 introspection endpoint
# (RFC 7662) here: a test's fake OAuth server listens on it while it needs it; otherwise a
# token login fails, as with a provider that is down. On IMAP_HOST, so instances never clash.
OAUTH_INTROSPECTION_PORT=8089
VMAIL_USER=mua-vmail
USERS=(
  "alice@$DOMAIN:alice-Secret-1"
  "bob@$DOMAIN:bob-Secret-2"
  "carol@$DOMAIN:carol-Secret-3"
  "dave@$DOMAIN:dave-Secret-4"
  "erin@$DOMAIN:erin-Secret-5"
  "frank@$DOMAIN:frank-Secret-6"
  "grace@$DOMAIN:grace-Secret-7"
  "heidi@$DOMAIN:heidi-Secret-8"
)
# Users whose SMTP login name is another than their IMAP/POP3 one (a relay with accounts of
# its own): submission accepts only that name for them, IMAP and POP3 only the address.
declare -A SMTP_LOGINS=(
  ["frank@$DOMAIN"]=frank-smtp
)
# Settings of one user's own, as userdb extra fields (Dovecot applies them over dovecot.conf
# for that user's sessions only). heidi's IMAP server announces no IDLE after login: the
# capabilities Dovecot 2.3 gives everyone else, IDLE taken out, so a client must poll her
# Inbox. A passwd-file splits its extra fields at spaces, so the list (which has spaces)
# reaches the auth process through its environment (import_environment) and %{env:...}.
IMAP_CAPABILITY_WITHOUT_IDLE="IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES \
THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS \
LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY \
MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE"
declare -A USERDB_FIELDS=(
  ["heidi@$DOMAIN"]="userdb_imap_capability=%{env:MUA_TESTBED_IMAP_CAPABILITY_WITHOUT_IDLE}"
)
PACKAGES=(dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix openssl)

TLS=$STATE/tls
CA_PEM=$STATE/ca.pem
DV=$STATE/dovecot
DV_CONF=$DV/dovecot.conf
DV_RUN=$DV/run              # Dovecot base_dir: pid file and sockets
PF=$STATE/postfix/etc       # Postfix config_directory
PF_SPOOL=$STATE/postfix/spool
PF_DATA=$STATE/postfix/data
LOGDIR=$STATE/log
MAILROOT=$STATE/mail
JSON=$STATE/testbed.json

PORTS=("$IMAP_HOST:$IMAP_PORT" "$IMAP_HOST:$IMAPS_PORT" "$IMAP_HOST:$POP3_PORT"
       "$IMAP_HOST:$POP3S_PORT" "$SMTP_HOST:$SUBMISSION_PORT" "$SMTP_HOST:$SUBMISSIONS_PORT")

# ----------------------------------------------------------------- helpers --
say() { printf 'testbed: %s\n' "$*"; }
die() { printf 'testbed: error: %s\n' "$*" >&2; exit 1; }

# Alive means running and not a zombie: stopped daemons whose parent (PID 1 here)
# does not reap them linger as zombies, and `kill -0` would still succeed.
pid_alive() {
  local st
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $st && $st != Z* ]]
}

dovecot_pid() { local p; p=$(cat "$DV_RUN/master.pid" 2>/dev/null) || return 1; pid_alive "$p" && echo "$p"; }
postfix_pid() { local p; p=$(sed -n '1{s/ //g;p}' "$PF_SPOOL/pid/master.pid" 2>/dev/null) || return 1; pid_alive "$p" && echo "$p"; }

# bash's /dev/tcp needs no nc/ss; a refused connect on loopback returns at once.
port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

all_ports_open() { local p; for p in "${PORTS[@]}"; do port_open "$p" || return 1; done; }

healthy() { dovecot_pid >/dev/null && postfix_pid >/dev/null && all_ports_open; }

# Start a daemon detached from us: new session, stdio away from our pipes and every
# inherited fd > 2 closed (our flock fd, a test runner's IPC pipes, ...). Without
# this, `testbed.sh up | cat` or a test runner waits forever for the pipe to close.
spawn() {
  local out=$1; shift
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" </dev/null >>"$out" 2>&1
  )
}

# Write a file only when its content changes, so `up` can tell whether a running
# testbed still matches this script (else it restarts it). Returns 0 if changed.
CHANGED=0
put() {
  local path=$1 mode=${2:-0644} tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [[ -f $path ]] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; return 0; fi
  mv -f "$tmp" "$path"
  CHANGED=1
}

tail_logs() {
  local f
  for f in "$LOGDIR"/dovecot-start.out "$LOGDIR"/dovecot.log "$LOGDIR"/postfix-start.out "$LOGDIR"/postfix.log; do
    [[ -s $f ]] || continue
    printf -- '--- tail %s\n' "$f" >&2
    tail -n 15 "$f" >&2
  done
}

# ---------------------------------------------------------------- install --
ensure_packages() {
  local missing=() need=0
  command -v dovecot >/dev/null && command -v doveadm >/dev/null || need=1
  [[ -x /usr/lib/dovecot/imap && -x /usr/lib/dovecot/pop3 && -x /usr/lib/dovecot/lmtp ]] || need=1
  command -v postfix >/dev/null && [[ -x /usr/lib/postfix/sbin/master ]] || need=1
  command -v openssl >/dev/null || need=1
  ((need)) || return 0
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || missing=("${PACKAGES[@]}")
  say "installing ${missing[*]}"
  # Keep apt from starting the system-wide dovecot/postfix: on a systemd machine
  # they would grab *:143/993/110/995 and our 127.0.0.2 listeners could not bind.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300 install --no-install-recommends --no-upgrade "${missing[@]}")
  local rc=0
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" >"/tmp/mua-testbed-apt.log" 2>&1 || rc=$?
  if ((rc)); then
    # Only refresh the package lists when the plain install failed (unknown packages).
    DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update >>"/tmp/mua-testbed-apt.log" 2>&1 || true
    rc=0
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"/tmp/mua-testbed-apt.log" 2>&1 || rc=$?
  fi
  if ((own_policy)); then rm -f "$policy"; trap - EXIT; fi
  ((rc == 0)) || { tail -n 20 /tmp/mua-testbed-apt.log >&2; die "apt-get install failed (log: /tmp/mua-testbed-apt.log)"; }
}

ensure_vmail_user() {
  if ! id -u "$VMAIL_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$VMAIL_USER" || die "cannot create user $VMAIL_USER"
  fi
  VMAIL_UID=$(id -u "$VMAIL_USER")
  VMAIL_GID=$(id -g "$VMAIL_USER")
}

# ------------------------------------------------------------------- certs --
ensure_certs() {
  mkdir -p "$TLS"
  chmod 0700 "$TLS"
  local sans="DNS:localhost,DNS:mail.$DOMAIN,IP:127.0.0.1,IP:127.0.0.2" ip
  for ip in "$SMTP_HOST" "$IMAP_HOST"; do
    [[ $sans == *"IP:$ip"* ]] || sans+=",IP:$ip"
  done
  # The CA lives for 10 years; it is only regenerated if missing or about to expire.
  if [[ ! -s $TLS/ca.key || ! -s $CA_PEM ]] || ! openssl x509 -checkend 86400 -noout -in "$CA_PEM" >/dev/null 2>&1; then
    say "generating test CA"
    cat >"$TLS/ca.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
O = MUA Testbed
CN = MUA Testbed CA $(date +%Y%m%d%H%M%S)
[v3_ca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
EOF
    openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 -config "$TLS/ca.cnf" \
      -extensions v3_ca -keyout "$TLS/ca.key" -out "$CA_PEM" 2>/dev/null
    rm -f "$TLS/server.pem"
  fi
  chmod 0600 "$TLS/ca.key"
  chmod 0644 "$CA_PEM"
  if [[ ! -s $TLS/server.key || ! -s $TLS/server.pem ]] ||
     ! openssl x509 -checkend 604800 -noout -in "$TLS/server.pem" >/dev/null 2>&1 ||
     ! openssl verify -CAfile "$CA_PEM" "$TLS/server.pem" >/dev/null 2>&1 ||
     [[ $(cat "$TLS/server.sans" 2>/dev/null) != "$sans" ]]; then
    say "generating server certificate"
    # AKI/SKI and a critical CA keyUsage keep strict verifiers (e.g. Python 3.13's
    # VERIFY_X509_STRICT) happy, not only Node's.
    cat >"$TLS/server.ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $sans
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
    openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=MUA Testbed/CN=localhost" \
      -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 825 -in "$TLS/server.csr" -CA "$CA_PEM" -CAkey "$TLS/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -extfile "$TLS/server.ext" -out "$TLS/server.pem" 2>/dev/null
    printf '%s' "$sans" >"$TLS/server.sans"
    rm -f "$TLS/server.csr"
    CHANGED=1
  fi
  chmod 0600 "$TLS/server.key"
}

# ----------------------------------------------------------------- configs --
write_dovecot_conf() {
  mkdir -p "$DV" "$DV_RUN" "$DV/state" "$LOGDIR"
  mkdir -p "$MAILROOT/$DOMAIN"
  chown "$VMAIL_UID:$VMAIL_GID" "$MAILROOT" "$MAILROOT/$DOMAIN"
  chmod 0755 "$MAILROOT" "$MAILROOT/$DOMAIN"

  local u
  # {PLAIN} so that CRAM-MD5 works (it needs the cleartext or a CRAM-MD5 hash).
  put "$DV/users" 0640 < <(for u in "${USERS[@]}"; do
    [[ -v SMTP_LOGINS[${u%%:*}] ]] || printf '%s:{PLAIN}%s::::::%s\n' "${u%%:*}" "${u#*:}" "${USERDB_FIELDS[${u%%:*}]:-}"
  done)
  # A user with an SMTP login of its own is looked up per service (%s/%u): imap/ and pop3/
  # under the address, smtp/ (Postfix's SASL) under the other name, so each name works only
  # where it belongs. Their mailboxes come from a userdb file that holds no password at all.
  put "$DV/service-users" 0640 < <(for u in "${USERS[@]}"; do
    [[ -v SMTP_LOGINS[${u%%:*}] ]] || continue
    printf 'imap/%s:{PLAIN}%s::::::\n' "${u%%:*}" "${u#*:}"
    printf 'pop3/%s:{PLAIN}%s::::::\n' "${u%%:*}" "${u#*:}"
    printf 'smtp/%s:{PLAIN}%s::::::\n' "${SMTP_LOGINS[${u%%:*}]}" "${u#*:}"
  done)
  put "$DV/service-userdb" 0640 < <(for u in "${USERS[@]}"; do
    [[ -v SMTP_LOGINS[${u%%:*}] ]] && printf '%s::::::::\n' "${u%%:*}"
  done; true)
  chgrp dovecot "$DV/users" "$DV/service-users" "$DV/service-userdb"
  put "$DV/oauth2.conf.ext" <<EOF
introspection_mode = post
introspection_url = http://$IMAP_HOST:$OAUTH_INTROSPECTION_PORT/introspect
force_introspection = yes
username_attribute = email
active_attribute = active
active_value = true
timeout_msecs = 5000
EOF

  put "$DV_CONF" <<EOF
# Generated by testbed.sh -- edits are overwritten.
instance_name = mua-testbed
base_dir = $DV_RUN
state_dir = $DV/state
log_path = $LOGDIR/dovecot.log
protocols = imap pop3 lmtp
listen = $IMAP_HOST
# Greeting and LMTP names without asking the resolver (it is off the machine).
hostname = localhost
default_login_user = dovenull
default_internal_user = dovecot
# Dovecot's defaults, and the list heidi's sessions announce (see USERDB_FIELDS), whose
# value is given when the master starts: $IMAP_CAPABILITY_WITHOUT_IDLE
import_environment = TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS NOTIFY_SOCKET MUA_TESTBED_IMAP_CAPABILITY_WITHOUT_IDLE

ssl = required
disable_plaintext_auth = yes
ssl_cert = <$TLS/server.pem
ssl_key = <$TLS/server.key
ssl_min_protocol = TLSv1.2

auth_mechanisms = plain login cram-md5 xoauth2 oauthbearer
auth_verbose = yes
# Tests exercise wrong passwords; the default 2 s delay only slows them down.
auth_failure_delay = 0

passdb {
  driver = passwd-file
  args = username_format=%u $DV/users
}
passdb {
  driver = passwd-file
  args = username_format=%s/%u $DV/service-users
}
# Tokens only (never a password): asked of the introspection endpoint, whose answer must be
# active and name this very user.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $DV/oauth2.conf.ext
}
userdb {
  driver = passwd-file
  args = username_format=%u $DV/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DV/service-userdb
}

mail_uid = $VMAIL_UID
mail_gid = $VMAIL_GID
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
first_valid_gid = $VMAIL_GID
mail_home = $MAILROOT/%d/%n
mail_location = maildir:~/Maildir
# Test data is disposable; fsync only costs time.
mail_fsync = never
# Maildir++ uses '.' as its on-disk hierarchy separator; listescape stores it as
# "\\2e" so that folder names like "Projects.2024" work as on real servers.
mail_plugins = \$mail_plugins listescape
recipient_delimiter = +

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

protocol imap {
  # Parallel tests open many sessions per user from one IP (default 10).
  mail_max_userip_connections = 100
}
protocol pop3 {
  mail_max_userip_connections = 100
}
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}

service imap-login {
  inet_listener imap {
    address = $IMAP_HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = $IMAP_HOST
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = $IMAP_HOST
    port = $POP3_PORT
  }
  inet_listener pop3s {
    address = $IMAP_HOST
    port = $POP3S_PORT
    ssl = yes
  }
}
# Postfix (running as user postfix) delivers here and authenticates through auth-postfix.
service lmtp {
  unix_listener lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
# No anvil-auth-penalty socket means no auth penalty: after a few failed logins from
# an IP, Dovecot otherwise delays every later login from it (even correct ones) by up
# to 15 s, and all tests connect from 127.0.0.1. Moving the socket (ENOENT) disables it
# silently; "mode = 0" would instead stall the first login 5 s on connect retries.
service anvil {
  unix_listener anvil-auth-penalty {
    path = anvil-auth-penalty-disabled
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
  unix_listener auth-userdb {
    mode = 0600
    user = root
  }
}
EOF
}

write_postfix_conf() {
  mkdir -p "$PF" "$PF_SPOOL" "$PF_DATA"
  # Postfix insists on this ownership for a queue it did not create itself.
  chown root:root "$PF_SPOOL"
  chown postfix:postfix "$PF_DATA"

  local u
  put "$PF/vmailbox" < <(for u in "${USERS[@]}"; do printf '%s ok\n' "${u%%:*}"; done)

  put "$PF/main.cf" <<EOF
# Generated by testbed.sh -- edits are overwritten.
compatibility_level = 3.6
queue_directory = $PF_SPOOL
data_directory = $PF_DATA
# Postfix refuses a maillog_file outside /var unless its prefix is allowed, and
# says so only on a terminal (it just exits 1).
maillog_file = $LOGDIR/postfix.log
maillog_file_prefixes = $LOGDIR
biff = no

myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = $DOMAIN
mydestination =
mynetworks = 127.0.0.1/32
# Postfix accepts only addresses configured on an interface here (lo has just
# 127.0.0.1); the listeners in master.cf name their address explicitly instead.
inet_interfaces = loopback-only
inet_protocols = ipv4

# The resolver is off the machine: never ask it.
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native

# Only $DOMAIN is accepted, and delivered to Dovecot over LMTP. Every other
# transport is an error, so the smtp client never connects anywhere.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$PF/vmailbox
virtual_transport = lmtp:unix:$DV_RUN/lmtp
relay_domains =
relayhost =
default_transport = error:outbound mail is disabled in the mua testbed
relay_transport = error:outbound mail is disabled in the mua testbed
local_transport = error:local delivery is disabled in the mua testbed
alias_maps =
alias_database =
local_recipient_maps =
recipient_delimiter = +

# Only authenticated users may submit, and only to $DOMAIN (reject_unauth_destination
# applies to authenticated clients too, so "Relay access denied" for anything else).
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = reject_unauth_destination, permit
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV_RUN/auth-postfix
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_tls_chain_files = $TLS/server.key, $TLS/server.pem
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_banner = \$myhostname ESMTP mua-testbed
message_size_limit = 31457280

# Retry quickly if Dovecot was briefly down.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
EOF

  # chroot is "n" everywhere: the spool has no chroot skeleton (etc/, lib/).
  put "$PF/master.cf" <<EOF
# Generated by testbed.sh -- edits are overwritten.
# service type private unpriv chroot wakeup maxproc command
$SMTP_HOST:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
$SMTP_HOST:$SUBMISSIONS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submissions
  -o smtpd_tls_wrappermode=yes
pickup     unix n - n 60    1 pickup
cleanup    unix n - n -     0 cleanup
qmgr       unix n - n 300   1 qmgr
tlsmgr     unix - - n 1000? 1 tlsmgr
rewrite    unix - - n -     - trivial-rewrite
bounce     unix - - n -     0 bounce
defer      unix - - n -     0 bounce
trace      unix - - n -     0 bounce
verify     unix - - n -     1 verify
flush      unix n - n 1000? 0 flush
proxymap   unix - - n -     - proxymap
proxywrite unix - - n -     1 proxymap
smtp       unix - - n -     - smtp
relay      unix - - n -     - smtp
showq      unix n - n -     - showq
error      unix - - n -     - error
retry      unix - - n -     - error
discard    unix - - n -     - discard
lmtp       unix - - n -     - lmtp
anvil      unix - - n -     1 anvil
scache     unix - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}

write_json() {
  local users="" u sep=""
  for u in "${USERS[@]}"; do
    users+="$sep{\"email\":\"${u%%:*}\",\"password\":\"${u#*:}\""
    [[ -v SMTP_LOGINS[${u%%:*}] ]] && users+=",\"smtpUsername\":\"${SMTP_LOGINS[${u%%:*}]}\""
    users+="}"
    sep=","
  done
  put "$JSON" <<EOF
{
  "domain": "$DOMAIN",
  "caFile": "$CA_PEM",
  "imap": {"host": "$IMAP_HOST", "starttlsPort": $IMAP_PORT, "tlsPort": $IMAPS_PORT},
  "pop3": {"host": "$IMAP_HOST", "starttlsPort": $POP3_PORT, "tlsPort": $POP3S_PORT},
  "smtp": {"host": "$SMTP_HOST", "submissionPort": $SUBMISSION_PORT, "tlsPort": $SUBMISSIONS_PORT},
  "oauth": {"introspectionHost": "$IMAP_HOST", "introspectionPort": $OAUTH_INTROSPECTION_PORT},
  "users": [$users],
  "stateDir": "$STATE"
}
EOF
}

# ------------------------------------------------------------ start / stop --
start_dovecot() {
  : >"$LOGDIR/dovecot-start.out"
  # A socket left by an older config would be found (ECONNREFUSED) and re-enable
  # the 5 s connect retries; see the anvil service in dovecot.conf.
  rm -f "$DV_RUN/anvil-auth-penalty"
  # Dovecot checks its pid file with kill(pid, 0), which succeeds on the zombie of a
  # killed master, and then refuses to start ("already running").
  dovecot_pid >/dev/null || rm -f "$DV_RUN/master.pid"
  spawn "$LOGDIR/dovecot-start.out" env MUA_TESTBED_IMAP_CAPABILITY_WITHOUT_IDLE="$IMAP_CAPABILITY_WITHOUT_IDLE" dovecot -c "$DV_CONF" ||
    { tail_logs; die "dovecot failed to start"; }
}

start_postfix() {
  : >"$LOGDIR/postfix-start.out"
  if ! spawn "$LOGDIR/postfix-start.out" postfix -c "$PF" start; then
    tail_logs
    # Postfix prints its fatal configuration errors only to a terminal; give it one.
    script -qec "postfix -c '$PF' check" /dev/null </dev/null >&2 || true
    die "postfix failed to start"
  fi
}

# TERM the master, poll quickly (postfix's own `stop` sleeps a whole second per
# check), escalate to KILL after 5 s.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || return 0; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do pid_alive "$pid" || return 0; sleep 0.05; done
  return 1
}

# Children of a master that died hard (SIGKILL, OOM) keep the inherited listening
# sockets for seconds. Both masters call setsid(), so their children share the
# master's pid as session id; end those, but only if they run a dovecot/postfix binary
# (a stale pid file could name a session that is now someone else's).
reap_session() {
  local sid=$1 prefix=$2 pid exe pids=()
  [[ $sid =~ ^[0-9]+$ ]] || return 0
  while read -r pid; do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    [[ $exe == "$prefix"* || $exe == /usr/sbin/dovecot ]] && pids+=("$pid")
  done < <(ps -e -o pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ { print $1 }')
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  sleep 0.2
  for pid in "${pids[@]}"; do pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
  return 0
}

stop_all() {
  local dpid ppid
  dpid=$(cat "$DV_RUN/master.pid" 2>/dev/null) || dpid=""
  ppid=$(sed -n '1{s/ //g;p}' "$PF_SPOOL/pid/master.pid" 2>/dev/null) || ppid=""
  if pid_alive "$ppid"; then stop_pid "$ppid" || say "warning: postfix master $ppid did not stop"; fi
  if pid_alive "$dpid"; then stop_pid "$dpid" || say "warning: dovecot master $dpid did not stop"; fi
  reap_session "$ppid" /usr/lib/postfix/
  reap_session "$dpid" /usr/lib/dovecot/
  wait_ports_closed 5 || say "warning: some testbed port is still listening"
}

wait_ports_closed() {
  local deadline=$((SECONDS + $1)) p busy
  while :; do
    busy=""
    for p in "${PORTS[@]}"; do port_open "$p" && busy+=" $p"; done
    [[ -z $busy ]] && return 0
    ((SECONDS < deadline)) || { say "still listening:$busy"; return 1; }
    sleep 0.05
  done
}

wait_up() {
  local deadline=$((SECONDS + 20)) p missing
  while :; do
    missing=""
    for p in "${PORTS[@]}"; do port_open "$p" || missing+=" $p"; done
    [[ -S $DV_RUN/lmtp && -S $DV_RUN/auth-postfix ]] || missing+=" dovecot-sockets"
    dovecot_pid >/dev/null || missing+=" dovecot-master"
    postfix_pid >/dev/null || missing+=" postfix-master"
    [[ -z $missing ]] && return 0
    if ((SECONDS >= deadline)); then
      tail_logs
      die "timed out after 20 s waiting for:$missing"
    fi
    sleep 0.05
  done
}

# Refuse to start on top of someone else's listener (e.g. a system-wide dovecot on
# *:143): we would bind-fail and the tests would talk to the wrong server.
check_ports_free() {
  local p busy=""
  for p in "${PORTS[@]}"; do port_open "$p" && busy+=" $p"; done
  [[ -z $busy ]] || die "ports already in use by another process:$busy (a system dovecot/postfix? stop it first)"
}

lock() {
  mkdir -p "$STATE"
  chmod 0755 "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 60 9 || die "another testbed.sh is running on $STATE"
}

preflight() {
  ((EUID == 0)) || die "must run as root (binds ports < 1024, runs dovecot/postfix)"
  [[ $IMAP_HOST =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ && $SMTP_HOST =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "MUA_TESTBED_IMAP_HOST/SMTP_HOST must be loopback (127.x.y.z) addresses"
  # Clients connect from 127.0.0.1; Dovecot would treat 127.0.0.1 -> 127.0.0.1 as secure.
  [[ $IMAP_HOST != 127.0.0.1 ]] || die "MUA_TESTBED_IMAP_HOST must not be 127.0.0.1 (plaintext-auth trap)"
  # AF_UNIX paths are limited to 107 bytes.
  ((${#DV_RUN} + 20 < 108)) || die "MUA_TESTBED_DIR is too long for unix socket paths: $STATE"
  # The mail, dovecot and postfix users must be able to reach the state dir.
  local d=$STATE
  while [[ $d != / ]]; do
    d=$(dirname "$d")
    [[ ! -d $d ]] || [[ $(stat -c %a "$d") =~ [1357]$ ]] ||
      die "$d is not world-searchable; daemons running as $VMAIL_USER/postfix cannot reach $STATE"
  done
}

# ---------------------------------------------------------------- commands --
cmd_up() {
  local t0=$EPOCHREALTIME
  ((EUID == 0)) || die "must run as root"
  ensure_packages
  ensure_vmail_user
  preflight
  lock
  mkdir -p "$LOGDIR"
  CHANGED=0
  ensure_certs
  write_dovecot_conf
  write_postfix_conf
  write_json
  if ((CHANGED == 0)) && healthy; then
    say "already up ($STATE/testbed.json)"
    return 0
  fi
  if dovecot_pid >/dev/null || postfix_pid >/dev/null; then
    say "restarting (config changed or partly up)"
    stop_all
  fi
  check_ports_free
  start_dovecot
  start_postfix
  wait_up
  local t1=$EPOCHREALTIME
  say "up in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s -- $JSON"
}

cmd_down() {
  ((EUID == 0)) || die "must run as root"
  [[ -d $STATE ]] || { say "down"; return 0; }
  lock
  stop_all
  say "down"
}

cmd_status() {
  local d p ports=""
  d=$(dovecot_pid) || d="-"
  p=$(postfix_pid) || p="-"
  local x
  for x in "${PORTS[@]}"; do port_open "$x" && ports+=" $x"; done
  if healthy; then
    say "up (dovecot pid $d, postfix pid $p) $JSON"
    return 0
  fi
  if [[ $d != - || $p != - || -n $ports ]]; then
    say "partly up (dovecot pid $d, postfix pid $p, listening:${ports:- none}) -- run: $0 up"
  else
    say "down"
  fi
  return 1
}

cmd_reset() {
  ((EUID == 0)) || die "must run as root"
  [[ -d $STATE ]] || { say "nothing to reset"; return 0; }
  lock
  local up=0
  dovecot_pid >/dev/null && up=1
  # Drop open sessions so no process keeps stale indexes of deleted mailboxes;
  # Dovecot recreates Maildir and the special-use folders on the next access.
  if ((up)); then doveadm -c "$DV_CONF" kick "*@$DOMAIN" >/dev/null 2>&1 || true; fi
  # Keep Maildir/dovecot-uidvalidity*: it holds the last UIDVALIDITY handed out, so
  # recreated mailboxes get a new, higher one. Without it Dovecot derives it from the
  # clock and a reset within the same second reuses the old UIDVALIDITY, which would
  # let a client's cached UIDs wrongly survive the reset.
  local home entry
  for home in "$MAILROOT/$DOMAIN"/*/; do
    for entry in "$home".* "$home"*; do
      case ${entry##*/} in . | .. | Maildir) continue ;; esac
      rm -rf -- "$entry"
    done
    for entry in "$home"Maildir/.* "$home"Maildir/*; do
      case ${entry##*/} in . | .. | dovecot-uidvalidity*) continue ;; esac
      rm -rf -- "$entry"
    done
  done
  # postsuper works on the queue files directly, whether Postfix runs or not.
  if [[ -d $PF_SPOOL/deferred ]]; then postsuper -c "$PF" -d ALL >/dev/null 2>&1 || true; fi
  say "reset: mailboxes and mail queue emptied"
}

cmd_deliver() {
  local user=${1:-} file=${2:-} mbox=${3:-INBOX}
  [[ -n $user && -n $file ]] || die "usage: $0 deliver USER@$DOMAIN FILE|- [MAILBOX]"
  [[ $user == *@* ]] || user="$user@$DOMAIN"
  dovecot_pid >/dev/null || die "testbed is not up"
  # doveadm save stores the message as the user (mail_uid) without SMTP/LMTP in between.
  if [[ $file == - ]]; then
    doveadm -c "$DV_CONF" save -u "$user" -m "$mbox"
  else
    [[ -r $file ]] || die "cannot read $file"
    doveadm -c "$DV_CONF" save -u "$user" -m "$mbox" <"$file"
  fi
}

cmd_maildir() {
  local user=${1:-}
  [[ -n $user ]] || die "usage: $0 maildir USER[@$DOMAIN]"
  [[ $user == *@* ]] || user="$user@$DOMAIN"
  printf '%s/%s/%s/Maildir\n' "$MAILROOT" "${user#*@}" "${user%@*}"
}

# Fills a mailbox fast for benchmarks: fill-mailbox.mjs writes realistic messages straight
# into the Maildir folder (as the mail user, Dovecot's own file names with S= and W=, mtime =
# Date), then Dovecot indexes them with force-resync. Messages are added to what is there;
# --replace empties the mailbox first (a new UIDVALIDITY except for INBOX), --warm then has
# Dovecot parse every message once so ENVELOPE/BODYSTRUCTURE come from its cache.
cmd_fill() {
  local usage="usage: $0 fill USER[@$DOMAIN] COUNT [MAILBOX] [--seed N] [--replace] [--warm]"
  local user="" count="" mbox="" seed=1 replace=0 warm=0 a
  while (($#)); do
    a=$1; shift
    case $a in
      --seed) (($#)) || die "$usage"; seed=$1; shift ;;
      --seed=*) seed=${a#--seed=} ;;
      --replace) replace=1 ;;
      --warm) warm=1 ;;
      -*) die "$usage" ;;
      *)
        if [[ -z $user ]]; then user=$a
        elif [[ -z $count ]]; then count=$a
        elif [[ -z $mbox ]]; then mbox=$a
        else die "$usage"; fi ;;
    esac
  done
  [[ -n $user && -n $count ]] || die "$usage"
  [[ $count =~ ^[1-9][0-9]{0,6}$ ]] && ((count <= 2000000)) || die "COUNT must be a whole number from 1 to 2000000"
  [[ $seed =~ ^[0-9]{1,9}$ ]] || die "--seed takes a whole number (up to 9 digits)"
  mbox=${mbox:-INBOX}
  [[ $user == *@* ]] || user="$user@$DOMAIN"
  local u known=0
  for u in "${USERS[@]}"; do [[ ${u%%:*} == "$user" ]] && known=1; done
  ((known)) || die "no such test bed user: $user"
  ((EUID == 0)) || die "must run as root"
  dovecot_pid >/dev/null || die "testbed is not up"
  ensure_vmail_user
  local node=${MUA_NODE:-node}
  command -v "$node" >/dev/null || die "node not found (set MUA_NODE to its path)"
  lock
  local t0=$EPOCHREALTIME dv=(doveadm -c "$DV_CONF")

  if ((replace)); then
    if [[ ${mbox^^} == INBOX ]]; then
      "${dv[@]}" expunge -u "$user" mailbox INBOX all
    elif "${dv[@]}" mailbox status -u "$user" messages "$mbox" >/dev/null 2>&1; then
      "${dv[@]}" mailbox delete -u "$user" "$mbox"
    fi
  fi
  if [[ ${mbox^^} == INBOX ]]; then
    mbox=INBOX
    # Opening it creates the Maildir (and the special-use folders) if a reset removed them.
    "${dv[@]}" mailbox status -u "$user" messages INBOX >/dev/null
  elif ! "${dv[@]}" mailbox status -u "$user" messages "$mbox" >/dev/null 2>&1; then
    # (`mailbox list NAME` is no test: it prints NAME whether the mailbox exists or not.)
    "${dv[@]}" mailbox create -s -u "$user" "$mbox"
  fi
  local tw=$EPOCHREALTIME dir
  dir=$("${dv[@]}" mailbox path -u "$user" "$mbox") || die "no path for $mbox"
  [[ -d $dir ]] || die "mailbox directory $dir is missing"

  # About 24 KiB a message on average (2.3 GiB for 100,000); keep 1 GiB spare besides.
  local avail need
  avail=$(df -P -k "$dir" | awk 'NR == 2 { print $4 }')
  need=$((count * 24 + 1024 * 1024))
  ((avail > need)) || die "not enough space on $(df -P "$dir" | awk 'NR == 2 { print $6 }'): $((avail / 1024)) MiB free, about $((need / 1024)) MiB needed"

  "$node" "$(dirname -- "${BASH_SOURCE[0]}")/fill-mailbox.mjs" --dir "$dir" --count "$count" --seed "$seed" \
    --user "$user" --uid "$VMAIL_UID" --gid "$VMAIL_GID" || die "fill-mailbox.mjs failed"
  local t1=$EPOCHREALTIME
  "${dv[@]}" force-resync -u "$user" "$mbox"
  local t2=$EPOCHREALTIME
  local status
  status=$("${dv[@]}" -f flow mailbox status -u "$user" 'messages unseen uidvalidity uidnext vsize' "$mbox")
  local t3=$EPOCHREALTIME
  if ((warm)); then
    "${dv[@]}" fetch -u "$user" 'imap.envelope imap.bodystructure' mailbox "$mbox" all >/dev/null
  fi
  local t4=$EPOCHREALTIME
  say "fill $user $mbox: $status"
  say "$(awk -v a="$t0" -v r="$tw" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v w="$warm" 'BEGIN {
    printf "took %.1f s: prepare %.1f s, write %.1f s, force-resync %.1f s, status %.1f s", e - a, r - a, b - r, c - b, d - c
    if (w) printf ", warm %.1f s", e - d }')"
}

cmd_logs() { tail_logs 2>&1; }

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  restart) cmd_down; cmd_up ;;
  reset) cmd_reset ;;
  status) cmd_status ;;
  deliver) shift; cmd_deliver "$@" ;;
  maildir) shift; cmd_maildir "$@" ;;
  fill) shift; cmd_fill "$@" ;;
  logs) cmd_logs ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
