package io.enrollflow.task;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What logs may show of personal data (CONTRACT §10): an email as {@code b***@example.com}. */
public final class Masking {

    /** An address inside free text (an API's message may quote the buyer's): local part, @, a dotted domain. */
    private static final Pattern EMAIL_IN_TEXT = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+");

    private Masking() {
    }

    /** Free text (a message from the enrollment API, an error) with every address in it masked. */
    public static String emailsIn(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text;
        }
        return EMAIL_IN_TEXT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(email(m.group())));
    }

    public static String email(String email) {
        if (email == null || email.isEmpty()) {
            return "";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
