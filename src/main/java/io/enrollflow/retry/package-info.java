/** Retries: the backoff, the schedule kept in Redis, and the decision between another attempt and a dead letter. */
package io.enrollflow.retry;
