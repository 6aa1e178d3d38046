package io.enrollflow.tracing;

import io.opentelemetry.context.Context;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultThreadPoolFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Camel's thread pools, each running a task on the trace context it was handed over on (what camel-opentelemetry's
 * first version does with its instrumented pool factory). camel-google-drive makes each Drive call on a pool thread of
 * its own, and the parallel uploads run on pool threads too: with this, their HTTP requests' spans stay in the task's
 * trace. Installed only while tracing is on.
 */
final class ContextThreadPools extends DefaultThreadPoolFactory {

    @Override
    public ExecutorService newCachedThreadPool(ThreadFactory threadFactory) {
        return Context.taskWrapping(super.newCachedThreadPool(threadFactory));
    }

    @Override
    public ExecutorService newThreadPool(int corePoolSize, int maxPoolSize, long keepAliveTime, TimeUnit timeUnit,
                                         int maxQueueSize, boolean allowCoreThreadTimeOut,
                                         RejectedExecutionHandler rejectedExecutionHandler, ThreadFactory threadFactory) {
        return Context.taskWrapping(super.newThreadPool(corePoolSize, maxPoolSize, keepAliveTime, timeUnit, maxQueueSize,
                allowCoreThreadTimeOut, rejectedExecutionHandler, threadFactory));
    }

    @Override
    public ScheduledExecutorService newScheduledThreadPool(ThreadPoolProfile profile, ThreadFactory threadFactory) {
        return Context.taskWrapping(super.newScheduledThreadPool(profile, threadFactory));
    }
}
