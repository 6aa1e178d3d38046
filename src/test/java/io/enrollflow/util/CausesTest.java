package io.enrollflow.util;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CausesTest {

    private final IOException inner = new IOException("connection refused");
    private final IllegalStateException middle = new IllegalStateException("wrapped", new UncheckedIOException(inner));
    private final RuntimeException outer = new RuntimeException("outer", middle);

    @Test
    void rootIsTheInnermostCause() {
        assertSame(inner, Causes.root(outer));
    }

    @Test
    void rootOfAnExceptionWithoutCauseIsItself() {
        assertSame(inner, Causes.root(inner));
    }

    @Test
    void deepestFindsTheInnermostOfTheType() {
        assertSame(middle.getCause(), Causes.deepest(outer, RuntimeException.class));
        assertSame(inner, Causes.deepest(outer, IOException.class));
    }

    @Test
    void deepestIsNullWhenNoCauseHasTheType() {
        assertNull(Causes.deepest(outer, ArithmeticException.class));
        assertNull(Causes.deepest(null, RuntimeException.class));
    }

    @Test
    void anyOfLooksThroughTheWholeChain() {
        assertTrue(Causes.anyOf(outer, List.of(ArithmeticException.class, IOException.class)));
        assertFalse(Causes.anyOf(outer, List.of(ArithmeticException.class, InterruptedException.class)));
    }
}
