#!/usr/bin/env bash
# The pipeline benchmark (docs/performance.md): enrollflow against a plain-Java baseline doing only the unavoidable
# work, at concurrency 1, 10 and 50; then idle CPU and pickup latency. Needs only JDK 17 and Maven; with --peer bullmq
# also Node 20 and npm (BullMQ, pinned in bench/bullmq/package-lock.json, installed there by `npm ci` when missing).
#   bench/run.sh                                  # defaults: --tasks 5000 --concurrency 1,10,50 --idle-seconds 60 --pickups 200
#   bench/run.sh --tasks 1000 --concurrency 10    # a quicker look
#   bench/run.sh --jvm-flags "-Xmx128m -XX:+UseSerialGC"
#   bench/run.sh --tasks 2000 --concurrency 50 --limits true   # + enrollflow with its fleet-wide limits never reached
#   bench/run.sh --tasks 2000 --concurrency 10,50 --peer bullmq   # + the same work in a BullMQ worker, side by side
#   bench/run.sh --tasks 2000 --concurrency 10,50 --peer bullmq --rounds 3   # three rounds, then the medians
# enrollflow starts as bin/enrollflow run when that launcher exists (--jvm-flags then go into JAVA_OPTS), else as
# java -jar target/enrollflow.jar run; the output's second line says which.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  if [[ "${args[i]}" == "--peer" && "${args[i + 1]}" == "bullmq" ]]; then
    command -v node >/dev/null && command -v npm >/dev/null \
      || { echo "--peer bullmq needs node (20 or later) and npm on the PATH" >&2; exit 2; }
    if [[ ! -d bench/bullmq/node_modules || bench/bullmq/package-lock.json -nt bench/bullmq/node_modules/.package-lock.json ]]; then
      # exactly the versions in package-lock.json (again when the lock changed); node_modules is not committed (.gitignore)
      (cd bench/bullmq && npm ci --no-audit --no-fund)
    fi
  fi
done
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" io.enrollflow.bench.PipelineBench "$@"
