#!/usr/bin/env bash
# vmta relaying to a real destination server on this machine. See scripts/README.md.
#
#   dnsmasq (127.0.0.1:DNS_PORT)     dest.test MX 10 mx.dest.test;  mx.dest.test A 127.0.0.1
#   Postfix (127.0.0.1:PF_PORT)      private instance, virtual Maildir for bob@dest.test
#   vmta    (127.0.0.1:<port 0>)     relay.dnsServers = dnsmasq, relay.port = PF_PORT,
#                                    trustedNetworks 127.0.0.0/8, local user alice@vmta.test
#
# Scenario 1: swaks -> vmta, alice@vmta.test -> bob@dest.test; vmta looks up the MX at dnsmasq and
#             hands the message to Postfix, which puts it in bob's Maildir.
# Scenario 2: alice@vmta.test -> unknown@dest.test; Postfix refuses the recipient (550 5.1.1), vmta
#             sends a multipart/report bounce to alice, delivered into her Maildir in vmta.
#
# Every process talks to 127.0.0.1 only; dnsmasq reads no system configuration and forwards nowhere.
#
# Environment:
#   VMTA_JAR=<repo>/mta/target/mta.jar   JAVA=java   TIMEOUT=60 (seconds per wait)
#   POSTFIX_TLS=0   1 gives Postfix a self-signed certificate and offers STARTTLS, so that vmta's
#                   opportunistic STARTTLS is exercised as well
#   KEEP_TMP=0      1 keeps the temporary directory (configs, logs, spools, Maildirs)
#   SCENARIOS="1 2" which scenarios to run
set -euo pipefail

JAVA=${JAVA:-java}
TIMEOUT=${TIMEOUT:-60}
POSTFIX_TLS=${POSTFIX_TLS:-0}
KEEP_TMP=${KEEP_TMP:-0}
SCENARIOS=${SCENARIOS:-"1 2"}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VMTA_JAR=${VMTA_JAR:-$REPO/mta/target/mta.jar}

die() { echo "relay-to-postfix: FAILED: $*" >&2; exit 1; }
# shellcheck source=lib/private-postfix.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/private-postfix.sh"
step() { echo; echo "== $*"; }

# ------------------------------------------------------------------ preconditions
[[ $(id -u) == 0 ]] || die "must run as root (a private Postfix instance needs it)"
for t in dnsmasq postfix postconf postmap python3 ss "$JAVA"; do
  command -v "$t" >/dev/null || die "missing $t (apt-get install postfix dnsmasq-base swaks; a JDK 17+)"
done
[[ -f $VMTA_JAR ]] || die "no $VMTA_JAR; build it: mvn -B -q -DskipTests package"
id postfix >/dev/null 2>&1 || die "no 'postfix' user (apt-get install postfix)"
getent group postdrop >/dev/null || die "no 'postdrop' group (apt-get install postfix)"
[[ -f /etc/postfix/master.cf ]] || die "no /etc/postfix/master.cf (apt-get install postfix)"
if [[ $POSTFIX_TLS == 1 ]]; then command -v openssl >/dev/null || die "POSTFIX_TLS=1 needs openssl"; fi
HAVE_SWAKS=0; command -v swaks >/dev/null && HAVE_SWAKS=1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/relay-to-postfix.XXXXXX")
chmod 755 "$TMP"
DNS_PID=
VMTA_PID=
PF_STARTED=0

# On failure, show the tails of all logs before they are removed.
dump_logs() {
  local f
  for f in "$TMP/dnsmasq.log" "$TMP/vmta/stdout.log" "$TMP/pf/maillog"; do
    [[ -f $f ]] || continue
    echo "--- last 40 lines of $f" >&2
    tail -40 "$f" | sed 's/^/   | /' >&2
  done
}

cleanup() {
  local rc=$?
  set +e
  [[ $rc != 0 ]] && dump_logs
  if [[ -n $VMTA_PID ]] && kill -0 "$VMTA_PID" 2>/dev/null; then
    kill "$VMTA_PID"
    for _ in $(seq 100); do kill -0 "$VMTA_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$VMTA_PID" 2>/dev/null && { echo "vmta ignored SIGTERM for 10 s; SIGKILL" >&2; kill -9 "$VMTA_PID"; }
    wait "$VMTA_PID" 2>/dev/null
  fi
  if [[ $PF_STARTED == 1 ]]; then
    local mpid
    mpid=$(tr -d ' ' < "$TMP/pf/queue/pid/master.pid" 2>/dev/null)
    postfix -c "$TMP/pf/etc" stop >/dev/null 2>&1
    if [[ -n $mpid ]]; then
      for _ in $(seq 100); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$mpid" 2>/dev/null && { postfix -c "$TMP/pf/etc" abort >/dev/null 2>&1; kill "$mpid"; }
    fi
  fi
  if [[ -n $DNS_PID ]] && kill -0 "$DNS_PID" 2>/dev/null; then
    kill "$DNS_PID"
    wait "$DNS_PID" 2>/dev/null
  fi
  if [[ $KEEP_TMP == 1 ]]; then
    echo "(temporary files kept in $TMP)"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (the kernel picks it; it is free again once python exits).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < end)) || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

# A DNS question over UDP, printed as "RCODE ANSWER-COUNT" (no dig on this machine).
dns_query() {
  python3 - "$@" <<'EOF'
import random, socket, struct, sys
port, name, qtype = int(sys.argv[1]), sys.argv[2], {"A": 1, "MX": 15, "AAAA": 28}[sys.argv[3]]
q = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
try:
    s.sendto(q, ("127.0.0.1", port)); r = s.recv(4096)
except OSError:
    sys.exit(1)
print(r[3] & 0xF, struct.unpack(">H", r[6:8])[0])
EOF
}

DNS_PORT=$(free_port)
PF_PORT=$(free_port)
[[ $DNS_PORT != "$PF_PORT" ]] || PF_PORT=$(free_port)

echo "relay-to-postfix: vmta -> (MX from dnsmasq) -> private Postfix, all on 127.0.0.1"
echo "date:     $(date -u +%FT%TZ)"
echo "tmp:      $TMP"
echo "vmta:     $VMTA_JAR (git $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "java:     $("$JAVA" -version 2>&1 | head -1)"
echo "dnsmasq:  $(dnsmasq --version | head -1), 127.0.0.1:$DNS_PORT"
echo "postfix:  $(postconf -d -h mail_version 2>/dev/null), 127.0.0.1:$PF_PORT"

# ------------------------------------------------------------------ 1. dnsmasq
step "dnsmasq: dest.test MX 10 mx.dest.test, mx.dest.test A 127.0.0.1 (no resolv.conf, no hosts, no upstream)"
# --conf-file=/dev/null: not /etc/dnsmasq.conf; --no-resolv, no --server: nothing to forward to;
# --local=/test/: answer for *.test from local data only (NXDOMAIN for unknown names);
# --user=root: keeps write access to the log file in $TMP (it listens on a high port anyway).
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
  --listen-address=127.0.0.1 --bind-interfaces --port="$DNS_PORT" --local=/test/ \
  --mx-host=dest.test,mx.dest.test,10 --host-record=mx.dest.test,127.0.0.1 \
  --log-queries --log-facility="$TMP/dnsmasq.log" --pid-file="$TMP/dnsmasq.pid" --user=root \
  >"$TMP/dnsmasq.out" 2>&1 &
DNS_PID=$!
dns_ready() {
  kill -0 "$DNS_PID" 2>/dev/null || die "dnsmasq exited: $(cat "$TMP/dnsmasq.out")"
  [[ $(dns_query "$DNS_PORT" dest.test MX 2>/dev/null) == "0 1" ]]
}
wait_for 10 "dnsmasq to answer dest.test MX" dns_ready
echo "dest.test MX     -> rcode/answers: $(dns_query "$DNS_PORT" dest.test MX)   (0 = NOERROR)"
echo "mx.dest.test A   -> rcode/answers: $(dns_query "$DNS_PORT" mx.dest.test A)"
echo "example.com A    -> rcode/answers: $(dns_query "$DNS_PORT" example.com A)   (5 = REFUSED: nothing is forwarded)"
# From here on, the query log holds only vmta's questions.
DNS_LOG_MARK=$(wc -l < "$TMP/dnsmasq.log")

# ------------------------------------------------------------------ 2. Postfix (private instance)
step "Postfix: private instance for dest.test on 127.0.0.1:$PF_PORT"
PF=$TMP/pf
pf_prepare "$PF" "$PF_PORT" mx.dest.test dest.test "Postfix (private test instance)"
if [[ $POSTFIX_TLS == 1 ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=mx.dest.test" \
    -keyout "$PF/etc/key.pem" -out "$PF/etc/cert.pem" >/dev/null 2>&1
  cat >> "$PF/etc/main.cf" <<EOF
smtpd_tls_security_level = may
smtpd_tls_cert_file = $PF/etc/cert.pem
smtpd_tls_key_file = $PF/etc/key.pem
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
EOF
fi
# Only bob exists: unknown@dest.test is refused at RCPT with 550 5.1.1.
echo "bob@dest.test dest.test/bob/" > "$PF/etc/vmailbox"
postmap -c "$PF/etc" "hash:$PF/etc/vmailbox"
postfix -c "$PF/etc" check
PF_STARTED=1
postfix -c "$PF/etc" start >/dev/null 2>&1 || die "postfix did not start"
pf_listening() { [[ -n $(ss -ltnH "sport = :$PF_PORT") ]]; }
wait_for 20 "Postfix to listen on 127.0.0.1:$PF_PORT" pf_listening
BOB_NEW=$PF/vmail/dest.test/bob/new
echo "master pid $(tr -d ' ' < "$PF/queue/pid/master.pid"), config $PF/etc, log $PF/maillog"
echo "main.cf (postconf -n):"
postconf -c "$PF/etc" -n | grep -E '^(myhostname|mynetworks|virtual_mailbox_(domains|maps)|smtpd_tls_security_level|smtp_dns_support_level) ' | sed 's/^/  /'

# ------------------------------------------------------------------ 3. vmta
step "vmta: relays for 127.0.0.0/8, MX lookups at 127.0.0.1:$DNS_PORT, destination port $PF_PORT"
VM=$TMP/vmta
mkdir -p "$VM"
HASH=$(echo secret | "$JAVA" -jar "$VMTA_JAR" hash-password)
echo "alice@vmta.test:$HASH" > "$VM/users.txt"
ALICE_NEW=$VM/data/mail/vmta.test/alice/new

start_vmta() {
  cat > "$VM/config.json" <<EOF
{"hostname":"mx.vmta.test","dataDir":"$VM/data",
 "listeners":[{"host":"127.0.0.1","port":$1,"mode":"mx"}],
 "domains":["vmta.test"],"users":"$VM/users.txt","trustedNetworks":["127.0.0.0/8"],
 "management":{"host":"127.0.0.1","port":0},
 "relay":{"dnsServers":["127.0.0.1:$DNS_PORT"],"port":$PF_PORT,"retry":{"initialDelay":"5s"}}}
EOF
  rm -f "$VM/data/listeners.json"
  "$JAVA" -jar "$VMTA_JAR" --config "$VM/config.json" >>"$VM/stdout.log" 2>&1 &
  VMTA_PID=$!
  local end=$((SECONDS + TIMEOUT))
  while ((SECONDS < end)); do
    # "relay started:" comes earlier; the line that counts is "vmta <hostname> started: [...]"
    if [[ -s $VM/data/listeners.json ]] && grep -q 'vmta .* started:' "$VM/stdout.log"; then return 0; fi
    if ! kill -0 "$VMTA_PID" 2>/dev/null; then
      wait "$VMTA_PID" || true
      VMTA_PID=
      return 1
    fi
    sleep 0.2
  done
  die "vmta did not start within ${TIMEOUT}s"
}
if ! start_vmta 0; then
  echo "!! PRODUCT BUG: vmta did not start with listener port 0; its output:"
  sed 's/^/   | /' "$VM/stdout.log"
  FALLBACK=$(free_port)
  echo "!! retrying with a fixed free port, $FALLBACK"
  start_vmta "$FALLBACK" || die "vmta did not start with port $FALLBACK either"
fi
VMTA_PORT=$(grep -o '"port":[0-9]*' "$VM/data/listeners.json" | head -1 | cut -d: -f2)
[[ -n $VMTA_PORT ]] || die "no port in $VM/data/listeners.json: $(cat "$VM/data/listeners.json")"
echo "config:         $(tr -d '\n' < "$VM/config.json")"
echo "listeners.json: $(cat "$VM/data/listeners.json")"
echo "log:"
sed 's/^/  /' "$VM/stdout.log"

# send TO SUBJECT BODY: one message from alice@vmta.test through vmta's mx listener.
send() {
  local to=$1 subject=$2 body=$3
  if [[ $HAVE_SWAKS == 1 ]]; then
    swaks --server "127.0.0.1:$VMTA_PORT" --helo client.vmta.test --from alice@vmta.test --to "$to" \
      --header "Subject: $subject" --body "$body" > "$TMP/swaks.$to.log" 2>&1 \
      || { cat "$TMP/swaks.$to.log"; die "swaks could not hand the message to vmta"; }
    # the dialogue, without the DATA body lines
    grep -E '^ ?(<-|->|<~|~>|<\*\*|\*\*\*|===) *([0-9]{3}|EHLO|HELO|MAIL|RCPT|DATA|QUIT|\.$|Trying|Connected)' \
      "$TMP/swaks.$to.log" | sed 's/^/  /'
  else
    python3 - "$VMTA_PORT" "$to" "$subject" "$body" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
port, to, subject, body = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
m = EmailMessage(); m["From"] = "alice@vmta.test"; m["To"] = to; m["Subject"] = subject
m.set_content(body)
with smtplib.SMTP("127.0.0.1", port, local_hostname="client.vmta.test") as s:
    print("  ", s.send_message(m) or "250 for every recipient")
EOF
  fi
}

# vmta_log PATTERN: the vmta log lines matching PATTERN (extended regex).
vmta_log() { grep -E "$1" "$VM/stdout.log" || true; }

# ------------------------------------------------------------------ scenario 1
if [[ " $SCENARIOS " == *" 1 "* ]]; then
  step "scenario 1: alice@vmta.test -> bob@dest.test through vmta (swaks to 127.0.0.1:$VMTA_PORT)"
  LOG_MARK=$(wc -l < "$VM/stdout.log")
  send bob@dest.test "relayed by vmta" "hello through the relay"
  bob_has_mail() { compgen -G "$BOB_NEW/*" >/dev/null && [[ -n $(vmta_log 'to=<bob@dest.test>.*status=sent') ]]; }
  end=$((SECONDS + TIMEOUT)); warned=0
  until bob_has_mail; do
    if ((SECONDS >= end)); then
      echo "!! vmta's log lines for bob@dest.test:"; vmta_log 'bob@dest.test' | sed 's/^/   | /'
      die "no message in $BOB_NEW (and a status=sent line in vmta's log) after ${TIMEOUT}s"
    fi
    # a deferral or bounce will not turn into success within the timeout: say so early
    if [[ $warned == 0 && -n $(vmta_log 'to=<bob@dest.test>.*status=(deferred|bounced|expired)') ]]; then
      warned=1
      echo "!! vmta did not deliver on the first attempt:"; vmta_log 'to=<bob@dest.test>' | sed 's/^/   | /'
    fi
    sleep 0.2
  done

  sleep 0.3 # let the "removed" line come out
  step "scenario 1: vmta's log for this message (acceptance, relay, removal from the spool)"
  tail -n +"$((LOG_MARK + 1))" "$VM/stdout.log"
  step "scenario 1: vmta's delivery log line"
  vmta_log 'to=<bob@dest.test>'

  step "scenario 1: dnsmasq's query log (vmta's questions)"
  tail -n +"$((DNS_LOG_MARK + 1))" "$TMP/dnsmasq.log" | grep -E 'query\[|config |cached |reply ' || true
  tail -n +"$((DNS_LOG_MARK + 1))" "$TMP/dnsmasq.log" | grep -q 'query\[MX\] dest.test' \
    || die "dnsmasq never saw an MX question for dest.test"
  tail -n +"$((DNS_LOG_MARK + 1))" "$TMP/dnsmasq.log" | grep -q 'query\[A\] mx.dest.test' \
    || die "dnsmasq never saw an A question for mx.dest.test"
  DNS_LOG_MARK=$(wc -l < "$TMP/dnsmasq.log")

  step "scenario 1: Postfix's log for this message"
  grep -E 'postfix/(smtpd|cleanup|qmgr|virtual)' "$PF/maillog" | grep -vE 'warning: (dict_nis|.*\.db: .*older)' \
    | sed -E "s|$PF|<pf>|g" || true

  BOB_FILE=$(ls -1 "$BOB_NEW" | head -1)
  step "scenario 1: the message in bob's Maildir (Postfix): <pf>/vmail/dest.test/bob/new/$BOB_FILE"
  cat "$BOB_NEW/$BOB_FILE"
  grep -q '^Subject: relayed by vmta' "$BOB_NEW/$BOB_FILE" || die "delivered message lacks the subject"
  grep -q 'hello through the relay' "$BOB_NEW/$BOB_FILE" || die "delivered message lacks the body"
  echo
  echo "scenario 1: OK (relayed by vmta, delivered by Postfix)"
fi

# ------------------------------------------------------------------ scenario 2
if [[ " $SCENARIOS " == *" 2 "* ]]; then
  step "scenario 2: alice@vmta.test -> unknown@dest.test (Postfix has no such mailbox)"
  LOG_MARK=$(wc -l < "$VM/stdout.log")
  send unknown@dest.test "to nobody" "this one comes back"
  alice_has_bounce() { compgen -G "$ALICE_NEW/*" >/dev/null && [[ -n $(vmta_log 'to=<alice@vmta.test>.*status=sent') ]]; }
  end=$((SECONDS + TIMEOUT))
  until alice_has_bounce; do
    if ((SECONDS >= end)); then
      echo "!! vmta's log lines for unknown@dest.test:"; vmta_log 'unknown@dest.test' | sed 's/^/   | /'
      die "no bounce in $ALICE_NEW after ${TIMEOUT}s"
    fi
    sleep 0.2
  done
  sleep 0.3 # let the "removed" lines come out

  step "scenario 2: vmta's log (acceptance, the 5xx from Postfix, the bounce, its local delivery)"
  tail -n +"$((LOG_MARK + 1))" "$VM/stdout.log"
  [[ -n $(vmta_log 'to=<unknown@dest.test>.*status=bounced') ]] \
    || die "vmta's log has no status=bounced line for unknown@dest.test"

  step "scenario 2: dnsmasq's query log since scenario 1"
  tail -n +"$((DNS_LOG_MARK + 1))" "$TMP/dnsmasq.log" | grep -E 'query\[|config |cached |reply ' \
    || echo "(none: vmta answered from its route cache)"

  step "scenario 2: Postfix's log (the refusal)"
  grep -E 'NOQUEUE: reject' "$PF/maillog" | sed -E "s|$PF|<pf>|g" || true

  ALICE_FILE=$(ls -1 "$ALICE_NEW" | head -1)
  step "scenario 2: the bounce in alice's Maildir (vmta): <dataDir>/mail/vmta.test/alice/new/$ALICE_FILE"
  cat "$ALICE_NEW/$ALICE_FILE"
  grep -qi '^Content-Type: multipart/report' "$ALICE_NEW/$ALICE_FILE" || die "the bounce is not a multipart/report"
  grep -qi 'unknown@dest.test' "$ALICE_NEW/$ALICE_FILE" || die "the bounce does not name unknown@dest.test"
  ! compgen -G "$PF/vmail/dest.test/unknown/new/*" >/dev/null || die "Postfix delivered mail for unknown@dest.test"
  echo
  echo "scenario 2: OK (refused by Postfix with 5xx, bounced by vmta to alice)"
fi

step "summary"
echo "vmta WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$VM/stdout.log" || true)"
echo "messages in bob's Maildir (Postfix): $(ls -1 "$BOB_NEW" 2>/dev/null | wc -l)"
echo "messages in alice's Maildir (vmta):  $(ls -1 "$ALICE_NEW" 2>/dev/null | wc -l)"
echo "vmta spool files left:               $(find "$VM/data/spool" -type f 2>/dev/null | wc -l)"
echo "Postfix queue (postqueue -p):        $(postqueue -c "$PF/etc" -p 2>&1 | tail -1)"
echo "ALL OK"
