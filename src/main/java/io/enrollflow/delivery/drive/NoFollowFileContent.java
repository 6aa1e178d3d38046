package io.enrollflow.delivery.drive;

import com.google.api.client.http.AbstractInputStreamContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The Google client's {@code FileContent}, except that the file is opened with {@link LinkOption#NOFOLLOW_LINKS}
 * (CONTRACT §5): if a file of the task folder was swapped for a symbolic link after the tree was walked, the upload
 * fails instead of sending what the link points at. Re-readable (each attempt opens the file again), so a failed chunk
 * can be re-sent.
 */
final class NoFollowFileContent extends AbstractInputStreamContent {

    private final Path file;

    NoFollowFileContent(String type, Path file) {
        super(type);
        this.file = file;
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
        return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public NoFollowFileContent setType(String type) {
        return (NoFollowFileContent) super.setType(type);
    }

    @Override
    public NoFollowFileContent setCloseInputStream(boolean closeInputStream) {
        return (NoFollowFileContent) super.setCloseInputStream(closeInputStream);
    }
}
