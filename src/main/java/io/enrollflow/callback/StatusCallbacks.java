package io.enrollflow.callback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.config.CallbackSettings;
import io.enrollflow.config.Redact;
import io.enrollflow.logging.Event;
import io.enrollflow.status.StatusChange;
import io.enrollflow.status.StatusListener;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Status callbacks (docs/contract.md §3): the Java half of routes/status-callbacks.camel.yaml. Every transition a
 * {@link StatusListener} hears is handed to that route's bounded {@code seda:} queue and nothing more, so a slow or dead
 * receiver never delays or fails a task; a full queue drops the callback (counted, WARN at most every 10 s). The route
 * POSTs it as JSON {@code {"taskId","status","reason","message","deliveryUrl","at"}} to
 * {@code enrollflow.status.callback-url} ({@code ${taskId}} filled in, URL-encoded), retries it with the redelivery
 * policy of routes/error-handling.camel.yaml ({@code callback-retries}), and when every attempt failed calls
 * {@link #gaveUp}: one WARN (the URL without its query or credentials, never the body) and the metric.
 * <p>
 * Callbacks are a notification, not the record: the status hash in Redis is the truth. A receiver may get one
 * transition more than once (a retry after a timeout) or, after a retry, out of order: {@code at} orders them.
 */
public final class StatusCallbacks implements StatusListener {

    /** The route that sends them; its consumer's endpoint is the queue (the YAML names it, not this class). */
    public static final String ROUTE_ID = "status-callbacks";
    /** Exchange properties: what a log line may say about a callback (the body and URL query are not logged). */
    static final String TASK = "enrollflowCallbackTask";
    static final String STATUS = "enrollflowCallbackStatus";

    private static final Logger LOG = LogManager.getLogger(StatusCallbacks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DROP_WARNING_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final String urlTemplate;
    private final int attempts;
    private final Duration timeout;
    private final Consumer<String> failures;
    private volatile CamelContext camel;
    private volatile Endpoint queue;
    private volatile ProducerTemplate template;
    private volatile long lastDropWarning;

    StatusCallbacks(String urlTemplate, int attempts, Duration timeout, Consumer<String> failures) {
        this.urlTemplate = urlTemplate;
        this.attempts = attempts;
        this.timeout = timeout;
        this.failures = failures;
    }

    /**
     * The callbacks the settings ask for; {@link #enabled()} is false when {@code enrollflow.status.callback-url} is
     * empty (the route still runs, idle, so that the routes are the same either way).
     *
     * @param failures told {@code retried}, {@code gave_up} or {@code dropped} for each failure (a metric)
     */
    public static StatusCallbacks from(CallbackSettings settings, Consumer<String> failures) {
        return new StatusCallbacks(settings.url(), settings.attempts(), settings.timeout(), failures);
    }

    /** True when a callback URL is set. */
    public boolean enabled() {
        return !urlTemplate.isEmpty();
    }

    /** Binds what the routes refer to: this ({@code statusCallbacks}, {@code callbackRetried}) and the whole-answer deadline. */
    public void install(CamelContext context) {
        this.camel = context;
        context.getRegistry().bind("statusCallbacks", this);
        context.getRegistry().bind("callbackRetried", (Processor) this::retried);
        context.getRegistry().bind("callbackDeadline", new WholeAnswerDeadline(context, timeout));
        if (enabled()) {
            Event.info(LOG).stage("callback").outcome("on").kv("url", Redact.url(urlTemplate)).kv("attempts", attempts)
                    .kv("timeout", timeout).log();
        }
    }

    /** Hands the transition to the route's queue and returns; never throws, never waits. */
    @Override
    public void changed(StatusChange change) {
        CamelContext context = camel;
        if (change.taskId() == null || !enabled() || context == null || context.getStatus().isStopped()) {
            // a payload without a task id has no status for the backend to follow; a stopped process posts nothing. A
            // stopping one still does: the pipeline's last runs end while the callbacks route, stopped last, still sends
            return;
        }
        try {
            Endpoint endpoint = queue();
            Exchange exchange = endpoint.createExchange(ExchangePattern.InOnly);
            exchange.getMessage().setBody(body(change));
            exchange.getMessage().setHeader(Exchange.HTTP_URI, url(change.taskId()));
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.setProperty(TASK, change.taskId());
            exchange.setProperty(STATUS, change.status().word());
            template().send(endpoint, exchange);
            if (exchange.getException() != null) {
                dropped(change, exchange.getException());
            }
        } catch (RuntimeException e) {
            // the queue refused it (full, or the route is gone): the task goes on, the callback is counted as dropped
            dropped(change, e);
        }
    }

    private void dropped(StatusChange change, Exception why) {
        failures.accept("dropped");
        long now = System.nanoTime();
        if (now - lastDropWarning > DROP_WARNING_EVERY) {
            lastDropWarning = now;
            Event.warn(LOG).task(change.taskId()).stage("callback").outcome("dropped")
                    .kv("status", change.status().word())
                    .error(why.getMessage()).note("the callback queue is full or stopped; the receiver is too slow or"
                            + " down (further drops in the next 10s are only counted)").log();
        }
    }

    private Endpoint queue() {
        Endpoint endpoint = queue;
        if (endpoint == null) {
            Route route = camel.getRoute(ROUTE_ID);
            if (route == null) {
                throw new IllegalStateException("no route " + ROUTE_ID);
            }
            endpoint = route.getEndpoint();
            queue = endpoint;
        }
        return endpoint;
    }

    private ProducerTemplate template() {
        ProducerTemplate current = template;
        if (current == null) {
            synchronized (this) {
                if (template == null) {
                    template = camel.createProducerTemplate();
                }
                current = template;
            }
        }
        return current;
    }

    /** Before each redelivery (the route's {@code onRedelivery}): counted, and a DEBUG line. */
    public void retried(Exchange exchange) {
        failures.accept("retried");
        Event.debug(LOG).task(exchange.getProperty(TASK)).stage("callback").outcome("retrying")
                .kv("status", exchange.getProperty(STATUS))
                .kv("attempt", exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER))
                .error(error(exchange)).log();
    }

    /** Every attempt failed: counted, one WARN. The task is not affected. */
    public void gaveUp(Exchange exchange) {
        failures.accept("gave_up");
        Event.warn(LOG).task(exchange.getProperty(TASK)).stage("callback").outcome("gave-up")
                .kv("status", exchange.getProperty(STATUS)).kv("attempts", attempts)
                .kv("url", Redact.url(exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class)))
                .error(error(exchange)).note("the task is not affected; its status hash has the transition").log();
    }

    /** What went wrong, without the URL's query or credentials: camel-http's own message holds the whole URL. */
    static String error(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) {
            e = exchange.getException();
        }
        if (e == null) {
            return "";
        }
        if (e instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Redact.url(e.getMessage()));
    }

    static String body(StatusChange change) {
        ObjectNode json = JSON.createObjectNode();
        json.put("taskId", change.taskId());
        json.put("status", change.status().word());
        json.put("reason", change.reason());
        json.put("message", change.message());
        json.put("deliveryUrl", change.deliveryUrl());
        json.put("at", change.at());
        return json.toString();
    }

    String url(String taskId) {
        return urlTemplate.replace(CallbackSettings.TASK_ID, URLEncoder.encode(taskId, StandardCharsets.UTF_8));
    }
}
