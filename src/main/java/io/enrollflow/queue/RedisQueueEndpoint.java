package io.enrollflow.queue;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** A Redis list consumed reliably; see {@link RedisQueueConsumer} for the take/acknowledge cycle. Consumer only. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "redis-queue", title = "Redis reliable queue", syntax = "redis-queue:key",
        consumerOnly = true, category = {})
public class RedisQueueEndpoint extends DefaultEndpoint {

    @UriPath(description = "The Redis list producers LPUSH onto")
    private final String key;
    // no defaults here: each option is required, the pipeline route passing the setting (application.properties
    // holds every default, RedisQueueComponent.REQUIRED_OPTIONS)
    @UriParam(description = "Consumer threads: tasks in flight at once")
    private int concurrency;
    @UriParam(description = "How long one BLMOVE blocks (ms) before the loop checks for shutdown")
    private long pollTimeout;
    @UriParam(description = "On stop, how long in-flight tasks may take to finish (ms)")
    private long shutdownTimeout;

    public RedisQueueEndpoint(String uri, RedisQueueComponent component, String key) {
        super(uri, component);
        this.key = key;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("redis-queue only consumes; producers LPUSH onto " + key + " themselves");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RedisQueueConsumer consumer = new RedisQueueConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public RedisQueueComponent getComponent() {
        return (RedisQueueComponent) super.getComponent();
    }

    public String getKey() {
        return key;
    }

    public int getConcurrency() {
        return concurrency;
    }

    /** Consumer threads: tasks in flight at once in this instance. */
    public void setConcurrency(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.concurrency = concurrency;
    }

    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** On stop, how long in-flight tasks may take to finish (ms); then they are interrupted and handed back. */
    public void setShutdownTimeout(long shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public long getPollTimeout() {
        return pollTimeout;
    }

    /** How long one BLMOVE blocks (ms) before the loop looks again whether it should stop. */
    public void setPollTimeout(long pollTimeout) {
        this.pollTimeout = pollTimeout;
    }
}
