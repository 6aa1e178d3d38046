package io.enrollflow.delivery.drive;

import com.google.api.client.http.AbstractInputStreamContent;
import io.enrollflow.status.ClaimLostException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The Google client's {@code FileContent}, except that the file is opened with {@link LinkOption#NOFOLLOW_LINKS}
 * (docs/contract.md §5): if a file of the task folder was swapped for a symbolic link after the tree was walked, the upload
 * fails instead of sending what the link points at. Re-readable (each attempt opens the file again), so a failed chunk
 * can be re-sent.
 * <p>
 * Its stream supports {@code mark}/{@code reset} by moving the file's position ({@link SeekableStream}). That matters
 * for memory and speed: {@code MediaHttpUploader} wraps a stream without mark support in a {@code BufferedInputStream}
 * and marks each chunk, which copies every chunk into a heap buffer of the chunk's size (256 MiB per upload at the
 * default). With this stream a chunk costs no heap whatever its size, so the chunk size only decides how many
 * requests a file takes.
 * <p>
 * The stream also asks the {@link DriveGuard} each time it reads from the file (every 8 KiB as the uploader copies):
 * a run whose instance may have been presumed dead, or came back since the stream opened, stops sending in the middle
 * of a chunk (docs/contract.md §7), not only before the next request, so a large chunk sends nothing more after a stall than a
 * small one would.
 */
final class NoFollowFileContent extends AbstractInputStreamContent {

    private final Path file;
    private final DriveGuard guard;

    NoFollowFileContent(String type, Path file, DriveGuard guard) {
        super(type);
        this.file = file;
        this.guard = guard;
    }

    @Override
    public long getLength() throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    }

    @Override
    public boolean retrySupported() {
        return true;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        long openedUnder = guard.generation().getAsLong();
        return new SeekableStream(Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), () -> {
            if (!guard.mayAct().getAsBoolean() || guard.generation().getAsLong() != openedUnder) {
                // unchecked, so no I/O handler retries it: the upload ends here, like a refusal before a request
                throw new ClaimLostException("-", "this instance may have been presumed dead; its upload stops");
            }
        });
    }

    @Override
    public NoFollowFileContent setType(String type) {
        return (NoFollowFileContent) super.setType(type);
    }

    @Override
    public NoFollowFileContent setCloseInputStream(boolean closeInputStream) {
        return (NoFollowFileContent) super.setCloseInputStream(closeInputStream);
    }

    /**
     * A file read straight through its channel into the reader's array (no buffer of its own: the uploader copies in
     * pieces of 8 KiB, as a plain copy loop does); {@link #mark} remembers a file position and {@link #reset} goes back
     * to it (any distance: the bytes are read again from the file, never kept), {@link #skip} moves forward. Used by
     * one thread at a time, like any stream.
     */
    static final class SeekableStream extends InputStream {

        private final SeekableByteChannel channel;
        private final Runnable beforeRead;
        private long mark = -1;

        /** @param beforeRead asked before each read from the file; may throw to end the upload */
        SeekableStream(SeekableByteChannel channel, Runnable beforeRead) {
            this.channel = channel;
            this.beforeRead = beforeRead;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            beforeRead.run();
            ByteBuffer into = ByteBuffer.wrap(b, off, len);
            int n;
            do {
                n = channel.read(into);
            } while (n == 0);
            return n;
        }

        /** Moves forward by up to {@code n} bytes, never past the end; returns how far it moved. */
        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            long from = channel.position();
            long target = from + Math.min(n, Math.max(0, channel.size() - from));
            channel.position(target);
            return target - from;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        /** Remembers the current position; {@code readLimit} does not matter, nothing is kept. */
        @Override
        public void mark(int readLimit) {
            try {
                mark = channel.position();
            } catch (IOException e) {
                // mark cannot throw: reset() then fails, and the upload with it (the task is retried)
                mark = -1;
            }
        }

        @Override
        public void reset() throws IOException {
            if (mark < 0) {
                throw new IOException("reset without mark");
            }
            channel.position(mark);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
