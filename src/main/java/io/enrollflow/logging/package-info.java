/** Logging set-up: Log4j 2 chosen and configured before the first line, and the key=value fields of JSON lines. */
package io.enrollflow.logging;
