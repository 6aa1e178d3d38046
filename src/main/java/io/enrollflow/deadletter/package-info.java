/** Dead letters: one record per failed task, keyed by task id, listed newest first, replayable. */
package io.enrollflow.deadletter;
