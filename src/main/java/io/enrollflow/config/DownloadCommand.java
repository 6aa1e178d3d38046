package io.enrollflow.config;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code enrollflow.download.command}, split into words once at start-up the way a POSIX shell splits them (blanks
 * separate words; single quotes keep everything literal; double quotes keep blanks, with {@code \\ \" \$ \`} escaped;
 * a backslash outside quotes escapes the next character) but with no expansion of any kind, then rendered per task by
 * replacing the placeholders inside each word. A placeholder's value therefore always stays inside its one word, and
 * nothing ever goes through a shell (docs/contract.md §5, §10).
 * <p>
 * Hand-written rather than a library: commons-exec, plexus-utils and commons-text split on quotes but ignore
 * backslash escapes, so a command an operator tested in a shell could split differently here.
 */
public final class DownloadCommand {

    public static final String KEY = DownloadSettings.COMMAND;

    private final List<String> words;

    private DownloadCommand(List<String> words) {
        this.words = words;
    }

    /** Splits and checks the setting; a bad one stops start-up with a {@link ConfigException} naming the key. */
    public static DownloadCommand parse(String command) {
        if (command == null || command.isBlank()) {
            throw new ConfigException(KEY, "is required: the command that downloads a course into ${taskDir}");
        }
        List<String> words;
        try {
            words = split(command);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(KEY, e.getMessage());
        }
        for (String word : words) {
            Placeholders.check(KEY, word);
        }
        return new DownloadCommand(List.copyOf(words));
    }

    /** The words as split, placeholders not yet replaced. */
    public List<String> words() {
        return words;
    }

    /** The argv for one task (its fields as given): each placeholder replaced inside its own word. */
    public List<String> render(String courseUrl, String taskId, String orderId, int quality, Path taskDir) {
        Map<String, String> values = Map.of(
                "courseUrl", courseUrl,
                "taskDir", taskDir.toString(),
                "taskId", taskId,
                "orderId", orderId,
                "quality", Integer.toString(quality));
        List<String> argv = new ArrayList<>(words.size());
        for (String word : words) {
            argv.add(Placeholders.fill(word, values));
        }
        return argv;
    }

    /** POSIX shell word splitting without expansions. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("a single quote is not closed");
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < line.length()) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < line.length() && "\\\"$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                        word.append(line.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("a double quote is not closed");
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("it ends with a lone backslash");
                }
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                    inWord = true;
                }
                i += 2;
            } else if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("holds no command");
        }
        return words;
    }
}
