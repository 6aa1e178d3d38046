/** Task status: the hash the backend reads, its history of transitions, and the legal statuses. */
package io.enrollflow.status;
