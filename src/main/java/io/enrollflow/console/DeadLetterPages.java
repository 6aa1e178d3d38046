package io.enrollflow.console;

import io.enrollflow.console.Pages.Frame;
import io.enrollflow.console.Pages.Pager;
import io.enrollflow.console.Pages.Viewer;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterPage;
import io.enrollflow.task.FailureReason;
import io.enrollflow.task.Stage;

import java.util.Arrays;
import java.util.List;

/**
 * The console's dead-letter pages: the filtered list ({@code deadLetters.jte}: reason, stage, text) with its
 * per-record and all-matching actions, and the page that confirms an action on every match ({@code confirm.jte});
 * plus how a filter reads in words and in a query.
 */
final class DeadLetterPages {

    private static final List<String> REASONS = Arrays.stream(FailureReason.values()).map(FailureReason::word).toList();
    private static final List<String> STAGES = Arrays.stream(Stage.values()).map(Stage::word).toList();

    private DeadLetterPages() {
    }

    /**
     * The list's view.
     *
     * @param matches how many records match, in words ("12", or "more than 50" when a text filter's scan stopped early)
     * @param query   the filter as a query string, without {@code ?}
     */
    record ListView(Frame frame, DeadLetterFilter filter, List<String> reasons, List<String> stages, String matches,
                    boolean anyMatch, String query, List<Row> rows, Pager pager) {
    }

    record Row(String taskId, String orderId, String stage, String reason, String message, int attempts, String failedAt) {
    }

    /**
     * The confirmation's view.
     *
     * @param verb "Replay" or "Purge"; {@code action} the same in the form's words
     */
    record ConfirmView(Frame frame, String action, String verb, long count, String filterWords, DeadLetterFilter filter,
                       String query) {

        boolean purge() {
            return action.equals("purge");
        }
    }

    static String deadLetters(DeadLetterPage page, DeadLetterFilter filter, Viewer viewer, String back, String notice) {
        String query = filterQuery(filter);
        String matches = page.total() < 0 ? "more than " + (page.offset() + page.records().size()) : String.valueOf(page.total());
        List<Row> rows = page.records().stream().map(DeadLetterPages::row).toList();
        Pager pager = Pages.pager("/dead-letters?" + (query.isEmpty() ? "" : query + "&"), page.offset(), page.limit(),
                page.total(), page.records().size());
        return PageOutput.render("deadLetters.jte", new ListView(new Frame("Dead letters", viewer, "Dead letters", back, notice),
                filter, REASONS, STAGES, matches, page.total() != 0, query, rows, pager));
    }

    private static Row row(DeadLetter letter) {
        return new Row(letter.taskId(), letter.task().path("orderId").asText(""), letter.stage(), letter.reason(),
                Pages.cut(letter.message()), letter.attempts(), letter.lastFailedAt());
    }

    static String confirm(String action, DeadLetterFilter filter, long count, Viewer viewer) {
        String verb = action.equals("purge") ? "Purge" : "Replay";
        return PageOutput.render("confirm.jte", new ConfirmView(new Frame(verb + " dead letters", viewer, "Dead letters",
                "/dead-letters", null), action, verb, count, describe(filter), filter, filterQuery(filter)));
    }

    static String describe(DeadLetterFilter filter) {
        StringBuilder out = new StringBuilder();
        if (filter.reason() != null) {
            out.append("reason ").append(filter.reason());
        }
        if (filter.stage() != null) {
            out.append(out.isEmpty() ? "" : ", ").append("stage ").append(filter.stage());
        }
        if (filter.text() != null) {
            out.append(out.isEmpty() ? "" : ", ").append("text \"").append(filter.text()).append('"');
        }
        return out.isEmpty() ? "any filter (all)" : out.toString();
    }

    static String filterQuery(DeadLetterFilter filter) {
        StringBuilder q = new StringBuilder();
        if (filter.reason() != null) {
            q.append("reason=").append(Links.encode(filter.reason()));
        }
        if (filter.stage() != null) {
            q.append(q.isEmpty() ? "" : "&").append("stage=").append(Links.encode(filter.stage()));
        }
        if (filter.text() != null) {
            q.append(q.isEmpty() ? "" : "&").append("q=").append(Links.encode(filter.text()));
        }
        return q.toString();
    }
}
