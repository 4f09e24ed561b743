#!/usr/bin/env bash
# scripts/testssl-listeners.sh: testssl.sh against the STARTTLS (mx) and implicit-TLS (smtps)
# listeners of the built jar. Not part of the test suite (a run takes minutes).
#
#   scripts/testssl-listeners.sh [path/to/mta.jar] [output-dir]
#
# Needs: a JDK 17+, python3, testssl.sh (Debian: apt-get install testssl.sh; the command is
# `testssl`). vmta runs with no tls.certPath, so with the self-signed certificate it generates.
# The two reports go to <output-dir>/starttls.txt and implicit.txt (default: a temporary dir).
set -euo pipefail

JAR=${1:-mta/target/mta.jar}
OUT=${2:-$(mktemp -d)}
JAVA=${JAVA:-java}
TESTSSL=$(command -v testssl || command -v testssl.sh || true)
[[ -n $TESTSSL ]] || { echo "testssl-listeners: testssl.sh is not installed" >&2; exit 2; }
[[ -f $JAR ]] || { echo "testssl-listeners: no jar at $JAR (mvn -B -q -DskipTests package)" >&2; exit 2; }

WORK=$(mktemp -d)
VMTA_PID=
cleanup() {
  if [[ -n $VMTA_PID ]]; then kill "$VMTA_PID" 2>/dev/null || true; wait "$VMTA_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

cat > "$WORK/config.json" <<JSON
{"hostname":"mx.vmta.test","dataDir":"$WORK/data",
 "listeners":[{"host":"127.0.0.1","port":0,"mode":"mx"},{"host":"127.0.0.1","port":0,"mode":"smtps"}],
 "domains":["vmta.test"],"management":{"host":"127.0.0.1","port":0}}
JSON
"$JAVA" -jar "$JAR" --config "$WORK/config.json" >"$WORK/vmta.log" 2>&1 &
VMTA_PID=$!
for _ in $(seq 1 300); do
  if [[ -s $WORK/data/listeners.json ]] && grep -q 'vmta .* started:' "$WORK/vmta.log"; then break; fi
  kill -0 "$VMTA_PID" 2>/dev/null || { cat "$WORK/vmta.log" >&2; exit 1; }
  sleep 0.2
done
# listeners.json lists the bound listeners in the configured order: mx first, then smtps.
mapfile -t PORTS < <(grep -o '"port" *: *[0-9]*' "$WORK/data/listeners.json" | grep -o '[0-9]*$')
[[ ${#PORTS[@]} -ge 2 ]] || { echo "testssl-listeners: ports? $(cat "$WORK/data/listeners.json")" >&2; exit 1; }
echo "vmta: mx (STARTTLS) on ${PORTS[0]}, smtps (implicit TLS) on ${PORTS[1]}; reports in $OUT"

# -p protocols, -s cipher categories, -f forward secrecy, -E ciphers per protocol,
# -S server defaults, -U vulnerabilities (renegotiation included).
ARGS=(--color 0 --warnings batch --quiet -p -s -f -E -S -U)
"$TESTSSL" "${ARGS[@]}" --starttls smtp "127.0.0.1:${PORTS[0]}" >"$OUT/starttls.txt" 2>&1 || true
"$TESTSSL" "${ARGS[@]}" "127.0.0.1:${PORTS[1]}" >"$OUT/implicit.txt" 2>&1 || true
echo "done: $OUT/starttls.txt $OUT/implicit.txt"
