#!/usr/bin/env bash
# The pipeline benchmark (README "Performance"): enrollflow against a plain-Java baseline doing only the unavoidable
# work, at concurrency 1, 10 and 50; then idle CPU and pickup latency. Needs only JDK 17 and Maven.
#   bench/run.sh                                  # defaults: --tasks 5000 --concurrency 1,10,50 --idle-seconds 60 --pickups 200
#   bench/run.sh --tasks 1000 --concurrency 10    # a quicker look
#   bench/run.sh --jvm-flags "-Xmx128m -XX:+UseSerialGC"
#   bench/run.sh --tasks 2000 --concurrency 50 --limits true   # + enrollflow with its fleet-wide limits never reached
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" io.enrollflow.bench.PipelineBench "$@"
