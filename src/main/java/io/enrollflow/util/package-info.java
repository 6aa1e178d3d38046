/** Small helpers every package shares: a cause in an exception's chain, "log once per outage". */
package io.enrollflow.util;
