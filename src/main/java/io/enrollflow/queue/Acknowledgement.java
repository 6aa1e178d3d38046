package io.enrollflow.queue;

import io.enrollflow.logging.Event;
import io.enrollflow.status.ClaimLostException;
import io.enrollflow.task.TaskRun;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Route;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.redisson.api.RList;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

import java.util.function.Supplier;

/**
 * The end of one run on a consumer thread ({@link RedisQueueConsumer}): what its outcome means for the payload in the
 * processing list, and where a run that decided nothing stopped.
 */
final class Acknowledgement {

    /** The consumer's logger: these lines are the consumer's, and operators filter on it. */
    private static final Logger LOG = LogManager.getLogger(RedisQueueConsumer.class);

    private final RedisQueueEndpoint endpoint;
    /** The consumer's handler, asked each time: Camel may replace it after the consumer was built. */
    private final Supplier<ExceptionHandler> exceptionHandler;

    Acknowledgement(RedisQueueEndpoint endpoint, Supplier<ExceptionHandler> exceptionHandler) {
        this.endpoint = endpoint;
        this.exceptionHandler = exceptionHandler;
    }

    /**
     * The acknowledgement rule: a run that reached a decision was released from the processing list in that
     * decision's Redis step; a run that intake ignored (a duplicate, a completed task, one waiting for its retry) is
     * removed here, and it is the only kind acknowledged without a decision. A fenced run (its task was taken over)
     * writes nothing, not even this. A run that ended with an exception (its decision could not be recorded) stays in
     * the processing list, so recovery puts it back on the queue: it is never dropped.
     */
    void acknowledge(Exchange exchange, TaskRun run, String raw, String processing) {
        String id = run.taskId() == null ? "-" : run.taskId();
        Exception failure = exchange.getException();
        try {
            if (run.fenced() || causedBy(failure, ClaimLostException.class)) {
                Event.warn(LOG).task(id).stage(run.stage().word()).outcome("fenced")
                        .note("its claim was taken over (this instance was presumed dead); the run stopped and wrote"
                                + " nothing").log();
                endpoint.getComponent().getInFlight().events().fenced();
            } else if (failure != null && endpoint.getComponent().getInFlight().interrupting()) {
                // interrupted by shutdown: the hand-back that follows puts it back on the queue
                Event.info(LOG).task(id).stage("shutdown").outcome("interrupted").note("handed back to the queue").log();
            } else if (failure != null) {
                // no decision recorded: the task stays in the processing list; recovery requeues it
                exceptionHandler.get().handleException("task " + id + " ended without a recorded decision; it stays in "
                        + processing + " for recovery", exchange, failure);
            } else if (run.ignored()) {
                RList<String> list = endpoint.getComponent().getRedisson().getList(processing, StringCodec.INSTANCE);
                list.remove(raw, 1);
            }
        } catch (RedisException e) {
            // acknowledging failed: the task stays in the processing list; recovery finds it already decided
            Event.warn(LOG).task(id).stage("intake").outcome("ack-failed").error(e.getMessage()).log();
        }
    }

    /** Where a run went last: the route of the last endpoint it was sent to, and the last step Camel recorded. */
    String lastStep(Exchange exchange, TaskRun run) {
        String route = exchange.getFromRouteId();
        String to = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        if (to != null) {
            for (Route candidate : endpoint.getCamelContext().getRoutes()) {
                if (to.equals(candidate.getEndpoint().getEndpointUri())) {
                    route = candidate.getRouteId();
                }
            }
        }
        String node = exchange.getExchangeExtension().getHistoryNodeId();
        return "route " + route + ", step " + (node != null ? node : to != null ? "to " + to : run.stage().word());
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
