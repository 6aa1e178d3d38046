package io.enrollflow.delivery.drive;

/** Masks addresses for logs (CONTRACT §10): {@code buyer@example.com} becomes {@code b***@example.com}. */
public final class Emails {

    private Emails() {
    }

    public static String mask(String email) {
        if (email == null || email.isBlank()) {
            return "";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
