package io.enrollflow.demo;

import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.util.Masking;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The demo's closing summary: a table of the tasks, the counts, the dead letter of the failure, where the files are,
 * and what an operator would type next. Reads only what the demo collected before it stopped Redis, plus the folders.
 */
final class DemoReport {

    private final PrintStream out;
    private final String jarCommand;

    DemoReport(PrintStream out, String jarCommand) {
        this.out = out;
        this.jarCommand = jarCommand;
    }

    /**
     * @param hashes      each task's final status hash
     * @param deadLetters the dead-letter record of each failed task
     * @param unexpected  one line per task that did not end as the demo expected (empty when all did)
     */
    void print(List<DemoTask> tasks, Map<String, Map<String, String>> hashes, Map<String, DeadLetter> deadLetters,
               List<String> unexpected, Path delivered, Path work) {
        long completed = tasks.stream().filter(t -> "completed".equals(status(hashes, t))).count();
        long failed = tasks.stream().filter(t -> "failed".equals(status(hashes, t))).count();
        long failedOnPurpose = tasks.stream().filter(t -> !t.completes() && "failed".equals(status(hashes, t))).count();

        out.println();
        out.println("Summary");
        out.println("-------");
        table(tasks, hashes);
        out.println();
        out.printf(Locale.ROOT, "  %d completed, %d failed", completed, failed);
        if (unexpected.isEmpty() && failedOnPurpose > 0) {
            out.printf(Locale.ROOT, " (%d rejected on purpose: that failure, and its WARN log line, are expected)",
                    failedOnPurpose);
        }
        out.println(".");
        if (!unexpected.isEmpty()) {
            out.println("  Not as expected:");
            unexpected.forEach(line -> out.println("    " + line));
        }

        if (!deadLetters.isEmpty()) {
            out.println();
            out.println("Dead letters (enrollflow keeps one record per failed task, for `dlq show` and `dlq replay`):");
            deadLetters.values().forEach(this::deadLetter);
        }

        out.println();
        out.println("Where to look");
        out.println("-------------");
        out.println("  Delivered courses (enrollflow.delivery.folder, one folder per task):");
        out.println("    " + delivered);
        listing(delivered);
        Path logs = work.resolve(io.enrollflow.download.DownloadRunner.LOGS_FOLDER);
        out.println("  Download logs (<enrollflow.download.work-dir>/_logs, one <taskId>.log per task that downloaded;");
        out.println("  task folders in the work-dir are removed once delivered):");
        out.println("    " + logs);
        logs(logs);

        out.println();
        out.println("Next steps");
        out.println("----------");
        out.println("  The demo's Redis stopped with the demo, so its statuses and dead letters are gone now.");
        out.println("  Against your own Redis (enrollflow.redis.url in application.properties, or ENROLLFLOW_REDIS_URL),");
        out.println("  these are the look-ups an operator uses:");
        String failedId = deadLetters.isEmpty() ? "<taskId>" : deadLetters.keySet().iterator().next();
        String someId = tasks.isEmpty() ? "<taskId>" : tasks.get(0).taskId();
        commands(List.of(
                new String[] {jarCommand + " status " + someId, "a task's status and its history"},
                new String[] {jarCommand + " dlq list", "the dead letters, newest first"},
                new String[] {jarCommand + " dlq show " + failedId, "one record in full"},
                new String[] {jarCommand + " dlq replay " + failedId, "put the task back on the queue"}));
        out.println("  To run it for real: set enrollflow.enroll.url, enrollflow.download.command and the delivery");
        out.println("  settings in application.properties (every key is listed there with its default), then:");
        out.println("    " + jarCommand + " run");
        out.flush();
    }

    private void table(List<DemoTask> tasks, Map<String, Map<String, String>> hashes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"task", "status", "reason", "deliveryUrl / message"});
        for (DemoTask task : tasks) {
            Map<String, String> hash = hashes.getOrDefault(task.taskId(), Map.of());
            String status = hash.getOrDefault("status", "?");
            String reason = hash.getOrDefault("reason", "");
            String detail = "completed".equals(status) ? hash.getOrDefault("deliveryUrl", "") : hash.getOrDefault("message", "");
            rows.add(new String[] {task.taskId(), status, reason.isEmpty() ? "-" : reason, detail});
        }
        int[] widths = new int[3];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.println(String.format(Locale.ROOT, "  %-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s",
                    (Object[]) row).stripTrailing());
        }
    }

    private void deadLetter(DeadLetter letter) {
        out.printf(Locale.ROOT, "  %s  stage=%s  reason=%s  attempts=%d  replays=%d%n", letter.taskId(), letter.stage(),
                letter.reason(), letter.attempts(), letter.replays());
        out.println("    message: " + letter.message());
        String courseUrl = letter.task().path("courseUrl").asText("");
        String email = letter.task().path("email").asText("");
        if (!courseUrl.isEmpty()) {
            out.println("    task:    order " + letter.task().path("orderId").asText("-") + ", " + courseUrl
                    + ", " + Masking.email(email));
        }
    }

    private void listing(Path delivered) {
        if (!Files.isDirectory(delivered)) {
            out.println("      (empty)");
            return;
        }
        try (Stream<Path> taskDirs = Files.list(delivered)) {
            for (Path taskDir : taskDirs.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                out.println("      " + taskDir.getFileName() + "/");
                List<Path> files;
                try (Stream<Path> walk = Files.walk(taskDir)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                int width = files.stream().mapToInt(f -> taskDir.relativize(f).toString().length()).max().orElse(0);
                for (Path file : files) {
                    out.println(String.format(Locale.ROOT, "        %-" + width + "s  %s",
                            taskDir.relativize(file), size(Files.size(file))));
                }
            }
        } catch (IOException e) {
            out.println("      (could not list it: " + e.getMessage() + ")");
        }
    }

    private void logs(Path work) {
        if (!Files.isDirectory(work)) {
            out.println("      (none)");
            return;
        }
        try (Stream<Path> files = Files.list(work)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
            out.println("      " + (names.isEmpty() ? "(none)" : String.join("  ", names)));
        } catch (IOException e) {
            out.println("      (could not list it: " + e.getMessage() + ")");
        }
    }

    /** Commands with what each does, the descriptions aligned. */
    private void commands(List<String[]> commandAndWhat) {
        int width = commandAndWhat.stream().mapToInt(c -> c[0].length()).max().orElse(0);
        for (String[] c : commandAndWhat) {
            out.println(String.format(Locale.ROOT, "    %-" + width + "s   %s", c[0], c[1]));
        }
    }

    private static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    private static String status(Map<String, Map<String, String>> hashes, DemoTask task) {
        return hashes.getOrDefault(task.taskId(), Map.of()).get("status");
    }
}
