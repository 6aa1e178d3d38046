package io.enrollflow.management;

import com.sun.net.httpserver.HttpHandler;
import io.enrollflow.logging.Event;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands a request that arrived whole to whoever answers it: liveness is answered here, on the event loop (it reads the
 * Camel context's state and nothing else, so it never blocks, and it waits for no thread); readiness, which asks Redis,
 * goes to the probes' own small pool; everything else to the serving pool, so a burst of API or console work never
 * queues a probe. A request the codec
 * could not read, with too many headers, or whose target is no URI is answered here, on the event loop, and goes no
 * further. A pool that is full answers 503 at once.
 */
@ChannelHandler.Sharable
final class RequestDispatch extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LogManager.getLogger(RequestDispatch.class);

    private final HttpHandler handler;
    private final Executor probes;
    private final Executor workers;
    private final AtomicLong lastBusy = new AtomicLong();

    RequestDispatch(HttpHandler handler, Executor probes, Executor workers) {
        this.handler = handler;
        this.probes = probes;
        this.workers = workers;
    }

    /** The paths served by the probes' pool. */
    static boolean probe(String path) {
        return path != null && path.startsWith("/observe/health");
    }

    /** The liveness path, answered on the event loop. */
    static boolean liveness(String path) {
        return "/observe/health/live".equals(path);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Channel channel = ctx.channel();
        if (!ConnectionGate.arrived(channel)) {
            return;
        }
        // one request per connection: nothing more is read from it
        channel.config().setAutoRead(false);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                refuse(channel, HttpResponseStatus.REQUEST_URI_TOO_LONG, "the request line is too long");
            } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                refuse(channel, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "the headers are too large");
            } else {
                refuse(channel, HttpResponseStatus.BAD_REQUEST, "the request is not valid HTTP/1.1");
            }
            return;
        }
        if (request.headers().size() > ManagementServer.MAX_HEADERS) {
            refuse(channel, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many headers");
            return;
        }
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            refuse(channel, HttpResponseStatus.BAD_REQUEST, "the request target is not a URI");
            return;
        }
        BufferedExchange exchange = new BufferedExchange(channel, request, uri);
        if (liveness(uri.getRawPath())) {
            serve(exchange);
            return;
        }
        try {
            (probe(uri.getRawPath()) ? probes : workers).execute(() -> serve(exchange));
        } catch (RejectedExecutionException full) {
            if (ManagementServer.firstIn10Seconds(lastBusy)) {
                Event.warn(LOG).stage("management").outcome("busy").note("every serving thread is taken and the queue"
                        + " is full: requests are answered 503 until some finish").log();
            }
            refuse(channel, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy; try again");
        }
    }

    private void serve(BufferedExchange exchange) {
        try (exchange) {
            handler.handle(exchange);
        } catch (IOException e) {
            // the answer is gathered in memory: nothing of the client's can fail it
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset or a broken pipe: the client went away; nothing to answer
        ctx.close();
    }

    /** A JSON error, as the API's, then the connection closes. */
    private static void refuse(Channel channel, HttpResponseStatus status, String message) {
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
