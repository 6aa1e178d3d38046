package io.enrollflow.deadletter;

import java.util.List;

/**
 * One page of dead letters, newest first. {@code total} = how many records match: exact without a text filter; with
 * one, -1 when the bounded scan did not reach the end.
 */
public record DeadLetterPage(List<DeadLetter> records, long total, int offset, int limit) {
}
