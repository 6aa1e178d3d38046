#!/usr/bin/env bash
# The course-shaped benchmark (docs/performance.md): two course tasks at once through enrollflow (the built jar)
# against the Drive stand-in with an account bandwidth and Drive's create rate, then the same two courses through a
# sequential peer (download everything, then upload everything). Needs only JDK 17 and Maven.
#   bench/course.sh                                   # defaults: 2 tasks, 24 lectures x 10 MiB over 24 s, 16 MiB/s, 5/10 creates
#   bench/course.sh --lectures 12 --seconds 12        # a quicker look
#   bench/course.sh --bandwidth-mib 32 --creates 3/5  # another account
# The download command is bench/course-download.sh; what it and enrollflow logged stays in target/course-bench*/.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" io.enrollflow.bench.CourseBench "$@"
