#!/usr/bin/env bash
# The recovery benchmark (docs/performance.md#recovery): time from `kill -9` of the instance holding a task mid-download to the task being
# taken by a live instance, over 10 runs each with recovery-timeout 5s and 30s (the default); median and max against
# the goal of recovery-timeout + 2 s. Reported, never asserted. Needs only JDK 17 and Maven.
#   bench/recovery.sh                              # --runs 10 --timeouts 5s,30s
#   bench/recovery.sh --timeouts 5s:10,30s:3       # fewer runs at 30s
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.RecoveryBench "$@"
