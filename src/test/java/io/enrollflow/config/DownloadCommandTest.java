package io.enrollflow.config;

import io.enrollflow.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §5: the command is split like a POSIX shell splits words, then placeholders are filled inside each word. */
class DownloadCommandTest {

    static Stream<Arguments> posixSplits() {
        return Stream.of(
                Arguments.of("dl  a\tb", List.of("dl", "a", "b")),
                Arguments.of("dl 'a b' c", List.of("dl", "a b", "c")),
                Arguments.of("dl \"a b\"c", List.of("dl", "a bc")),
                Arguments.of("dl a\\ b", List.of("dl", "a b")),
                Arguments.of("dl 'it'\\''s'", List.of("dl", "it's")),
                Arguments.of("dl \"say \\\"hi\\\" \\$HOME \\\\ \\n\"", List.of("dl", "say \"hi\" $HOME \\ \\n")),
                Arguments.of("dl '$HOME' $HOME \"`id`\"", List.of("dl", "$HOME", "$HOME", "`id`")),
                Arguments.of("dl '' \"\"", List.of("dl", "", "")),
                Arguments.of("dl a'b'\"c\"d", List.of("dl", "abcd")),
                Arguments.of("dl 'a \"b\"'", List.of("dl", "a \"b\"")),
                Arguments.of("dl a;b|c&d", List.of("dl", "a;b|c&d")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("posixSplits")
    void splitsWordsLikeAPosixShellWithoutExpanding(String line, List<String> words) {
        assertEquals(words, DownloadCommand.split(line));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dl 'unterminated", "dl \"unterminated", "dl \"a\\\"", "dl trailing\\"})
    void unterminatedQuoteOrEscapeIsAConfigErrorNamingTheKey(String line) {
        assertThrows(IllegalArgumentException.class, () -> DownloadCommand.split(line));
        ConfigException error = assertThrows(ConfigException.class, () -> DownloadCommand.parse(line));
        assertEquals(DownloadCommand.KEY, error.key());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   ", "\t\n"})
    void blankCommandIsAConfigError(String line) {
        assertEquals(DownloadCommand.KEY, assertThrows(ConfigException.class, () -> DownloadCommand.parse(line)).key());
    }

    @Test
    void unknownPlaceholderIsAConfigErrorNamingIt() {
        ConfigException error = assertThrows(ConfigException.class, () -> DownloadCommand.parse("dl ${courseURL}"));

        assertEquals(DownloadCommand.KEY, error.key());
        assertTrue(error.getMessage().contains("${courseURL}"), error.getMessage());
    }

    @Test
    void renderKeepsEachValueInsideItsOneWord() {
        DownloadCommand command = DownloadCommand.parse(
                "dl --url=${courseUrl} -o '${taskDir}/out' \"${orderId} ${taskId}\" ${quality} ${orderId}");
        Task task = task("https://x.example.com/a b;touch /tmp/x $(id) `id` \\ $1", "");

        List<String> argv = render(command, task, Path.of("/work/39"));

        assertEquals(List.of("dl", "--url=https://x.example.com/a b;touch /tmp/x $(id) `id` \\ $1", "-o", "/work/39/out",
                " 39", "720", ""), argv);
    }

    @Test
    void renderDoesNotReadPlaceholdersInsideValues() {
        DownloadCommand command = DownloadCommand.parse("dl ${courseUrl} ${taskId}");

        List<String> argv = render(command, task("https://x.example.com/${taskId}", "7"), Path.of("/w/39"));

        assertEquals(List.of("dl", "https://x.example.com/${taskId}", "39"), argv);
    }

    /** As the download runner renders it for a task. */
    private static List<String> render(DownloadCommand command, Task task, Path taskDir) {
        return command.render(task.courseUrl(), task.taskId(), task.orderId(), task.quality(), taskDir);
    }

    private static Task task(String courseUrl, String orderId) {
        return new Task("39", orderId, courseUrl, "b@example.com", 720, "{}", Map.of());
    }
}
