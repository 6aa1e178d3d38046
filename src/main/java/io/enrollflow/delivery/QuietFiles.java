package io.enrollflow.delivery;

import io.enrollflow.download.TaskTree;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which files of a task folder the download seems done with while it still runs (docs/contract.md §5): a file whose
 * name does not look like a download tool's temporary, beside which no tool keeps its control file, and that either
 * has kept its size and last-modified time for the quiet period, or has just taken the place of its own {@code .part}
 * (the tool renamed it: by its own convention the file is complete, and waiting out the quiet period would only
 * delay it). Fed one walk of the folder at a time ({@link #settled}); each file is handed out once, and again only
 * after it changed and settled anew.
 * <p>
 * Taking a file too early costs bandwidth, never correctness: the pass after the download replaces what changed. Not
 * taking one costs nothing but the overlap. So the temporaries are recognised generously: the suffixes {@code .part},
 * {@code .tmp}, {@code .aria2}, {@code .ytdl}, {@code .crdownload}, yt-dlp's fragments ({@code .part-Frag3}), its
 * streams before the merge ({@code name.f137.mp4}) and its merge output ({@code name.temp.mp4}); and a file with
 * {@code <name>.aria2} or {@code <name>.ytdl} beside it (aria2c and yt-dlp write into the final name meanwhile).
 * Used by one thread.
 */
public final class QuietFiles {

    private static final Pattern TEMPORARY = Pattern.compile(
            "(?i).*(\\.(part|tmp|aria2|ytdl|crdownload)|\\.part-frag\\d+|\\.f\\d+\\.[a-z0-9]+|\\.temp\\.[a-z0-9]+)");
    private static final List<String> CONTROL_FILES = List.of(".aria2", ".ytdl");
    /** The names tools write a file under until it is complete, then rename it from. */
    private static final List<String> RENAMED_FROM = List.of(".part", ".crdownload", ".tmp");

    private record Seen(long size, long modified, long since, boolean handedOut) {
    }

    private final long quietNanos;
    private final Map<Path, Seen> seen = new HashMap<>();
    /** Every file of the walk before. */
    private Set<Path> before = Set.of();

    public QuietFiles(Duration quietPeriod) {
        this.quietNanos = quietPeriod.toNanos();
    }

    /** True for a name a download tool gives a file it has not finished. */
    public static boolean looksTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /**
     * The files of this walk that have now been quiet for the quiet period, not handed out before in this state.
     *
     * @param now {@link System#nanoTime()} at the walk
     */
    public List<TaskTree.Entry> settled(TaskTree tree, long now) {
        Set<Path> present = new HashSet<>();
        tree.files().forEach(f -> present.add(f.path()));
        seen.keySet().retainAll(present);
        List<TaskTree.Entry> out = new ArrayList<>();
        for (TaskTree.Entry file : tree.files()) {
            if (unfinished(file.path(), present)) {
                continue;
            }
            Seen last = seen.get(file.path());
            if (last == null && renamedFromItsPart(file.path(), present)) {
                seen.put(file.path(), new Seen(file.size(), file.modified(), now, true));
                out.add(file);
            } else if (last == null || last.size() != file.size() || last.modified() != file.modified()) {
                seen.put(file.path(), new Seen(file.size(), file.modified(), now, false));
            } else if (!last.handedOut() && now - last.since() >= quietNanos) {
                seen.put(file.path(), new Seen(file.size(), file.modified(), last.since(), true));
                out.add(file);
            }
        }
        before = present;
        return out;
    }

    /** New in this walk, where the walk before had {@code <name>.part} (or the like), which is gone now. */
    private boolean renamedFromItsPart(Path file, Set<Path> present) {
        String name = file.getFileName().toString();
        return !before.contains(file) && RENAMED_FROM.stream().map(suffix -> file.resolveSibling(name + suffix))
                .anyMatch(part -> before.contains(part) && !present.contains(part));
    }

    private static boolean unfinished(Path file, Set<Path> present) {
        for (Path part : file) {
            if (looksTemporary(part.toString())) {
                return true; // the file, or a folder it lies in
            }
        }
        String name = file.getFileName().toString();
        return CONTROL_FILES.stream().anyMatch(suffix -> present.contains(file.resolveSibling(name + suffix)));
    }
}
