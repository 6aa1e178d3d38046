package io.enrollflow.util;

import org.apache.camel.util.ObjectHelper;

import java.util.List;

/**
 * Questions about an exception's cause chain that Camel's {@link ObjectHelper#getException(Class, Throwable)} (the
 * outermost cause of a type) does not answer: the innermost cause, the innermost of a type, any of several types.
 * For the outermost cause of one type, call {@code ObjectHelper.getException} itself.
 */
public final class Causes {

    private Causes() {
    }

    /** The innermost cause (the exception itself when it has none). */
    public static Throwable root(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The innermost exception of the type in the chain, or null: a wrapper's own cause often names more. */
    public static <T extends Throwable> T deepest(Throwable error, Class<T> type) {
        T found = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                found = type.cast(t);
            }
        }
        return found;
    }

    /** True when the exception or one of its causes is of one of the types. */
    public static boolean anyOf(Throwable error, List<Class<? extends Throwable>> types) {
        return types.stream().anyMatch(type -> ObjectHelper.getException(type, error) != null);
    }
}
