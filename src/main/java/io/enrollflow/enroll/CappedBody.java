package io.enrollflow.enroll;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body kept up to a cap (CONTRACT §10): past it the subscription is cancelled (the JDK client then closes
 * the connection) and the body is what arrived so far, marked {@link Body#cut()}. Buffers are asked for one at a time,
 * so at most one buffer beyond the cap is ever in memory.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Body> {

    /** What was kept, and whether more was sent. */
    record Body(byte[] bytes, boolean cut) {
    }

    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int cap) {
        this.cap = cap;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int room = cap - kept.size();
            int n = Math.min(room, buffer.remaining());
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            kept.write(bytes, 0, n);
            if (buffer.hasRemaining()) {
                subscription.cancel();
                result.complete(new Body(kept.toByteArray(), true));
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(kept.toByteArray(), false));
    }
}
