package io.enrollflow.management;

import io.enrollflow.logging.Event;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may hold a connection to the management port, and for how long (docs/contract.md §8, §10).
 * <ul>
 *   <li>A connection is <em>waiting</em> until its request has arrived whole; a request must do so within
 *       {@link ManagementServer#MAX_REQUEST_SECONDS} of the connection, or the connection is closed.</li>
 *   <li>One address holds at most {@link #PER_ADDRESS} connections and all together at most {@link #TOTAL}. A new
 *       connection beyond either is let in by closing the oldest waiting connection, of its own address or else of the
 *       address holding the most; when none of those is waiting (every one has its answer being made), the new
 *       connection is closed at once.</li>
 * </ul>
 * Closing the oldest waiting connection rather than the newest is what keeps a probe answering through a flood, even
 * one from the probe's own address: a probe sends its request in one packet, so it is waiting for a moment only, while
 * a client that trickles its request stays waiting and is the one let go. A closed trickler that comes back joins the
 * end of the line.
 * <p>
 * All of this runs on the server's one event-loop thread, which is why the counts need no lock.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {

    /**
     * Connections one client address may hold. A browser opens six at most, a scraper or a probe one or two; the rest
     * is room for an address shared by many (an ingress, a NAT), and for a probe from a flooding address: a probe's
     * connection gives way only once this many newer ones have come in before its request.
     */
    static final int PER_ADDRESS = 128;
    /** Connections held by all clients together: a waiting connection costs a socket and a few KiB, no thread. */
    static final int TOTAL = 512;

    private static final Logger LOG = LogManager.getLogger(ConnectionGate.class);
    private static final AttributeKey<Boolean> WAITING = AttributeKey.valueOf("enrollflow.management.waiting");

    private final Map<InetAddress, ArrayDeque<Channel>> byAddress = new HashMap<>();
    private final AtomicLong lastWarning = new AtomicLong();
    private int total;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel channel = ctx.channel();
        InetAddress address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        channel.attr(WAITING).set(true);
        ArrayDeque<Channel> own = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
        boolean room = (own.size() < PER_ADDRESS || closeOldestWaiting(own))
                && (total < TOTAL || closeOldestWaiting(busiest()));
        if (!room) {
            if (own.isEmpty()) {
                byAddress.remove(address);
            }
            warn(address);
            channel.close();
            return;
        }
        // closing the busiest address's oldest may have emptied and dropped this very list
        byAddress.put(address, own);
        own.addLast(channel);
        total++;
        channel.closeFuture().addListener(closed -> forget(address, channel));
        ctx.executor().schedule(() -> {
            if (waiting(channel)) {
                channel.close();
            }
        }, ManagementServer.MAX_REQUEST_SECONDS, TimeUnit.SECONDS);
        super.channelActive(ctx);
    }

    /**
     * Marks the connection's request as arrived whole; false when one had already arrived (a second request on the
     * connection, which is not served: the connection closes after the first answer).
     */
    static boolean arrived(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(WAITING).getAndSet(false));
    }

    private static boolean waiting(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(WAITING).get());
    }

    /** Closes the oldest waiting connection of these; false when none is waiting. */
    private boolean closeOldestWaiting(ArrayDeque<Channel> connections) {
        for (Iterator<Channel> it = connections.iterator(); it.hasNext(); ) {
            Channel oldest = it.next();
            if (waiting(oldest)) {
                it.remove();
                total--;
                InetAddress address = ((InetSocketAddress) oldest.remoteAddress()).getAddress();
                if (connections.isEmpty()) {
                    byAddress.remove(address);
                }
                warn(address);
                oldest.close();
                return true;
            }
        }
        return false;
    }

    private ArrayDeque<Channel> busiest() {
        ArrayDeque<Channel> most = new ArrayDeque<>();
        for (ArrayDeque<Channel> connections : byAddress.values()) {
            if (connections.size() > most.size()) {
                most = connections;
            }
        }
        return most;
    }

    private void forget(InetAddress address, Channel channel) {
        ArrayDeque<Channel> own = byAddress.get(address);
        if (own != null && own.remove(channel)) {
            total--;
            if (own.isEmpty()) {
                byAddress.remove(address);
            }
        }
    }

    /** One WARN per 10 s at most: a flood must not flood the log too. */
    private void warn(InetAddress address) {
        if (ManagementServer.firstIn10Seconds(lastWarning)) {
            Event.warn(LOG).stage("management").outcome("connections-capped").kv("remote", address.getHostAddress())
                    .note("a client address holds " + PER_ADDRESS + " connections or all hold " + TOTAL
                            + ": the oldest still sending its request is closed").log();
        }
    }
}
