package io.enrollflow.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of {@code drive login} that need no browser: PKCE, the URL, the client secret, pasted addresses, the file. */
class DriveLoginTest {

    @TempDir
    Path tmp;

    @Test
    void theChallengeOfAVerifierIsRfc7636sExample() {
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                InstalledAppFlow.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assertEquals(43, InstalledAppFlow.random().length());
    }

    @Test
    void theAuthorizationUrlAsksForDriveFileOfflineWithAnS256ChallengeAndTheState() {
        InstalledAppFlow flow = new InstalledAppFlow("client-1", "secret-1", "https://auth.example/o/auth",
                "https://auth.example/token");

        URI url = URI.create(flow.authorizationUrl("http://127.0.0.1:4711/", "state-1", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));

        assertEquals("auth.example", url.getHost());
        Map<String, String> query = Stream.of(url.getQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1]));
        assertEquals(Map.of("client_id", "client-1", "redirect_uri", "http://127.0.0.1:4711/", "response_type", "code",
                "scope", "https://www.googleapis.com/auth/drive.file", "state", "state-1",
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256",
                "access_type", "offline", "prompt", "consent"), query);
        assertFalse(url.toString().contains("secret-1"), "the client secret stays out of the URL");
    }

    @Test
    void theClientSecretIsReadFromEitherShapeWithItsOwnEndpoints() throws Exception {
        Path installed = Files.writeString(tmp.resolve("installed.json"), "{\"installed\": {\"client_id\": \"a\", "
                + "\"client_secret\": \"b\", \"auth_uri\": \"http://127.0.0.1:9/auth\", \"token_uri\": \"http://127.0.0.1:9/token\"}}");
        Path web = Files.writeString(tmp.resolve("web.json"), "{\"web\": {\"client_id\": \"c\", \"client_secret\": \"d\"}}");

        assertEquals(new InstalledAppFlow("a", "b", "http://127.0.0.1:9/auth", "http://127.0.0.1:9/token"),
                InstalledAppFlow.read(installed));
        assertEquals(new InstalledAppFlow("c", "d", "https://accounts.google.com/o/oauth2/auth",
                "https://oauth2.googleapis.com/token"), InstalledAppFlow.read(web));
        assertFalse(InstalledAppFlow.read(installed).toString().contains("\"b\"")
                || InstalledAppFlow.read(installed).toString().contains("=b"), "the secret is not in toString");
    }

    @Test
    void aClientSecretFileThatIsWrongIsRefusedWithoutItsValues() throws Exception {
        Path noSecret = Files.writeString(tmp.resolve("a.json"), "{\"installed\": {\"client_id\": \"id-do-not-show\"}}");
        Path notJson = Files.writeString(tmp.resolve("b.json"), "{\"installed\": {\"client_secret\": GOCSPX-do-not-show}}");
        Path service = Files.writeString(tmp.resolve("c.json"), "{\"type\": \"service_account\"}");

        for (Path file : List.of(noSecret, notJson, service, tmp.resolve("none.json"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstalledAppFlow.read(file));
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertFalse(e.getMessage().contains("do-not-show"), e.getMessage());
        }
    }

    @Test
    void aPastedAddressGivesItsCodeAndStateWhateverACopyPickedUpAroundIt() {
        AuthorizationAnswer expected = new AuthorizationAnswer("4/0Ab-c d", "s-1", "");

        assertEquals(expected, AuthorizationAnswer.fromPasted("http://127.0.0.1:4711/?state=s-1&code=4%2F0Ab-c+d&scope=x"));
        assertEquals(expected, AuthorizationAnswer.fromPasted("  \"http://127.0.0.1:4711/?state=s-1&code=4%2F0Ab-c+d\"\n"));
        assertEquals(expected, AuthorizationAnswer.fromPasted("state=s-1&code=4%2F0Ab-c+d"));
        assertEquals(new AuthorizationAnswer("", "s-1", "access_denied"),
                AuthorizationAnswer.fromPasted("http://127.0.0.1:4711/?error=access_denied&state=s-1"));
        for (String wrong : List.of("http://127.0.0.1:4711/", "code=abc", "hello", "http://127.0.0.1:4711/?state=s-1")) {
            assertThrows(IllegalArgumentException.class, () -> AuthorizationAnswer.fromPasted(wrong), wrong);
        }
    }

    @Test
    void theCredentialsFileIsOnlyItsOwnersAndReplacesAFileThatWasReadableByAll() throws Exception {
        Path file = Files.writeString(tmp.resolve("drive-credentials.json"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        CredentialsFile.write(file, "{\"refresh_token\": \"1//x\"}".getBytes(StandardCharsets.UTF_8));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("{\"refresh_token\": \"1//x\"}", Files.readString(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }
}
