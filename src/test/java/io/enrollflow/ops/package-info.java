/** Operating tests: dead-letter replay and purge, paused intake, status callbacks, and what the logs may hold. */
package io.enrollflow.ops;
