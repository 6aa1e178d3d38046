package io.enrollflow.deadletter;

import java.util.List;

/**
 * One page of dead letters, newest first.
 *
 * @param records the records of this page (at most {@code limit})
 * @param total   how many records match: exact without a text filter; with one, -1 when the bounded scan did not reach
 *                the end (see {@link DeadLetterStore#TEXT_SCAN_LIMIT})
 * @param offset  how many matching records come before this page
 * @param limit   the page size asked for
 */
public record DeadLetterPage(List<DeadLetter> records, long total, int offset, int limit) {
}
