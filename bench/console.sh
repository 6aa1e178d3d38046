#!/usr/bin/env bash
# The console benchmark (docs/performance.md#the-console): each console page and API call timed over loopback HTTP with 100,000 dead
# letters and 100,000 waiting tasks (median, p95, max against the goal of 100 ms). Reported, never asserted.
# Needs only JDK 17 and Maven (Redis is the embedded one).
#   bench/console.sh                                  # --dead-letters 100000 --waiting 100000 --runs 30 --warmup 10
#   bench/console.sh --dead-letters 10000 --runs 10   # a quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.ConsoleBench "$@"
