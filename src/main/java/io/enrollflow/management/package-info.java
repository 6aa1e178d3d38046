/** Operating enrollflow: the management HTTP server (health, metrics, operator API), metrics, and paused intake. */
package io.enrollflow.management;
