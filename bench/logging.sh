#!/usr/bin/env bash
# The cost of a log line (docs/performance.md#logging): the four INFO lines of a task, logged by 10 worker threads, through
#   slf4j-simple 2.0.17 for comparison (synchronous, to stderr), and through Log4j 2 with the jar's
#   log4j2.xml: text and json (asynchronous appender), then text written on the logging thread (no Async appender).
# Prints CPU per line on the logging threads and in the whole process; the log goes to target/bench-logs/<label>.log.
# Relative figures: run all variants in one go on the same machine. Needs only JDK 17 and Maven.
#   bench/logging.sh                   # 50000 tasks (200000 lines), 10 threads
#   bench/logging.sh 20000 50
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-50000}
THREADS=${2:-10}
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-runtime.classpath
LIB=target/bench-lib
mkdir -p "$LIB/simple" target/bench-logs
rm -f target/bench-logs/*.log
mvn -B -q dependency:copy -Dartifact=org.slf4j:slf4j-simple:2.0.17 -DoutputDirectory="$LIB"
SLF4J_API=$(tr ':' '\n' < target/bench-runtime.classpath | grep '/slf4j-api-')
# slf4j-simple set for a line like the text layout's: time, level, short logger name
cat > "$LIB/simple/simplelogger.properties" <<'PROPS'
org.slf4j.simpleLogger.defaultLogLevel=info
org.slf4j.simpleLogger.showDateTime=true
org.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ
org.slf4j.simpleLogger.showThreadName=false
org.slf4j.simpleLogger.showShortLogName=true
org.slf4j.simpleLogger.levelInBrackets=false
PROPS
# the same text layout with no Async appender: written on the logging thread
sed -e 's|<AppenderRef ref="async"/>|<AppenderRef ref="stderr"/>|' -e 's/immediateFlush="false"/immediateFlush="true"/' -e '/<Async name/,/<\/Async>/d' \
    src/main/resources/log4j2.xml > "$LIB/log4j2-sync.xml"
BENCH=target/test-classes
LOG4J_CP="target/classes:$(cat target/bench-runtime.classpath)"
run() { # label classpath java-options...
    local label=$1 cp=$2; shift 2
    java "$@" -cp "$BENCH:$cp" io.enrollflow.bench.LogBench "$label" "$TASKS" "$THREADS" 2> "target/bench-logs/$label.log"
}
# test-classes holds log4j2-test.xml: name the jar's configuration explicitly
run slf4j-simple "$LIB/simple:$SLF4J_API:$LIB/slf4j-simple-2.0.17.jar"
run log4j-text-async "$LOG4J_CP" -Dlog4j2.configurationFile=target/classes/log4j2.xml -Denrollflow.log.format=text
run log4j-json-async "$LOG4J_CP" -Dlog4j2.configurationFile=target/classes/log4j2.xml -Denrollflow.log.format=json
run log4j-text-sync "$LOG4J_CP" -Dlog4j2.configurationFile="$LIB/log4j2-sync.xml" -Denrollflow.log.format=text
wc -l target/bench-logs/*.log | sed 's/^/  lines written: /'
