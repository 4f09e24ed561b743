#!/usr/bin/env bash
# Accepted messages per second from an untrusted client with every check of incoming mail on
# (SPF, DKIM, DMARC; DNS answered by dnsmasq on loopback) against the same load with the checks
# off, interleaved in one run. The message is DKIM-signed by dkimpy (RSA 2048) for sender.test,
# whose SPF and DMARC (p=reject) records pass, so every check does its whole work. See bench/README.md.
#
# Tunables (environment):
#   SESSIONS=20 MESSAGES=4000 SIZE=4096 RUNS=3   load per run, runs per configuration
#   VMTA_JAR=   default <repo>/mta/target/mta.jar
#   JAVA=java   JAVA_OPTS= extra JVM flags for vmta
#   BENCH_DIR=${TMPDIR:-/tmp}   KEEP_TMP=0
set -euo pipefail

SESSIONS=${SESSIONS:-20}
MESSAGES=${MESSAGES:-4000}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
KEEP_TMP=${KEEP_TMP:-0}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VMTA_JAR=${VMTA_JAR:-$REPO/mta/target/mta.jar}
PY=/usr/bin/python3

die() { echo "mail-auth-throughput: $*" >&2; exit 1; }
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

echo "== reproduce:"
echo "cd <repo> && SESSIONS=$SESSIONS MESSAGES=$MESSAGES SIZE=$SIZE RUNS=$RUNS bench/mail-auth-throughput.sh"
echo
for t in dnsmasq openssl ss awk "$JAVA" "$PY"; do
  command -v "$t" >/dev/null || die "missing $t (apt-get install dnsmasq-base openssl python3-dkim; a JDK 17+)"
done
"$PY" -c 'import dkim' 2>/dev/null || die "dkimpy missing (apt-get install python3-dkim)"
[[ -f $VMTA_JAR ]] || die "no $VMTA_JAR; build it: mvn -B -q -DskipTests package"

TMP=$(mktemp -d "$BENCH_DIR/mail-auth-bench.XXXXXX")
VMTA_PID=
DNS_PID=
cleanup() {
  local rc=$?
  set +e
  [[ -n $VMTA_PID ]] && kill "$VMTA_PID" 2>/dev/null && wait "$VMTA_PID" 2>/dev/null
  [[ -n $DNS_PID ]] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
  if [[ $KEEP_TMP == 1 || $rc != 0 ]]; then echo "(temporary files kept in $TMP)"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ -z $(ss -lntuH "sport = :$p") ]] && { echo "$p"; return; }
  done
  die "no free port found"
}

# ------------------------------------------------------------ the signed message and its DNS
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/dkim.pem" 2>/dev/null
PUB=$(openssl pkey -in "$TMP/dkim.pem" -pubout -outform DER | base64 -w0)
"$PY" - "$TMP/dkim.pem" "$SIZE" > "$TMP/message.eml" <<'PYEOF'
import sys, dkim
key = open(sys.argv[1], 'rb').read()
size = int(sys.argv[2])
headers = (b"From: Sender <user@sender.test>\r\nTo: <bob@bench.test>\r\nSubject: mail-auth bench\r\n"
           b"Date: Sat, 05 Dec 2026 10:00:00 +0000\r\nMessage-ID: <bench@sender.test>\r\n\r\n")
line = b"x" * 76 + b"\r\n"
body = line * max(1, (size - len(headers)) // len(line))
msg = headers + body
sig = dkim.sign(msg, b"s1", b"sender.test", key, canonicalize=(b"relaxed", b"relaxed"),
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
sys.stdout.buffer.write(sig.replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") + msg)
PYEOF
DNS_PORT=$(free_port)
dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 --port="$DNS_PORT" \
  --user=root --log-facility=/dev/null --local-ttl=300 \
  --txt-record=sender.test,"v=spf1 ip4:127.0.0.1 -all" \
  --txt-record=_dmarc.sender.test,"v=DMARC1; p=reject" \
  --txt-record=s1._domainkey.sender.test,"v=DKIM1; k=rsa; p=${PUB:0:200}","${PUB:200}" \
  >"$TMP/dnsmasq.log" 2>&1 &
DNS_PID=$!

# ------------------------------------------------------------ vmta
VM=$TMP/vmta
mkdir -p "$VM"
HASH=$(echo secret | "$JAVA" -jar "$VMTA_JAR" hash-password)
echo "bob@bench.test:$HASH" > "$VM/users.txt"

# run_vmta CHECKS: starts the jar with the checks on (true) or off (false), sends the load, stops it.
run_vmta() {
  local checks=$1
  rm -rf "$VM/data"
  cat > "$VM/config.json" <<EOF
{"hostname":"mx.bench.test","dataDir":"$VM/data","listeners":[{"host":"127.0.0.1","port":0,"mode":"mx"}],
 "domains":["bench.test"],"users":"$VM/users.txt","dns":{"servers":["127.0.0.1:$DNS_PORT"]},
 "authentication":{"spf":$checks,"dkim":$checks,"dmarc":$checks}}
EOF
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS -jar "$VMTA_JAR" --config "$VM/config.json" >"$VM/stdout-$checks.log" 2>&1 &
  VMTA_PID=$!
  for _ in $(seq 600); do
    [[ -s $VM/data/listeners.json ]] && grep -q 'started:' "$VM/stdout-$checks.log" && break
    kill -0 "$VMTA_PID" 2>/dev/null || die "vmta did not start: $(cat "$VM/stdout-$checks.log")"
    sleep 0.1
  done
  local port
  port=$(grep -o '"port" *: *[0-9]*' "$VM/data/listeners.json" | head -1 | grep -o '[0-9]*$')
  "$JAVA" "$SCRIPT_DIR/SmtpLoad.java" 127.0.0.1 "$port" "$SESSIONS" "$MESSAGES" "$TMP/message.eml" \
    user@sender.test bob@bench.test
  if [[ $checks == true ]]; then
    # Proof that the checks ran and passed: the results of the last message delivered.
    local last
    for _ in $(seq 100); do
      last=$(ls -t "$VM/data/mail/bench.test/bob/new" 2>/dev/null | head -1)
      [[ -n $last ]] && break
      sleep 0.1
    done
    [[ -n $last ]] && grep -m1 -A3 '^Authentication-Results:' "$VM/data/mail/bench.test/bob/new/$last" | sed 's/^/   | /'
  fi
  kill "$VMTA_PID"; wait "$VMTA_PID" 2>/dev/null || true
  VMTA_PID=
}

echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg), $SESSIONS sessions, $MESSAGES messages of ~$SIZE bytes per run, $RUNS runs each, interleaved"
declare -a ON OFF
for run in $(seq "$RUNS"); do
  out=$(run_vmta false); echo "checks off: $out"
  OFF+=("$(echo "$out" | grep '^accepted=' | grep -o 'msg/s=[0-9.]*' | cut -d= -f2)")
  out=$(run_vmta true); echo "checks on:  $out"
  ON+=("$(echo "$out" | grep '^accepted=' | grep -o 'msg/s=[0-9.]*' | cut -d= -f2)")
  echo "run $run: checks off ${OFF[-1]} msg/s, checks on ${ON[-1]} msg/s, ratio $(calc "${ON[-1]} / ${OFF[-1]}")"
done
sum_on=0; sum_off=0
for v in "${ON[@]}"; do sum_on=$(calc "$sum_on + $v"); done
for v in "${OFF[@]}"; do sum_off=$(calc "$sum_off + $v"); done
echo
echo "== accepted msg/s, mean of $RUNS: checks off $(calc "$sum_off / $RUNS"), checks on $(calc "$sum_on / $RUNS"), on/off ratio $(calc "$sum_on / $sum_off")"
