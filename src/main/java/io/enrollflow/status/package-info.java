/**
 * Task status: the hash the backend reads, its history of transitions, the legal statuses, a task's report, and this
 * instance's membership (epoch, lease) that claims name.
 */
package io.enrollflow.status;
