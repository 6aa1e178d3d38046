package io.enrollflow.callback;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A bound on a callback's whole answer (docs/contract.md §10), which camel-http's timeouts do not give: its response timeout
 * is between two reads, so a receiver trickling its answer a byte a second would hold the route's one consumer, and
 * every later callback, for as long as it likes. When the bound passes, the connection is closed under the request:
 * the attempt fails (and is retried like any failure). Closing a connection that already went back to the pool, or
 * was closed, does nothing.
 */
public final class WholeAnswerDeadline implements HttpClientConfigurer {

    private final ScheduledExecutorService timer;
    private final long millis;

    WholeAnswerDeadline(CamelContext camel, Duration timeout) {
        // one thread that only closes sockets; Camel's manager names it and stops it with the context
        this.timer = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "callback-deadline");
        this.millis = timeout.toMillis();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("whole-answer-deadline", (request, scope, chain) -> {
            timer.schedule(scope.execRuntime::discardEndpoint, millis, TimeUnit.MILLISECONDS);
            return chain.proceed(request, scope);
        });
    }
}
