package io.enrollflow.management;

import io.enrollflow.logging.Event;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Wrong tokens per client address (docs/contract.md §8, §10), shared by the API's bearer tokens and the console's
 * sign-in: each address has an allowance of {@code enrollflow.management.wrong-tokens-per-minute} wrong tokens, which
 * grows back evenly over a minute. While it is spent, the address is answered 429 with {@code Retry-After}, and its
 * tokens are not looked at: a guesser learns nothing while it waits, so guessing runs at that many a minute per address
 * at most. A right token costs nothing; a missing one is no guess and is not counted. The allowance is this instance's:
 * behind a load balancer each instance counts its own. An IPv6 client is counted by its /64, the block one host
 * usually holds whole (counting single addresses would give it 2^64 allowances).
 * <p>
 * The log gets one WARN per address per minute at most, with the counts since the last: the first wrong token from an
 * address at once, the rest gathered ({@link #flush()} runs each minute), so a guesser cannot flood the log either.
 * Only {@link #MAX_ADDRESSES} addresses are remembered; the one least recently seen is forgotten first.
 */
public final class WrongTokens {

    static final int MAX_ADDRESSES = 10_000;
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Logger LOG = LogManager.getLogger(WrongTokens.class);

    /** One address's allowance and what it did since its last log line. */
    private static final class Address {
        double allowance;
        long refilledAt;
        long loggedAt;
        boolean logged;
        int wrong;
        int throttled;
    }

    private final LongSupplier clock;
    /** Wrong tokens an address may send before it must wait. */
    private final int burst;
    /** Time for the allowance to grow back by one. */
    private final long refillNanos;
    private final Map<String, Address> addresses = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Address> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** @param perMinute wrong tokens an address may send at once, and again each minute */
    public WrongTokens(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    WrongTokens(int perMinute, LongSupplier clock) {
        this.clock = clock;
        this.burst = perMinute;
        this.refillNanos = TimeUnit.MINUTES.toNanos(1) / perMinute;
    }

    /** Seconds this address must wait before a token of its is looked at; 0 when it may try now. */
    public synchronized long retryAfterSeconds(String address) {
        Address a = addresses.get(key(address));
        if (a == null) {
            return 0;
        }
        refill(a, clock.getAsLong());
        // the epsilon keeps a wait of exactly n seconds from reading as n and a rounding error
        return a.allowance >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - a.allowance) * refillNanos / 1e9 - 1e-6));
    }

    /** Counts a wrong token from this address. */
    public void wrong(String address) {
        Tally line;
        synchronized (this) {
            long now = clock.getAsLong();
            String key = key(address);
            Address a = addresses.computeIfAbsent(key, k -> {
                Address fresh = new Address();
                fresh.allowance = burst;
                fresh.refilledAt = now;
                return fresh;
            });
            refill(a, now);
            a.allowance = Math.max(0, a.allowance - 1);
            a.wrong++;
            line = !a.logged || now - a.loggedAt >= LOG_EVERY_NANOS ? take(key, a, now) : null;
        }
        log(line);
    }

    /** Counts an attempt turned away with 429 (its token not looked at). */
    public synchronized void throttled(String address) {
        Address a = addresses.get(key(address));
        if (a != null) {
            a.throttled++;
        }
    }

    /** Logs what each address did since its line a minute or more ago; forgets addresses that are idle again. */
    public void flush() {
        List<Tally> lines = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            for (Iterator<Map.Entry<String, Address>> it = addresses.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Address> entry = it.next();
                Address a = entry.getValue();
                refill(a, now);
                boolean pending = a.wrong + a.throttled > 0;
                if (pending && now - a.loggedAt >= LOG_EVERY_NANOS) {
                    lines.add(take(entry.getKey(), a, now));
                } else if (!pending && a.allowance >= burst && now - a.loggedAt >= LOG_EVERY_NANOS) {
                    it.remove();
                }
            }
        }
        lines.forEach(this::log);
    }

    /** What an address is counted under: an IPv4 address itself, an IPv6 one its /64. */
    static String key(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            // a literal: no name is looked up
            byte[] b = InetAddress.getByName(address).getAddress();
            if (b.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString((b[i] & 0xff) << 8 | b[i + 1] & 0xff)).append(':');
            }
            return prefix + ":/64";
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private void refill(Address a, long now) {
        a.allowance = Math.min(burst, a.allowance + (double) (now - a.refilledAt) / refillNanos);
        a.refilledAt = now;
    }

    /** What an address did since its last line; {@code since} is null for its first line. */
    private record Tally(String address, int wrong, int throttled, String since) {
    }

    private static Tally take(String address, Address a, long now) {
        Tally line = new Tally(address, a.wrong, a.throttled,
                a.logged ? TimeUnit.NANOSECONDS.toSeconds(now - a.loggedAt) + "s" : null);
        a.logged = true;
        a.loggedAt = now;
        a.wrong = 0;
        a.throttled = 0;
        return line;
    }

    private void log(Tally line) {
        if (line != null) {
            Event event = Event.warn(LOG).stage("management").outcome("wrong-tokens").kv("remote", line.address())
                    .kv("wrong", line.wrong()).kv("throttled", line.throttled());
            if (line.since() != null) {
                event.kv("since", line.since());
            }
            event.note("tokens are never logged; past " + burst + " wrong ones a minute an address is answered 429").log();
        }
    }
}
