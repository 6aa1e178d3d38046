#!/usr/bin/env bash
# What enrollflow.redis.wait-replicas costs (docs/performance.md#durable-decisions): a decision (a completion's transition.lua) made 3000 times one at
# a time and 3000 times from 8 threads, with wait-replicas 0 and 1, on a primary and a replica on 127.0.0.1 (the
# embedded-redis binary). Median and p99 latency, decisions per second. Reported, never asserted. Needs only JDK 17 and Maven.
#   bench/wait-replicas.sh                              # --decisions 3000 --threads 8 --timeout 500ms
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.WaitReplicasBench "$@"
