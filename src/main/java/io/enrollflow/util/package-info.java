/**
 * Small helpers every package shares: a cause in an exception's chain, "log once per outage", a web address, masked
 * emails.
 */
package io.enrollflow.util;
