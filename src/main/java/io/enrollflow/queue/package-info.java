/**
 * The redis-queue Camel component: a reliable take from a Redis list (BLMOVE into a per-instance processing list), and
 * the intake pause.
 */
package io.enrollflow.queue;
