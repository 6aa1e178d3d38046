#!/usr/bin/env bash
# The dead-letter paging benchmark (docs/performance.md#dead-letter-paging): `dlq list --limit 50` (the jar) and `GET /api/dead-letters?limit=50`
# with 100 and with 100,000 records (they must be of the same order), the one-time indexing of older records, and a
# replay by reason of half the records (50,000) with -Xmx128m. Reported, never asserted. Needs only JDK 17 and Maven.
#   bench/dlq.sh                                   # --sizes 100,100000 --cli-runs 5 --http-runs 20
#   bench/dlq.sh --sizes 100,10000 --cli-runs 3    # a quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.DlqBench "$@"
