package io.enrollflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.client.auth.oauth2.TokenErrorResponse;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import io.enrollflow.config.Settings;
import io.enrollflow.config.DriveSettings;
import io.enrollflow.delivery.drive.DriveAccount;
import io.enrollflow.delivery.drive.ParentFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code drive login --client-secret FILE [--out FILE] [--no-browser] [--create-folder NAME]} (docs/contract.md §1,
 * §5): a Google account consents, over {@link InstalledAppFlow}, and the credentials file
 * {@code enrollflow.drive.credentials} names is written ({@link CredentialsFile}, mode 0600).
 * <ol>
 *   <li>the OAuth client is read from its client-secret file; a loopback receiver listens on 127.0.0.1;</li>
 *   <li>the authorization URL is printed, and opened in a browser when this machine has one and {@code --no-browser}
 *       is not given;</li>
 *   <li>the answer comes to the receiver, or, with {@code --no-browser}, is pasted on standard input (the browser runs
 *       elsewhere, and its page of 127.0.0.1 fails to load: its address is what counts), within {@code --timeout};</li>
 *   <li>the code is exchanged, the file written, and with {@code --create-folder} the parent folder found or made.</li>
 * </ol>
 * Exit codes: 0 signed in, 1 the sign-in failed (refused, timed out, not written), 2 a usage error.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Sign in with a Google account and write the credentials file for enrollflow.drive.credentials.")
class DriveLoginCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    DriveCommand drive;
    @Spec
    CommandSpec spec;

    @Option(names = "--client-secret", required = true, paramLabel = "FILE",
            description = "The OAuth client's JSON (Google Cloud console: APIs & Services, Credentials, an OAuth client "
                    + "ID of type Desktop app, Download JSON)")
    Path clientSecret;
    @Option(names = "--out", paramLabel = "FILE", defaultValue = "drive-credentials.json",
            description = "Where to write the credentials, mode 0600, replacing the file (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--no-browser",
            description = "Open no browser: print the URL, then read from standard input the address the browser was "
                    + "sent to (for a server without a browser)")
    boolean noBrowser;
    @Option(names = "--create-folder", paramLabel = "NAME",
            description = "Also find or make a folder of this name in the account's My Drive and print its id, for "
                    + "enrollflow.drive.parent-folder-id")
    String createFolder;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the consent (default: ${DEFAULT-VALUE})")
    String timeout;

    /** The sign-in could not be completed: one line, exit 1. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() throws IOException {
        Duration wait = usage(() -> {
            Duration parsed = Settings.parseDuration(timeout);
            if (parsed.isZero()) {
                throw new IllegalArgumentException("must be more than 0");
            }
            return parsed;
        }, "--timeout");
        InstalledAppFlow flow = usage(() -> InstalledAppFlow.read(clientSecret), "--client-secret");
        Settings settings = drive.parent.settings();
        // the Drive API's root (a test stand-in, a proxy), as the worker would use it
        String rootUrl = settings.text(DriveSettings.ROOT_URL).isEmpty() ? ""
                : settings.httpUrl(DriveSettings.ROOT_URL).toString();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        try {
            String refreshToken = consent(flow, wait, stdout, stderr);
            ObjectNode credentials = JSON.createObjectNode().put("type", DriveAccount.AUTHORIZED_USER)
                    .put("client_id", flow.clientId()).put("client_secret", flow.clientSecret())
                    .put("refresh_token", refreshToken);
            if (!DriveAccount.GOOGLE_TOKEN_URIS.contains(flow.tokenUri())) {
                credentials.put("token_uri", flow.tokenUri()); // without it, the worker would ask Google's
            }
            write(credentials);
            Path written = out.toAbsolutePath();
            stdout.println("wrote " + written + " (mode 0600): set enrollflow.drive.credentials=" + written);
            stdout.flush();
            if (createFolder != null) {
                // through the file just written, read as the worker reads it: a folder made proves the file works
                DriveAccount account = DriveAccount.credentials(written, new NetHttpTransport());
                ParentFolder.Result folder;
                try {
                    folder = ParentFolder.findOrCreate(account, rootUrl, createFolder);
                } catch (GoogleJsonResponseException e) {
                    throw new Failed("the credentials are written, but Drive refused to find or make the folder ("
                            + e.getStatusCode() + (e.getDetails() == null ? "" : " " + Terminal.line(e.getDetails()
                            .getMessage())) + ")");
                } catch (IOException e) {
                    throw new Failed("the credentials are written, but finding or making the folder failed: "
                            + Terminal.line(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
                }
                stdout.println("folder \"" + Terminal.line(createFolder) + "\" " + (folder.created() ? "made" : "found")
                        + ": set enrollflow.drive.parent-folder-id=" + folder.id());
            }
            stdout.flush();
            return EnrollflowCommand.OK;
        } catch (Failed e) {
            stderr.println("enrollflow: drive login: " + e.getMessage());
            stderr.flush();
            return EnrollflowCommand.NOT_FOUND_OR_FAILED;
        }
    }

    /** Steps 1 to 3 and the exchange: the refresh token the account's consent gave. */
    private String consent(InstalledAppFlow flow, Duration wait, PrintWriter stdout, PrintWriter stderr)
            throws IOException, Failed {
        String state = InstalledAppFlow.random();
        String verifier = InstalledAppFlow.random();
        CompletableFuture<AuthorizationAnswer> answer = new CompletableFuture<>();
        try (LoopbackReceiver receiver = LoopbackReceiver.start(state, answer)) {
            String redirectUri = receiver.redirectUri();
            String url = flow.authorizationUrl(redirectUri, state, verifier);
            stdout.println("Open this address in a browser, sign in with the Google account whose Drive receives the "
                    + "courses, and allow access:");
            stdout.println();
            stdout.println(url);
            stdout.println();
            if (noBrowser) {
                stdout.println("Then paste here the address the browser was sent to (it starts with " + redirectUri
                        + "; the page itself may fail to load) and press Enter:");
                pasted(state, answer, stderr);
            } else {
                stdout.println(openBrowser(url) ? "(a browser was opened)" : "(no browser here: open it yourself, or "
                        + "use --no-browser on a server)");
                stdout.println("Waiting for the consent...");
            }
            stdout.flush();
            AuthorizationAnswer received = await(answer, wait);
            if (!received.error().isEmpty()) {
                throw new Failed("the consent was not given (" + Terminal.line(received.error()) + ")");
            }
            return exchange(flow, received.code(), redirectUri, verifier);
        }
    }

    private static AuthorizationAnswer await(CompletableFuture<AuthorizationAnswer> answer, Duration wait)
            throws Failed {
        try {
            return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Failed("no consent arrived within " + wait.toSeconds() + " s; run drive login again (--timeout "
                    + "gives more time; --no-browser when the browser runs on another machine)");
        } catch (ExecutionException e) {
            throw new Failed(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }

    private String exchange(InstalledAppFlow flow, String code, String redirectUri, String verifier) throws Failed {
        TokenResponse tokens;
        try {
            tokens = flow.exchange(new NetHttpTransport(), code, redirectUri, verifier);
        } catch (TokenResponseException e) {
            TokenErrorResponse details = e.getDetails();
            throw new Failed("the token endpoint " + flow.tokenUri() + " refused the code (" + (details == null
                    ? e.getStatusCode() + " " + e.getStatusMessage()
                    : Terminal.line(details.getError()) + (details.getErrorDescription() == null ? ""
                    : ": " + Terminal.line(details.getErrorDescription()))) + "); run drive login again");
        } catch (IOException e) {
            throw new Failed("cannot reach the token endpoint " + flow.tokenUri() + ": " + e);
        }
        if (tokens.getRefreshToken() == null || tokens.getRefreshToken().isBlank()) {
            throw new Failed("the token endpoint sent no refresh token; remove enrollflow's access at "
                    + "https://myaccount.google.com/connections and run drive login again");
        }
        return tokens.getRefreshToken();
    }

    private void write(ObjectNode credentials) throws Failed {
        try {
            CredentialsFile.write(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(credentials));
        } catch (IOException e) {
            throw new Failed("cannot write " + out.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    /** Reads pasted addresses on a thread of its own until one carries this sign-in's state. */
    private static void pasted(String state, CompletableFuture<AuthorizationAnswer> answer, PrintWriter stderr) {
        Thread reader = new Thread(() -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                for (String line; (line = in.readLine()) != null && !answer.isDone(); ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        AuthorizationAnswer pasted = AuthorizationAnswer.fromPasted(line);
                        if (state.equals(pasted.state())) {
                            answer.complete(pasted);
                            return;
                        }
                        stderr.println("That address is from another sign-in (its state does not match); paste the "
                                + "address the URL above led to.");
                    } catch (IllegalArgumentException e) {
                        stderr.println(e.getMessage() + "; paste the whole address from the browser's address bar.");
                    }
                    stderr.flush();
                }
                answer.completeExceptionally(new Failed("standard input ended before an address was pasted"));
            } catch (IOException e) {
                answer.completeExceptionally(new Failed("cannot read standard input: " + e.getMessage()));
            }
        }, "drive-login-stdin");
        reader.setDaemon(true); // it may still wait for a line when the loopback receiver had the answer
        reader.start();
    }

    /** Opens the URL in this machine's browser when it has a desktop; false when it has none (a server). */
    private static boolean openBrowser(String url) {
        try {
            if (GraphicsEnvironment.isHeadless() || !Desktop.isDesktopSupported()
                    || !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                return false;
            }
            Desktop.getDesktop().browse(URI.create(url));
            return true;
        } catch (Exception | LinkageError e) {
            return false; // the URL is printed: the operator opens it
        }
    }

    /** A value of an option that is wrong is a usage error (exit 2) naming the option. */
    private <T> T usage(Supplier<T> parse, String option) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
