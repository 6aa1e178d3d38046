#!/usr/bin/env bash
# Upload throughput and memory of the Drive delivery (speed and memory are measured here, never asserted).
#
#   bench/drive-upload.sh [MiB] [rounds]     default 1024 (1 GiB), 5 rounds
#
# Needs only JDK 17 and Maven. Starts the Drive stand-in (src/test/java/.../DriveStandIn) in its own JVM, then a
# second JVM with -Xmx96m that, in each round, delivers a file of that size through DriveDelivery (camel-google-drive,
# resumable upload, enrollflow.drive.chunk-size-kib from application.properties or ENROLLFLOW_DRIVE_CHUNK_SIZE_KIB)
# and sends the same bytes with one plain HTTP PUT to the same stand-in, the two taking turns going first. Prints each
# round's rates and ratio, the median ratio with the lowest and highest (on a loaded machine the spread says how far
# to trust it), the fixed cost of one delivery, and the delivering JVM's peak heap and peak RSS. The stand-in writes
# what it receives to a temp directory, as in tests; BENCH_DISCARD_BYTES=true has it only count the bytes, so the
# disk is no part of either figure and the client's own cost shows. BENCH_DRIVE_BANDWIDTH_MIB=16 gives the stand-in an
# account bandwidth (MiB/s for all uploads together) and BENCH_DRIVE_CREATES=5/10 Drive's create rate (creates a second
# after a burst), as bench/course.sh sets them in its own JVM.
set -euo pipefail

MIB="${1:-1024}"
ROUNDS="${2:-5}"
HEAP="${BENCH_XMX:-96m}"
cd "$(dirname "$0")/.."

echo "compiling (mvn test-compile) ..."
mvn -B -q test-compile
CP_FILE="$(mktemp)"
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/drive-bench.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

java -cp "$CP" -Denrollflow.log.root-level=warn \
    io.enrollflow.bench.DriveUploadBench serve "$WORK" > "$WORK/stand-in.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    [ -f "$WORK/root-url" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/stand-in.log"; exit 1; }
    sleep 0.2
done
[ -f "$WORK/root-url" ] || { echo "the stand-in did not start"; cat "$WORK/stand-in.log"; exit 1; }

echo "uploading ${MIB} MiB with -Xmx${HEAP}, ${ROUNDS} rounds ..."
java -Xmx"$HEAP" -cp "$CP" -Denrollflow.log.root-level=warn \
    io.enrollflow.bench.DriveUploadBench upload "$WORK" "$MIB" "$ROUNDS"
