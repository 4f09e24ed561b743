#!/usr/bin/env bash
# SMTP acceptance and local-delivery throughput: vmta (mta/target/mta.jar) side by side with a
# private Postfix instance on this machine. Both deliver to Maildir with fsync; both listen on
# 127.0.0.1 only. Postfix's smtp-source drives the load. See bench/README.md.
# vmta's checks of incoming mail (SPF, DKIM, DMARC) are off, as a stock Postfix has none; their cost
# is measured by bench/mail-auth-throughput.sh.
#
# Tunables (environment):
#   SESSIONS=20 MESSAGES=5000 SIZE=4096 RUNS=3   smtp-source -s/-m/-l and runs per server
#   VMTA_PORT=0        port for vmta's mx listener (0 = any free port, read from listeners.json)
#   PF_PORT=           port for Postfix's smtpd (default: a free port picked at random)
#   VMTA_JAR=          default <repo>/mta/target/mta.jar
#   VMTA_MAX_CONN_PER_IP=      vmta's limits.maxConnectionsPerIp (default: the product's, 50;
#                      Postfix exempts $mynetworks from its per-client limits)
#   JAVA=java          the java launcher; JAVA_OPTS= extra JVM flags (default none)
#   DELIVERY_TIMEOUT=300   seconds to wait for all messages of one run to reach Maildir
#   POLL=0.1           Maildir polling interval in seconds
#   BENCH_DIR=${TMPDIR:-/tmp}   where the temporary spools and Maildirs go (use a real disk)
#   KEEP_TMP=0         1 keeps the temporary directory (logs, spools) after the run
set -euo pipefail

SESSIONS=${SESSIONS:-20}
MESSAGES=${MESSAGES:-5000}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
VMTA_PORT=${VMTA_PORT:-0}
VMTA_MAX_CONN_PER_IP=${VMTA_MAX_CONN_PER_IP-}
PF_PORT=${PF_PORT:-}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
DELIVERY_TIMEOUT=${DELIVERY_TIMEOUT:-300}
POLL=${POLL:-0.1}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
KEEP_TMP=${KEEP_TMP:-0}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
VMTA_JAR=${VMTA_JAR:-$REPO/mta/target/mta.jar}

die() { echo "smtp-throughput: $*" >&2; exit 1; }
# shellcheck source=../scripts/lib/private-postfix.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/private-postfix.sh"
now() { date +%s.%N; }
# float arithmetic without bc/python: awk
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }

echo "== reproduce:"
echo "cd $REPO && SESSIONS=$SESSIONS MESSAGES=$MESSAGES SIZE=$SIZE RUNS=$RUNS${JAVA_OPTS:+ JAVA_OPTS='$JAVA_OPTS'} bench/smtp-throughput.sh"
echo

[[ $(id -u) == 0 ]] || die "must run as root (a private Postfix instance needs it)"
for t in postfix postconf postmap smtp-source ss awk "$JAVA"; do
  command -v "$t" >/dev/null || die "missing $t (apt-get install postfix; a JDK 17+)"
done
[[ -f $VMTA_JAR ]] || die "no $VMTA_JAR; build it: mvn -B -q -DskipTests package"
id postfix >/dev/null 2>&1 || die "no 'postfix' user (apt-get install postfix)"
getent group postdrop >/dev/null || die "no 'postdrop' group (apt-get install postfix)"

TMP=$(mktemp -d "$BENCH_DIR/smtp-bench.XXXXXX")
chmod 755 "$TMP"
VMTA_PID=
PF_STARTED=0

cleanup() {
  local rc=$?
  set +e
  if [[ -n $VMTA_PID ]] && kill -0 "$VMTA_PID" 2>/dev/null; then
    kill "$VMTA_PID"
    for _ in $(seq 100); do kill -0 "$VMTA_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$VMTA_PID" 2>/dev/null; then
      echo "!! vmta (pid $VMTA_PID) did not exit within 10 s of SIGTERM; sending SIGKILL" >&2
      kill -9 "$VMTA_PID"
    fi
    wait "$VMTA_PID" 2>/dev/null
  fi
  if [[ $PF_STARTED == 1 ]]; then
    local mpid
    mpid=$(cat "$TMP/pf/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
    postfix -c "$TMP/pf/etc" stop >/dev/null 2>&1
    if [[ -n $mpid ]]; then
      for _ in $(seq 100); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$mpid" 2>/dev/null && { postfix -c "$TMP/pf/etc" abort >/dev/null 2>&1; kill "$mpid"; }
    fi
  fi
  if [[ $KEEP_TMP == 1 || $rc != 0 ]]; then
    echo "(temporary files kept in $TMP)"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { [[ -z $(ss -ltnH "sport = :$1") ]]; }
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    port_free "$p" && { echo "$p"; return; }
  done
  die "no free port found"
}

# ---------------------------------------------------------------- vmta
VM=$TMP/vmta
mkdir -p "$VM"
HASH=$(echo secret | "$JAVA" -jar "$VMTA_JAR" hash-password)
echo "alice@bench.test:$HASH" > "$VM/users.txt"
VMTA_MAILDIR=$VM/data/mail/bench.test/alice/new

# start_vmta PORT: starts the jar, waits for listeners.json; returns 1 if the JVM exits first.
start_vmta() {
  cat > "$VM/config.json" <<EOF
{"hostname":"mx.bench.test","dataDir":"$VM/data","listeners":[{"host":"127.0.0.1","port":$1,"mode":"mx"}],"domains":["bench.test"],"users":"$VM/users.txt","authentication":{"spf":false,"dkim":false,"dmarc":false}$VMTA_LIMITS}
EOF
  rm -f "$VM/data/listeners.json"
  # shellcheck disable=SC2086
  "$JAVA" $JAVA_OPTS -jar "$VMTA_JAR" --config "$VM/config.json" >>"$VM/stdout.log" 2>&1 &
  VMTA_PID=$!
  for _ in $(seq 600); do
    if [[ -s $VM/data/listeners.json ]] && grep -q 'started:' "$VM/stdout.log"; then return 0; fi
    if ! kill -0 "$VMTA_PID" 2>/dev/null; then
      wait "$VMTA_PID" || true
      VMTA_PID=
      return 1
    fi
    sleep 0.1
  done
  die "vmta did not start within 60 s; log: $(cat "$VM/stdout.log")"
}

NOTES=()
VMTA_LIMITS=
if [[ -n $VMTA_MAX_CONN_PER_IP ]]; then
  VMTA_LIMITS=",\"limits\":{\"maxConnectionsPerIp\":$VMTA_MAX_CONN_PER_IP}"
  NOTES+=("vmta config sets limits.maxConnectionsPerIp=$VMTA_MAX_CONN_PER_IP (product default 50); Postfix exempts 127.0.0.0/8 (\$mynetworks) from its per-client limits")
fi
if ! start_vmta "$VMTA_PORT"; then
  echo "!! vmta FAILED TO START with listener port $VMTA_PORT. Its stdout/stderr:"
  sed 's/^/   | /' "$VM/stdout.log"
  exit 1
fi
VMTA_BOUND=$(grep -o '"port":[0-9]*' "$VM/data/listeners.json" | head -1 | cut -d: -f2)
[[ -n $VMTA_BOUND ]] || die "no port in $VM/data/listeners.json"

# ---------------------------------------------------------------- Postfix (private instance)
PF=$TMP/pf
PF_PORT=${PF_PORT:-$(free_port)}
port_free "$PF_PORT" || die "port $PF_PORT is in use"
pf_prepare "$PF" "$PF_PORT" pf.bench.test bench.test bench
echo "alice@bench.test bench.test/alice/" > "$PF/etc/vmailbox"
postmap -c "$PF/etc" "hash:$PF/etc/vmailbox"
postfix -c "$PF/etc" check
PF_STARTED=1
postfix -c "$PF/etc" start >/dev/null 2>&1 || die "postfix did not start: $(tail -5 "$PF/maillog")"
for _ in $(seq 100); do port_free "$PF_PORT" || break; sleep 0.1; done
port_free "$PF_PORT" && die "postfix does not listen on $PF_PORT: $(tail -5 "$PF/maillog")"
PF_MAILDIR=$PF/vmail/bench.test/alice/new
PF_MASTER=$(tr -d ' ' < "$PF/queue/pid/master.pid")

# ---------------------------------------------------------------- environment
echo "== setup"
echo "date:        $(date -u +%FT%TZ)"
echo "machine:     $(nproc) cpu(s), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "load avg:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at start; other work on this machine skews the numbers"
echo "disk:        $TMP on $(df -T "$TMP" | awk 'NR==2 {print $2 " (" $1 ")"}')"
echo "java:        $("$JAVA" -version 2>&1 | head -1); JVM flags: ${JAVA_OPTS:-none (defaults)}"
echo "vmta config: $(cat "$VM/config.json")"
echo "vmta:        $VMTA_JAR (git $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')), pid $VMTA_PID, 127.0.0.1:$VMTA_BOUND"
echo "postfix:     $(postconf -c "$PF/etc" -h mail_version) private instance $PF/etc, master pid $PF_MASTER, 127.0.0.1:$PF_PORT"
echo "load:        smtp-source -s $SESSIONS -m $MESSAGES -l $SIZE -f bench@bench.test -t alice@bench.test"
echo "runs:        $RUNS per server, alternating vmta/postfix; no separate warm-up: the JVM warms up"
echo "             only through the alternation, so vmta run 1 includes JIT warm-up (compare run 1 to the rest)"
echo

count() { if [[ -d $1 ]]; then ls -U1 "$1" | wc -l; else echo 0; fi; }

# run_one NAME PORT MAILDIR LOG: one smtp-source run; appends "acc_s dlv_s delivered status" to RESULTS_<NAME>
declare -A RES
FAILED=0
run_one() {
  local name=$1 port=$2 dir=$3 log=$4 i=$5
  local before t0 t1 t2 n status=ok rc=0
  before=$(count "$dir")
  t0=$(now)
  timeout $((DELIVERY_TIMEOUT + 60)) smtp-source -s "$SESSIONS" -m "$MESSAGES" -l "$SIZE" \
    -f bench@bench.test -t alice@bench.test "127.0.0.1:$port" >"$TMP/smtp-source.$name.$i.log" 2>&1 || rc=$?
  t1=$(now)
  if [[ $rc != 0 ]]; then
    status="smtp-source-exit-$rc"
    echo "!! $name run $i: smtp-source exited $rc: $(tail -3 "$TMP/smtp-source.$name.$i.log")"
  fi
  local deadline
  # after a failed smtp-source only wait until what was accepted has had time to arrive
  if [[ $rc != 0 ]]; then deadline=$(calc "$t1 + 15"); else deadline=$(calc "$t1 + $DELIVERY_TIMEOUT"); fi
  while :; do
    n=$(( $(count "$dir") - before ))
    (( n >= MESSAGES )) && break
    if awk "BEGIN { exit !($(now) > $deadline) }"; then status="TIMEOUT"; break; fi
    sleep "$POLL"
  done
  t2=$(now)
  # a short grace period to catch duplicates
  sleep 0.5
  n=$(( $(count "$dir") - before ))
  if (( n > MESSAGES )); then status="DUPLICATES"; fi
  if [[ $status != ok ]]; then
    FAILED=1
    echo "!! $name run $i: $status: $n of $MESSAGES messages in $dir"
    echo "!! last lines of $log:"; tail -20 "$log" | sed 's/^/   | /'
  fi
  RES[$name,$i]="$(calc "$t1 - $t0") $(calc "$t2 - $t0") $n $status"
  # keep the Maildir small and the disk quiet for the next run (outside the timed window)
  find "$dir" -mindepth 1 -maxdepth 1 -type f -delete
  sync
}

echo "== runs"
for i in $(seq "$RUNS"); do
  run_one vmta "$VMTA_BOUND" "$VMTA_MAILDIR" "$VM/stdout.log" "$i"
  read -r a d n s <<<"${RES[vmta,$i]}"; echo "vmta    run $i: accepted in ${a}s, delivered in ${d}s ($n msgs, $s)"
  run_one postfix "$PF_PORT" "$PF_MAILDIR" "$PF/maillog" "$i"
  read -r a d n s <<<"${RES[postfix,$i]}"; echo "postfix run $i: accepted in ${a}s, delivered in ${d}s ($n msgs, $s)"
done
echo

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== results (messages of $SIZE bytes, $SESSIONS sessions, $MESSAGES messages per run)"
printf '%-8s %-6s %10s %12s %10s %12s %9s  %s\n' server run "accept_s" "accept_msg/s" "deliver_s" "deliver_msg/s" delivered status
# failed runs are shown but left out of the medians (their msg/s would be meaningless)
for name in vmta postfix; do
  accs=() dlvs=()
  for i in $(seq "$RUNS"); do
    read -r a d n s <<<"${RES[$name,$i]}"
    if [[ $s == ok ]]; then
      printf '%-8s %-6s %10.3f %12.1f %10.3f %12.1f %9s  %s\n' "$name" "$i" "$a" "$(calc "$MESSAGES / $a")" \
        "$d" "$(calc "$MESSAGES / $d")" "$n" "$s"
      accs+=("$a"); dlvs+=("$d")
    else
      printf '%-8s %-6s %10.3f %12s %10.3f %12s %9s  %s\n' "$name" "$i" "$a" - "$d" - "$n" "$s"
    fi
  done
  if ((${#accs[@]})); then
    ma=$(printf '%s\n' "${accs[@]}" | median); md=$(printf '%s\n' "${dlvs[@]}" | median)
    printf '%-8s %-6s %10.3f %12.1f %10.3f %12.1f  (of %d ok runs)\n' "$name" median "$ma" "$(calc "$MESSAGES / $ma")" \
      "$md" "$(calc "$MESSAGES / $md")" "${#accs[@]}"
  else
    ma=; md=
    printf '%-8s %-6s %10s %12s %10s %12s  (no ok run)\n' "$name" median - - - -
  fi
  declare "MED_ACC_$name=$ma" "MED_DLV_$name=$md"
done
echo
ratio() { if [[ -n $1 && -n $2 ]]; then calc "$1 / $2"; else echo "n/a (a server has no ok run)"; fi; }
echo "ratio vmta/postfix (median msg/s; >1 means vmta is faster):"
echo "  acceptance throughput: $(ratio "$MED_ACC_postfix" "$MED_ACC_vmta")"
echo "  delivery throughput:   $(ratio "$MED_DLV_postfix" "$MED_DLV_vmta")"
echo

# ---------------------------------------------------------------- memory
kb() {
  local v=
  [[ -r /proc/$1/$3 ]] && v=$(awk -v k="$2" '$1 == k":" { print $2; exit }' "/proc/$1/$3" 2>/dev/null)
  echo "${v:-0}"
}
VMTA_RSS=$(kb "$VMTA_PID" VmRSS status)
VMTA_PSS=$(kb "$VMTA_PID" Pss smaps_rollup)
PF_PIDS=("$PF_MASTER" $(ps -o pid= --ppid "$PF_MASTER"))
PF_RSS=0 PF_PSS=0 PF_NAMES=()
for p in "${PF_PIDS[@]}"; do
  PF_RSS=$((PF_RSS + $(kb "$p" VmRSS status)))
  PF_PSS=$((PF_PSS + $(kb "$p" Pss smaps_rollup)))
  PF_NAMES+=("$(cat "/proc/$p/comm" 2>/dev/null)")
done
echo "== memory at the end (after all runs)"
printf '%-30s VmRSS %7d kB   PSS %7d kB\n' "vmta JVM (pid $VMTA_PID):" "$VMTA_RSS" "$VMTA_PSS"
printf '%-30s VmRSS %7d kB   PSS %7d kB\n' "postfix, ${#PF_PIDS[@]} processes (sum):" "$PF_RSS" "$PF_PSS"
echo "  postfix processes: $(printf '%s\n' "${PF_NAMES[@]}" | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"
echo "ratio vmta/postfix memory: RSS $(calc "$VMTA_RSS / $PF_RSS")   PSS $(calc "$VMTA_PSS / $PF_PSS")"
echo "  (RSS sums count shared libraries once per Postfix process; PSS splits them and is the fairer sum)"
echo
VMTA_SPOOL_LEFT=$(find "$VM/data/spool" -type f 2>/dev/null | wc -l)
echo "load avg at the end: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; smtp-source and one server busy ~ 1-2)"
echo "vmta spool files left after the runs: $VMTA_SPOOL_LEFT"
echo "vmta log lines at WARN/ERROR: $(grep -cE ' (WARN|ERROR) ' "$VM/stdout.log" || true)"
if ((${#NOTES[@]})); then
  echo "notes:"; printf '  - %s\n' "${NOTES[@]}"
fi
if [[ $FAILED == 1 ]]; then
  echo "SOME RUNS FAILED (see '!!' lines above)"
  exit 2
fi
