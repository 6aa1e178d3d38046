package io.enrollflow.enroll;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;

import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * The connection pool's builder, with sockets made from {@link SocketChannel}s: an interrupt of the thread blocked
 * on one (the consumer's shutdown, past its grace period) closes it and ends the connect or read at once, where a
 * plain {@link Socket} would hold the worker until the deadline. Everything else is the builder's default.
 */
final class InterruptibleSockets extends PoolingHttpClientConnectionManagerBuilder {

    @Override
    protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports, DnsResolver dns,
                                                                    TlsSocketStrategy tls) {
        return new DefaultHttpClientConnectionOperator(
                proxy -> proxy == null ? SocketChannel.open().socket() : new Socket(proxy), ports, dns,
                RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
    }
}
