package io.enrollflow.delivery.drive;

import io.enrollflow.status.ClaimLostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoFollowFileContentTest {

    /** Bigger than any buffer a reader might keep: going back this far must read the file again. */
    private static final int BUFFER = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void theStreamSupportsMarkSoTheUploaderNeverCopiesAChunkIntoTheHeap() throws IOException {
        // MediaHttpUploader wraps a stream without mark support in a BufferedInputStream marked for a whole chunk
        try (InputStream in = content(bytes(10), DriveGuard.NONE).getInputStream()) {
            assertTrue(in.markSupported());
        }
    }

    @Test
    void resetGoesBackToTheMarkFromFarBeyondTheBufferAndSkipGoesForward() throws IOException {
        byte[] data = bytes(3 * BUFFER + 1234);
        try (InputStream in = content(data, DriveGuard.NONE).getInputStream()) {
            assertArrayEquals(Arrays.copyOfRange(data, 0, 1000), in.readNBytes(1000));
            in.mark(10);
            in.readNBytes(2 * BUFFER + 77); // far past the mark and the buffer: a chunk that failed
            in.reset();
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 1010), in.readNBytes(10));
            in.reset();
            assertEquals(BUFFER + 5, in.skip(BUFFER + 5)); // the part of the chunk the server has
            assertEquals(data[1000 + BUFFER + 5] & 0xff, in.read());
            assertEquals(data.length - (1000 + BUFFER + 6), in.skip(Long.MAX_VALUE), "never past the end");
            assertEquals(-1, in.read());
            in.reset();
            assertArrayEquals(Arrays.copyOfRange(data, 1000, data.length), in.readAllBytes());
        }
    }

    @Test
    void aResetWithoutMarkFails() throws IOException {
        try (InputStream in = content(bytes(10), DriveGuard.NONE).getInputStream()) {
            assertThrows(IOException.class, in::reset);
        }
    }

    @Test
    void theStreamStopsInTheMiddleOfAChunkOnceTheInstanceMayNoLongerAct() throws IOException {
        AtomicBoolean mayAct = new AtomicBoolean(true);
        try (InputStream in = content(bytes(4 * BUFFER), new DriveGuard(mayAct::get, () -> 0)).getInputStream()) {
            in.readNBytes(BUFFER);
            mayAct.set(false); // the lease lapsed: a stall

            assertThrows(ClaimLostException.class, () -> in.readNBytes(BUFFER));
        }
    }

    @Test
    void theStreamStopsOnceTheInstanceCameBackUnderANewGeneration() throws IOException {
        AtomicLong generation = new AtomicLong(3);
        try (InputStream in = content(bytes(4 * BUFFER), new DriveGuard(() -> true, generation::get)).getInputStream()) {
            in.readNBytes(BUFFER);
            generation.incrementAndGet(); // presumed dead and back: this upload belongs to a fenced run

            assertThrows(ClaimLostException.class, () -> in.readNBytes(BUFFER));
        }
    }

    @Test
    void aFileSwappedForALinkIsNotOpened() throws IOException {
        Path target = Files.write(tmp.resolve("secret"), bytes(10));
        Path link = Files.createSymbolicLink(tmp.resolve("f.bin"), target);
        NoFollowFileContent content = new NoFollowFileContent("application/octet-stream", link, DriveGuard.NONE);

        assertThrows(IOException.class, content::getInputStream);
    }

    private NoFollowFileContent content(byte[] data, DriveGuard guard) throws IOException {
        return new NoFollowFileContent("application/octet-stream", Files.write(tmp.resolve("f.bin"), data), guard);
    }

    private static byte[] bytes(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (i * 31 + i / 251);
        }
        return out;
    }
}
