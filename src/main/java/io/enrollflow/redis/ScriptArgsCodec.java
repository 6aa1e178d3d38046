package io.enrollflow.redis;

import io.netty.buffer.Unpooled;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Encoder;

import java.nio.charset.StandardCharsets;

/**
 * {@link StringCodec} for the scripts' arguments: each one is sent as its UTF-8 bytes wrapped on the heap, where
 * StringCodec takes a pooled direct buffer per argument (a measurable share of a worker's CPU for the three scripts of a task,
 * measured with perf in bench/run.sh). Replies are read as StringCodec reads them.
 */
public final class ScriptArgsCodec extends StringCodec {

    public static final ScriptArgsCodec INSTANCE = new ScriptArgsCodec();

    private static final Encoder UTF8_ON_HEAP = in -> Unpooled.wrappedBuffer(in.toString().getBytes(StandardCharsets.UTF_8));

    @Override
    public Encoder getValueEncoder() {
        return UTF8_ON_HEAP;
    }
}
