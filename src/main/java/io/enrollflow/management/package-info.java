/**
 * Operating enrollflow: the management HTTP server (health, metrics, operator API, the console mounted as a handler)
 * and metrics.
 */
package io.enrollflow.management;
