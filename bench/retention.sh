#!/usr/bin/env bash
# Redis bytes per completed task and what enrollflow.status.retention gives back (docs/performance.md#retention).
# Reported, never asserted. Needs only JDK 17 and Maven.
#   bench/retention.sh                 # 100000 tasks, expiring after 20s
#   bench/retention.sh 10000 5         # a quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.RetentionBench "$@"
