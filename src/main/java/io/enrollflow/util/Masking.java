package io.enrollflow.util;

/**
 * What logs may show of personal data (docs/contract.md §10): an email as {@code b***@example.com}.
 * <p>
 * Addresses inside free text are found by a hand-written scan rather than a regular expression: the expression
 * {@code [local]+@[label](\.[label])+} tried from every start of a long run of local-part characters takes quadratic
 * time (a 300 KB API message would keep a worker busy for minutes). The scan looks at each character at most twice.
 */
public final class Masking {

    private Masking() {
    }

    /**
     * Free text (a message from the enrollment API, an error) with every address in it masked. An address is a run of
     * local-part characters not starting with {@code /} (so {@code scheme://user@host} is left to
     * {@code logging.Scrub}'s user-info rule), {@code @}, and one or more dot-separated domain labels: every address
     * the task rules accept ({@code carol@intranet} among them, task.TaskParser), and the same the expression
     * {@code [A-Za-z0-9.!#$%&'*+=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*} finds.
     */
    public static String emailsIn(String text) {
        if (text == null) {
            return null;
        }
        int at = text.indexOf('@');
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (at >= 0) {
            int start = at;
            while (start > copied && isLocal(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '/') {
                start++;
            }
            int end = domainEnd(text, at + 1);
            if (start < at && end > 0) {
                out.append(text, copied, start).append(email(text.substring(start, end)));
                copied = end;
                at = text.indexOf('@', end);
            } else {
                at = text.indexOf('@', at + 1);
            }
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The end of the longest {@code label(.label)*} starting at {@code from}; -1 when there is no label. */
    private static int domainEnd(String text, int from) {
        int end = -1;
        int i = from;
        while (true) {
            int j = i;
            while (j < text.length() && isDomain(text.charAt(j))) {
                j++;
            }
            if (j == i) {
                return end;
            }
            end = j;
            if (j < text.length() && text.charAt(j) == '.') {
                i = j + 1;
            } else {
                return end;
            }
        }
    }

    private static boolean isDomain(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '-');
    }

    private static boolean isLocal(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || ".!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0);
    }

    /**
     * One address as {@code b***@example.com}; a value without a local part is {@code ***}, and a local part that is
     * all asterisks (masked or redacted already) stays as it is.
     */
    public static String email(String email) {
        if (email == null || email.isEmpty()) {
            return "";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        if (email.chars().limit(at).allMatch(c -> c == '*')) {
            return email;
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
