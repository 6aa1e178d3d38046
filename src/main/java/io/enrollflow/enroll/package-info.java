/** Enrollment: the request to the backend's enrollment API and the classification of its answer (CONTRACT §4). */
package io.enrollflow.enroll;
