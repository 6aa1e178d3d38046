package io.enrollflow.task;

/**
 * Caps on text that comes from outside (docs/contract.md §10): an API's message, an error's text. What is stored in a status
 * hash or a dead-letter record, or logged, is at most {@link #MESSAGE_CHARS} characters of it, so a hostile or broken
 * service cannot fill Redis or the logs through one answer.
 */
public final class Bounded {

    /** How much of a message from outside is kept: enough for any human-written explanation. */
    public static final int MESSAGE_CHARS = 1024;

    private Bounded() {
    }

    /** The message cut to {@link #MESSAGE_CHARS} characters, saying how much was left out. */
    public static String message(String text) {
        return cut(text, MESSAGE_CHARS);
    }

    /** The text cut to {@code max} characters (a surrogate pair is never split), saying how much was left out. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "… (" + (text.length() - end) + " more characters cut)";
    }
}
