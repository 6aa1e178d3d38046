package io.enrollflow.delivery;

/**
 * A delivery begun while the download runs (docs/contract.md §5): it takes the files the download is done with
 * ({@link QuietFiles}) and sends them; the delivery after the download ends judges the whole tree and completes it.
 * Closed when the download ends, however it ends.
 */
public interface Overlap extends AutoCloseable {

    /** No delivery during the download (folder delivery, or the setting off). */
    Overlap NONE = () -> { };

    /**
     * Takes no more files, drops the ones not begun and waits for the uploads under way: the delivery after this must
     * not meet an upload still in flight (it would send the same file again). An upload of a fenced run has stopped
     * already, at its next read of the file.
     */
    @Override
    void close();

    /** What a delivery during the download asks of the task's run. */
    interface Run {

        /**
         * Throws {@link io.enrollflow.status.ClaimLostException} when the run must send nothing more: it was fenced, its
         * instance's lease lapsed, or its claim was taken over. Asked before each file.
         */
        void ensureClaimed();

        /** True once the run was fenced: an upload under way stops at its next read of the file. */
        boolean fenced();

        /** Says how far the uploads got, in the task's status message; its status stays {@code downloading}. */
        void progress(String message);
    }
}
