package io.enrollflow.enroll;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.classic.RequestFailedException;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.TimeValue;

import java.io.IOException;

/**
 * The step of the enrollment client's request chain that takes the call's rate slot ({@link RateSlots#take}). It sits
 * after HttpClient's connect step and before its transport step: the connection is leased (from the pool, checked
 * when it was idle, or newly connected) and the next thing that happens is the request's bytes being written. When no
 * slot is free, nothing is sent: the untouched connection goes back to the pool and {@link SlotRefused} says how
 * long to wait.
 */
final class SlotAtTheWire implements ExecChainHandler {

    /** Its name in the chain. */
    static final String NAME = "enrollflow-rate-slot";

    private final RateSlots slots;

    SlotAtTheWire(RateSlots slots) {
        this.slots = slots;
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        long wait = slots.take();
        if (wait != 0) {
            // kept alive with no expiry of its own: the pool checks a connection idle over a second before reuse
            scope.execRuntime.markConnectionReusable(null, TimeValue.NEG_ONE_MILLISECOND);
            scope.execRuntime.releaseEndpoint();
            throw new SlotRefused(wait);
        }
        if (scope.execRuntime.isExecutionAborted()) {
            // the call's deadline passed while the slot was taken: the slot is spent, nothing is sent
            throw new RequestFailedException("Request aborted");
        }
        return chain.proceed(request, scope);
    }

    /** No slot now: nothing was sent, and the connection is back in the pool. */
    static final class SlotRefused extends RuntimeException {

        private final long waitMillis;

        SlotRefused(long waitMillis) {
            super("no enrollment rate slot for " + waitMillis + " ms", null, false, false);
            this.waitMillis = waitMillis;
        }

        long waitMillis() {
            return waitMillis;
        }
    }
}
