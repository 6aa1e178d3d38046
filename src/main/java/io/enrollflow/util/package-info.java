/**
 * Small helpers every package shares: a cause in an exception's chain, "log once per outage", a web address, masked
 * emails, the characters that mislead a reader, and the one JSON mapper that escapes them.
 */
package io.enrollflow.util;
