/** Enrollment: the request to the backend's enrollment API and the classification of its answer (docs/contract.md §4). */
package io.enrollflow.enroll;
