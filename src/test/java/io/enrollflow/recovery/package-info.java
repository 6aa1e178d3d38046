/** Crash recovery, proven from outside: enrollflow killed, stopped and cut off from Redis as a second JVM. */
package io.enrollflow.recovery;
