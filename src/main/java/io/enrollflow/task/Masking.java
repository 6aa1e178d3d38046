package io.enrollflow.task;

/** What logs may show of personal data (CONTRACT §10): an email as {@code b***@example.com}. */
public final class Masking {

    private Masking() {
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
