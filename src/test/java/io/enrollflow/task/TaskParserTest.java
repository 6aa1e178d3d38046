package io.enrollflow.task;

import io.enrollflow.testing.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/contract.md §2's intake rules, one by one. */
class TaskParserTest {

    private final TaskParser parser = new TaskParser(720, Set.of());

    @Test
    void validTaskIsParsedWithEveryField() {
        String raw = aTask().id("39").orderId("1007").courseUrl("https://courses.example.com/c/").email("b@example.com")
                .quality(1080).json();

        Task task = parsed(parser, raw);

        assertEquals("39", task.taskId());
        assertEquals("1007", task.orderId());
        assertEquals("https://courses.example.com/c/", task.courseUrl());
        assertEquals("b@example.com", task.email());
        assertEquals(1080, task.quality());
        assertEquals(raw, task.raw());
    }

    @Test
    void absentQualityAndOrderIdTakeTheirDefaults() {
        Task task = parsed(parser, aTask().without("orderId").json());

        assertEquals(720, task.quality());
        assertEquals("", task.orderId());
    }

    @Test
    void aliasesAreAccepted() {
        Task task = parsed(parser, "{\"task_id\":42,\"url\":\"https://c.example.com/x\",\"customer_email\":\"a@b.co\",\"order_id\":7}");

        assertEquals("42", task.taskId());
        assertEquals("https://c.example.com/x", task.courseUrl());
        assertEquals("a@b.co", task.email());
        assertEquals("7", task.orderId());
        assertEquals("60", parsed(parser, aTask().without("taskId").with("id", "60").json()).taskId());
        assertEquals("https://c.example.com/y", parsed(parser, aTask().without("courseUrl").with("course_url", "https://c.example.com/y").json()).courseUrl());
    }

    @Test
    void unknownFieldsAreKept() {
        Task task = parsed(parser, aTask().with("coupon", "X1").with("gift", true).json());

        assertEquals("X1", task.extra().get("coupon").asText());
        assertTrue(task.extra().get("gift").asBoolean());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a", "39", "A.b_c-9", "0123456789012345678901234567890123456789012345678901234567890123"})
    void taskIdOfTheRuleIsUsable(String id) {
        assertEquals(id, TaskParser.peek(aTask().id(id).json()).taskId());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "../x", "a/b", ".hidden", "-rf", "_a", "a b", "é",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void taskIdAgainstTheRuleLeavesNoUsableId(String id) {
        TaskParser.Peek peek = TaskParser.peek(aTask().id(id).json());

        assertNull(peek.taskId());
        assertNotNull(peek.problem());
    }

    @Test
    void nonIntegerTaskIdLeavesNoUsableId() {
        assertNull(TaskParser.peek(aTask().without("taskId").with("taskId", "x").json().replace("\"x\"", "3.5")).taskId());
        assertNull(TaskParser.peek(aTask().with("taskId", true).json()).taskId());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not json", "[1,2]", "\"text\"", "7", "null", "{\"taskId\":"})
    void payloadThatIsNotAJsonObjectLeavesNoUsableId(String raw) {
        assertNull(TaskParser.peek(raw).taskId());
    }

    @Test
    void payloadOver64KiBIsNotEvenParsed() {
        String raw = aTask().id("39").with("pad", "x".repeat(TaskParser.MAX_PAYLOAD_BYTES)).json();

        TaskParser.Peek peek = TaskParser.peek(raw);

        assertNull(peek.taskId());
        assertTrue(peek.problem().contains("64 KiB"), peek.problem());
    }

    @Test
    void payloadOver64KiBInUtf8BytesIsNotEvenParsed() {
        String raw = aTask().id("39").with("pad", "é".repeat(TaskParser.MAX_PAYLOAD_BYTES / 2)).json();

        assertTrue(raw.length() < TaskParser.MAX_PAYLOAD_BYTES);
        assertNull(TaskParser.peek(raw).taskId());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"email", "courseUrl"})
    void missingRequiredFieldIsInvalidNamingIt(String field) {
        TaskFailedException error = assertThrows(TaskFailedException.class, () -> parsed(parser, aTask().without(field).json()));

        assertEquals(FailureReason.INVALID_TASK, error.reason());
        assertTrue(error.getMessage().contains(field), error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plainaddress", "@example.com", "a@", "a b@example.com", "a@exa mple.com", "a@-x.com"})
    void invalidEmailIsInvalid(String email) {
        assertInvalid(aTask().email(email));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-https://c.example.com/", "ftp://c.example.com/x", "file:///etc/passwd", "javascript:alert(1)",
            "//c.example.com/x", "c.example.com/x", "https://", "https://c.example.com/a b", "http:/x"})
    void courseUrlThatIsNotAnAbsoluteHttpUrlIsInvalid(String url) {
        assertInvalid(aTask().courseUrl(url));
    }

    @Test
    void courseUrlOver2048CharactersIsInvalid() {
        String base = "https://c.example.com/";
        parsed(parser, aTask().courseUrl(base + "a".repeat(2048 - base.length())).json());

        assertInvalid(aTask().courseUrl(base + "a".repeat(2049 - base.length())));
    }

    @Test
    void allowedHostsAreCheckedIgnoringCase() {
        TaskParser strict = new TaskParser(720, Set.of("courses.example.com"));

        parsed(strict, aTask().courseUrl("https://Courses.Example.com/c/").json());
        TaskFailedException error = assertThrows(TaskFailedException.class,
                () -> parsed(strict, aTask().courseUrl("https://courses.example.com.evil.net/c/").json()));
        assertTrue(error.getMessage().contains("allowed-hosts"), error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-1", "0", "\"high\"", "1.5", "true"})
    void qualityThatIsNotAPositiveWholeNumberIsInvalid(String quality) {
        assertInvalid(aTask().quality(1).json().replace("\"quality\":1", "\"quality\":" + quality));
    }

    @Test
    void orderIdThatCouldReadAsAnOptionIsInvalid() {
        assertInvalid(aTask().orderId("--delete"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a/b", "a\\b", "..", "1007..x", "a\u0007b", "a\u001b[2Jb", "a\u2028b", "a\u2029b",
            "a\u202eb", "a\u2066b", "a\u200fb", "a\u0085b"})
    void orderIdWithPathSyntaxOrCharactersThatMisleadATerminalIsInvalid(String orderId) {
        assertInvalid(aTask().orderId(orderId));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1007", "A-17.3", "order 17", "Bestellung Nr. 7 (ü)", "a.b"})
    void orderIdWithinTheRuleIsKept(String orderId) {
        assertEquals(orderId, parsed(parser, aTask().orderId(orderId).json()).orderId());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"invalid-1", "invalid-0042"})
    void aTaskIdOfTheReservedFormHasNoUsableId(String id) {
        TaskParser.Peek peek = TaskParser.peek(aTask().id(id).json());

        assertNull(peek.taskId());
        assertTrue(peek.problem().contains("reserved"), peek.problem());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"invalid", "invalid-", "invalid-1a", "Invalid-1", "invalid-1.log", "xinvalid-1"})
    void idsThatOnlyLookLikeTheReservedFormAreUsable(String id) {
        assertEquals(id, TaskParser.peek(aTask().id(id).json()).taskId());
    }

    private void assertInvalid(Tasks task) {
        assertInvalid(task.json());
    }

    private void assertInvalid(String raw) {
        TaskFailedException error = assertThrows(TaskFailedException.class, () -> parsed(parser, raw));
        assertEquals(FailureReason.INVALID_TASK, error.reason());
    }

    /** The parser's real entry point: a first look, then the rules (as the intake calls it). */
    private static Task parsed(TaskParser parser, String raw) {
        return parser.parse(raw, TaskParser.peek(raw));
    }
}
