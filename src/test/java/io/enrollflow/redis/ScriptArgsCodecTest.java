package io.enrollflow.redis;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The scripts' arguments go out as StringCodec would send them, from heap buffers; replies read the same. */
class ScriptArgsCodecTest {

    @Test
    void argumentsAreTheirUtf8BytesAsStringCodecSendsThem() throws IOException {
        for (Object arg : new Object[] {"plain", "", "Zoë <ö@exämple.com> ✓ 🎓", 42L, 7, "line\nbreak"}) {
            ByteBuf ours = ScriptArgsCodec.INSTANCE.getValueEncoder().encode(arg);
            ByteBuf theirs = StringCodec.INSTANCE.getValueEncoder().encode(arg);
            try {
                assertFalse(ours.isDirect() && ours.capacity() > 0, "a heap buffer, not a pooled direct one: " + arg);
                assertEquals(theirs.toString(StandardCharsets.UTF_8), ours.toString(StandardCharsets.UTF_8));
                assertEquals(arg.toString(), new String(bytes(ours), StandardCharsets.UTF_8));
            } finally {
                ours.release();
                theirs.release();
            }
        }
    }

    @Test
    void repliesAreReadAsStringCodecReadsThem() throws IOException {
        ByteBuf reply = StringCodec.INSTANCE.getValueEncoder().encode("Zoë ✓");
        try {
            assertEquals("Zoë ✓", ScriptArgsCodec.INSTANCE.getValueDecoder().decode(reply, null));
        } finally {
            reply.release();
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }
}
