#!/usr/bin/env bash
# The supervision benchmark (docs/performance.md#supervision): N long downloads at once, each printing a progress line
# every 250 ms (bench/progress.sh), supervised by enrollflow and by a plain supervisor that only reads their outputs
# (PlainSupervisor); each one's CPU over the same window, and the ratio. With --heartbeat true, then the same downloads
# with a tool that starts two processes per line at recovery-timeout=5s, and the presumed-dead verdicts and fenced runs
# enrollflow's log shows. Reported, never asserted. Needs only JDK 17 and Maven (and bash).
#   bench/supervise.sh                                        # --downloads 50 --seconds 60 --interval 0.25
#   bench/supervise.sh --heartbeat true                       # + the heartbeat run (--nice 10: its download.nice)
#   bench/supervise.sh --downloads 10 --seconds 20 --window 5 # does it run at all
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    -Denrollflow.log.root-level=warn io.enrollflow.bench.SuperviseBench "$@"
