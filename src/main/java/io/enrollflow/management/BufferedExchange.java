package io.enrollflow.management;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request, already read whole by the server's event loop, seen through the JDK's {@link HttpExchange} so that the
 * router and the console keep their plain {@code HttpHandler} shape. The answer is gathered in memory and written as
 * one message when the exchange is closed; the connection is closed after it (one request per connection: nothing
 * waits idle between requests). A handler's thread therefore never waits for the client, in either direction.
 */
final class BufferedExchange extends HttpExchange {

    private final Channel channel;
    private final String method;
    private final URI uri;
    private final String protocol;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream body;
    private OutputStream out;
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private int status = -1;
    private boolean noBody;
    private boolean sent;

    /** @param uri the request target, already parsed (a target that is no URI is refused before an exchange exists) */
    BufferedExchange(Channel channel, FullHttpRequest request, URI uri) {
        this.channel = channel;
        this.method = request.method().name();
        this.uri = uri;
        this.protocol = request.protocolVersion().text();
        request.headers().forEach(header -> requestHeaders.add(header.getKey(), header.getValue()));
        this.body = new ByteArrayInputStream(ByteBufUtil.getBytes(request.content()));
        this.out = answer;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    /** There are no contexts: the server hands every request to one handler. */
    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public InputStream getRequestBody() {
        return body;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    /** As the JDK's: a length of -1 means no body; any other the body written to {@link #getResponseBody()}. */
    @Override
    public void sendResponseHeaders(int code, long length) {
        if (status < 0) {
            status = code;
            noBody = length == -1;
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public String getProtocol() {
        return protocol;
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        if (in != null) {
            this.body = in;
        }
        if (out != null) {
            this.out = out;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /**
     * Writes the answer and closes the connection after it; an exchange closed before any answer was started gets a
     * 500. A HEAD answer keeps a {@code Content-Length} its handler set (the length GET would have), and has no body.
     */
    @Override
    public void close() {
        if (sent) {
            return;
        }
        sent = true;
        int code = status < 0 ? 500 : status;
        boolean head = method.equals("HEAD");
        byte[] bytes = noBody || head || status < 0 ? new byte[0] : answer.toByteArray();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.wrappedBuffer(bytes));
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        boolean lengthless = code < 200 || code == 204 || code == 304;
        if (lengthless) {
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (!head || !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        try {
            // a client that does not take its answer is cut off after a while; the answer stays in memory till then
            ScheduledFuture<?> cut = channel.eventLoop().schedule(() -> channel.close(),
                    ManagementServer.MAX_RESPONSE_SECONDS, TimeUnit.SECONDS);
            channel.writeAndFlush(response).addListener(written -> {
                cut.cancel(false);
                channel.close();
            });
        } catch (RejectedExecutionException stopping) {
            // the server stopped while this answer was being made: its connection is closed with the server
            response.release();
        }
    }
}
