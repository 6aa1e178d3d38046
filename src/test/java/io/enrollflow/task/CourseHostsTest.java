package io.enrollflow.task;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static io.enrollflow.testing.Tasks.aTask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/contract.md §2 and §10: with {@code enrollflow.task.allowed-hosts} empty, a courseUrl naming the machine, the
 * private network or the metadata service is refused at intake, whatever form the address takes; other hosts pass.
 */
class CourseHostsTest {

    private final TaskParser anyHost = new TaskParser(720, Set.of());

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // dotted IPv4
            "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/", "http://10.0.0.7/",
            "https://192.168.1.1/", "http://0.0.0.0/", "http://8.8.8.8/",
            // one number, decimal and hexadecimal
            "http://2852039166/", "http://0xA9FEA9FE/", "http://0x7f000001/", "http://0/",
            // octal and hexadecimal parts, short forms
            "http://0251.0376.0251.0376/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f.1/",
            "http://127.1/", "http://169.254.43518/", "http://017700000001/",
            // IPv6
            "http://[::1]/", "http://[::1]:8080/x", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
            "http://[fd00:ec2::254]/", "http://[0:0:0:0:0:0:0:1]/", "http://[fe80::1%25eth0]/",
            // trailing dots, user info, upper case
            "http://127.0.0.1./", "http://169.254.169.254../", "http://user:pw@10.0.0.7:80/", "HTTP://10.0.0.7/",
            // the machine itself
            "http://localhost/", "http://LOCALHOST:3000/", "http://localhost./", "http://api.localhost/",
            "http://Foo.LocalHost./",
            // private names
            "http://printer.local/", "http://Printer.LOCAL./", "http://metadata.google.internal/computeMetadata/v1/",
            "http://db.corp.internal./", "http://ip-10-0-0-7.ec2.internal/",
            // a name the search domains complete
            "http://redis:6379/", "http://metadata/computeMetadata/v1/", "http://backend/"})
    void aLocalOrPrivateHostIsRefusedWhileNoHostsAreListed(String url) {
        TaskFailedException error = assertThrows(TaskFailedException.class,
                () -> parsed(anyHost, aTask().courseUrl(url).json()));

        assertEquals(FailureReason.INVALID_TASK, error.reason());
        assertTrue(error.getMessage().startsWith("courseUrl host ")
                && error.getMessage().contains("refused while enrollflow.task.allowed-hosts is empty"), error.getMessage());
    }

    @Test
    void theMessageSaysWhatTheHostIs() {
        assertEquals("courseUrl host 169.254.169.254 is an IP address: refused while enrollflow.task.allowed-hosts is "
                + "empty (set it to the course platform's hosts)", message("http://169.254.169.254/latest/"));
        assertTrue(message("http://127.1/").startsWith("courseUrl host 127.1 is an IP address"));
        assertTrue(message("http://[::1]:8080/").startsWith("courseUrl host [::1] is an IP address"));
        assertTrue(message("http://localhost:3000/").startsWith("courseUrl host localhost is the local machine"));
        assertTrue(message("http://x.internal/").startsWith("courseUrl host x.internal is a private network name"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://courses.example.com/course/java-101/", "https://www.udemy.com/course/x/",
            "http://learn.example.org:8443/c", "https://courses.example.com./c/", "https://xn--bcher-kva.example/",
            "https://1password.com/", "https://a1.b2.example/", "https://cdn-0x7f.example.net/", "https://local.example/",
            "https://internal.example.com/", "https://my.localhost.example/", "https://example.local.com/",
            "https://10.0.0.7.nip.example/"})
    void anOrdinaryHostIsAccepted(String url) {
        assertEquals(url, parsed(anyHost, aTask().courseUrl(url).json()).courseUrl());
    }

    @Test
    void listedHostsDecideAloneOnceTheyAreSet() {
        TaskParser listed = new TaskParser(720, Set.of("127.0.0.1", "courses.example.com"));

        assertEquals("http://127.0.0.1:8080/c", parsed(listed, aTask().courseUrl("http://127.0.0.1:8080/c").json()).courseUrl());
        TaskFailedException error = assertThrows(TaskFailedException.class,
                () -> parsed(listed, aTask().courseUrl("http://10.0.0.7/").json()));
        assertTrue(error.getMessage().contains("not in enrollflow.task.allowed-hosts"), error.getMessage());
    }

    private String message(String url) {
        return assertThrows(TaskFailedException.class, () -> parsed(anyHost, aTask().courseUrl(url).json())).getMessage();
    }

    private static Task parsed(TaskParser parser, String raw) {
        return parser.parse(raw, TaskParser.peek(raw));
    }
}
