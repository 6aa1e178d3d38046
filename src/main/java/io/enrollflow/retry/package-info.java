/**
 * Retries: the backoff and the schedule kept in Redis (the choice between another attempt and a dead letter is the
 * pipeline's).
 */
package io.enrollflow.retry;
