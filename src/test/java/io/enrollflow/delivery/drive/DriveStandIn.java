package io.enrollflow.delivery.drive;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * A Google Drive stand-in on 127.0.0.1 that speaks the REST protocol the real Google Java client uses, so tests drive
 * the real client (through camel-google-drive) end to end:
 * <ul>
 *   <li>OAuth: the JWT bearer grant at {@link #tokenUri()}, the JWT's RS256 signature checked against the key pair
 *       written by {@link #writeKeyFile(Path)}; a Google account's consent for an installed app (the authorization
 *       endpoint {@link #authUri()} with PKCE, the {@code authorization_code} and {@code refresh_token} grants, for the
 *       OAuth client of {@link #writeClientSecret(Path)}); every API request must carry an issued bearer token that has
 *       not expired;</li>
 *   <li>{@code files.get / list / create / update / delete} under {@code /drive/v3/} ({@code q} as in
 *       {@link DriveQuery}, paging with small pages, {@code fields} honoured for top-level keys), gzip request bodies;</li>
 *   <li>uploads under {@code /upload/drive/v3/files}: resumable ({@code POST} → {@code Location}, {@code PUT} chunks with
 *       {@code Content-Range}, {@code 308} + {@code Range}, status queries {@code bytes *}{@code /N}, final {@code 200})
 *       and multipart;</li>
 *   <li>{@code permissions.create / list}; {@code webViewLink} on every item;</li>
 *   <li>fault injection ({@link #inject(Fault)}) and counters (bytes received, requests by {@link Call}, requests that
 *       lacked {@code supportsAllDrives=true}, uploads completed).</li>
 * </ul>
 * Uploaded bytes live in a temp directory, not in memory, so files of gigabytes are fine. Start with {@link #start()},
 * stop with {@link #close()}.
 * <p>
 * This class is what tests use; the work is split by concern: {@link StandInProtocol} (the HTTP requests and answers),
 * {@link StandInOAuth} (the token endpoint and bearer tokens), {@link StandInConsent} (a Google account's consent),
 * {@link StandInStore} (files, folders, permissions, upload
 * sessions) and {@link StandInFaults} (injected faults, a slow link).
 */
public final class DriveStandIn implements AutoCloseable {

    public static final String FOLDER_MIME_TYPE = "application/vnd.google-apps.folder";
    public static final String DRIVE_SCOPE = "https://www.googleapis.com/auth/drive";
    public static final String SERVICE_ACCOUNT_EMAIL = "enrollflow@stand-in.iam.gserviceaccount.com";
    /** Default largest page of {@code files.list} and {@code permissions.list}: small, so paging is exercised. */
    public static final int DEFAULT_PAGE_SIZE = 3;

    /** The kinds of request the stand-in tells apart, for counters and faults. */
    public enum Call {
        TOKEN, FILES_GET, FILES_LIST, FILES_CREATE, FILES_UPDATE, FILES_DELETE,
        UPLOAD_START, UPLOAD_CHUNK, UPLOAD_STATUS, UPLOAD_MULTIPART, PERMISSIONS_CREATE, PERMISSIONS_LIST,
        /** The authorization endpoint: the consent page of a Google account. */
        AUTHORIZE
    }

    /** A file or folder as the stand-in holds it. {@code size} is -1 for folders. */
    public record Item(String id, String name, String mimeType, String parentId, long size, boolean trashed,
                       String webViewLink) {
        public boolean isFolder() {
            return FOLDER_MIME_TYPE.equals(mimeType);
        }
    }

    /** A permission as created, with the {@code sendNotificationEmail} it was created with. */
    public record Grant(String id, String type, String role, String emailAddress, boolean sendNotificationEmail) {
    }

    /**
     * A scripted failure: which calls it hits, when, and what it answers. Built with the static factories and the
     * chained setters, then passed to {@link #inject(Fault)}. Matching requests are counted from injection.
     */
    public static final class Fault {
        final int status;
        final String reason;
        final boolean drop;
        private Set<Call> calls = EnumSet.allOf(Call.class);
        private int nth;
        private int times = 1;
        private int every;
        private int afterUploads = -1;
        long retryAfterSeconds = -1;
        private final AtomicInteger seen = new AtomicInteger();
        private final AtomicInteger fired = new AtomicInteger();

        private Fault(int status, String reason, boolean drop) {
            this.status = status;
            this.reason = reason;
            this.drop = drop;
        }

        /** Answers {@code status} with Google's JSON error whose {@code errors[0].reason} is {@code reason}. */
        public static Fault status(int status, String reason) {
            return new Fault(status, reason, false);
        }

        /** Reads the request, then closes the connection without an answer (a network error for the client). */
        public static Fault drop() {
            return new Fault(0, "", true);
        }

        /** Only these calls (default: every call, the token endpoint included). */
        public Fault on(Call first, Call... more) {
            calls = EnumSet.of(first, more);
            return this;
        }

        /** Only the n-th matching request (1-based). */
        public Fault nth(int n) {
            nth = n;
            times = 1;
            return this;
        }

        /** The next n matching requests (the default is 1). */
        public Fault times(int n) {
            times = n;
            return this;
        }

        /** Every n-th matching request, without end. */
        public Fault every(int n) {
            every = n;
            times = Integer.MAX_VALUE;
            return this;
        }

        /** Every matching request, until {@link DriveStandIn#clearFaults()}. */
        public Fault always() {
            times = Integer.MAX_VALUE;
            return this;
        }

        /** Only once the stand-in has completed this many uploads (since it started). */
        public Fault afterUploads(int completedUploads) {
            afterUploads = completedUploads;
            return this;
        }

        /** The answer carries {@code Retry-After: <seconds>}, as Drive's 429 may. */
        public Fault retryAfter(long seconds) {
            retryAfterSeconds = seconds;
            return this;
        }

        /** How often it has answered so far. */
        public int fired() {
            return fired.get();
        }

        boolean fires(Call call, int uploadsCompleted) {
            if (!calls.contains(call) || uploadsCompleted < afterUploads) {
                return false;
            }
            int count = seen.incrementAndGet();
            boolean due = every > 0 ? count % every == 0 : nth > 0 ? count == nth : fired.get() < times;
            if (due && fired.get() < times) {
                fired.incrementAndGet();
                return true;
            }
            return false;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final StandInStore store;
    private final StandInFaults faults = new StandInFaults();
    private final StandInOAuth oauth = new StandInOAuth();
    private final StandInProtocol protocol;

    private DriveStandIn() throws IOException {
        store = new StandInStore();
        // The JDK server writes an answer's headers and body apart; with Nagle's algorithm on, the body waits for the
        // client's delayed ACK (about 40 ms on Linux) on every JSON answer, a delay Google's servers do not add. Read
        // once per JVM, when its first JDK server starts: where another came first, its setting stands.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drive-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        protocol = new StandInProtocol(store, faults, oauth, this::rootUrl);
        server.createContext("/", protocol);
    }

    /** Starts a stand-in on a free port of 127.0.0.1. */
    public static DriveStandIn start() throws IOException {
        DriveStandIn standIn = new DriveStandIn();
        standIn.server.start();
        return standIn;
    }

    /** The API root to put in {@code enrollflow.drive.root-url}, ending in {@code /}. */
    public String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public String tokenUri() {
        return rootUrl() + "token";
    }

    public String serviceAccountEmail() {
        return SERVICE_ACCOUNT_EMAIL;
    }

    /** Writes a service-account key file whose {@code token_uri} is this stand-in's and whose key it trusts. */
    public Path writeKeyFile(Path file) throws IOException {
        return oauth.writeKeyFile(file, rootUrl(), tokenUri());
    }

    // ---- a Google account's consent (an installed app: drive login)

    /** The authorization endpoint: answers as the consent page does once the account allows, by a redirect. */
    public String authUri() {
        return rootUrl() + "auth";
    }

    /** Writes the client-secret file ({@code {"installed": …}}) of an OAuth client whose endpoints are this stand-in's. */
    public Path writeClientSecret(Path file) throws IOException {
        return oauth.consent.writeClientSecret(file, rootUrl());
    }

    /** Writes an {@code authorized_user} credentials file with a refresh token of its own, as if signed in already. */
    public Path writeUserCredentials(Path file) throws IOException {
        return oauth.consent.writeUserCredentials(file, tokenUri());
    }

    /** The account refuses consent: the authorization endpoint redirects with {@code error=access_denied}. */
    public void refuseConsent(boolean refuse) {
        oauth.consent.refuseConsent(refuse);
    }

    /** How long access tokens issued to the account live ({@code expires_in}; the API refuses them after). */
    public void userAccessTokenLifetime(Duration lifetime) {
        oauth.consent.accessTokenLifetime(lifetime);
    }

    /** The account removes the app's access: refresh tokens answer {@code invalid_grant}, access tokens 401. */
    public void revokeUserTokens() {
        oauth.consent.revoke();
    }

    /** Token requests of the {@code refresh_token} grant, refused ones included. */
    public int refreshGrants() {
        return oauth.consent.refreshes();
    }

    /** Codes exchanged for tokens ({@code authorization_code} grant, accepted). */
    public int codeExchanges() {
        return oauth.consent.exchanges();
    }

    /** Every refresh and access token issued to the account: secrets that no log or message may show. */
    public Set<String> userSecrets() {
        return oauth.consent.secrets();
    }

    /**
     * Resumable uploads from now on keep no bytes (a file's size is still what arrived; its content reads as empty):
     * for benchmarks, so that gigabytes sent are not gigabytes written to disk.
     */
    public void discardUploads() {
        store.discardUploads();
    }

    /** Largest page the stand-in answers, whatever the client asks for. */
    public void pageSize(int max) {
        protocol.pageSize(max);
    }

    /** The token endpoint answers 400 with this OAuth error ({@code invalid_grant}, {@code unauthorized_client}); null: normal. */
    public void refuseTokens(String oauthError) {
        oauth.refuse(oauthError);
    }

    /** Forgets every issued token: the next API call gets 401 and the client must fetch a new one. */
    public void expireTokens() {
        oauth.expire();
    }

    /** When each Drive API request (the token endpoint's aside) arrived, {@link System#nanoTime()}, in order. */
    public List<Long> apiArrivalNanos() {
        return protocol.apiArrivals();
    }

    /** When each injected fault answered, {@link System#nanoTime()}. */
    public List<Long> faultNanos() {
        return faults.firedAt();
    }

    public Fault inject(Fault fault) {
        return faults.inject(fault);
    }

    /** Shorthand: answer the next {@code call} with {@code status} and {@code reason}. */
    public Fault failNext(Call call, int status, String reason) {
        return inject(Fault.status(status, reason).on(call));
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Answers every upload chunk only after this long (a slow link), until set back to zero. */
    public void chunkDelay(Duration delay) {
        faults.chunkDelay(delay);
    }

    // ---- the tree, for setting up and for assertions

    /** Creates a folder directly (not through the API); {@code parentId} null for a top-level folder. */
    public String createFolder(String parentId, String name) {
        return store.createFolder(parentId, name);
    }

    /** Trashes an item directly (not through the API). */
    public void trash(String id) {
        store.trash(id);
    }

    public Optional<Item> item(String id) {
        return store.item(id);
    }

    /** The folders of that name in that parent, not trashed, oldest first. */
    public List<Item> findFolders(String parentId, String name) {
        return children(parentId).stream().filter(i -> i.isFolder() && i.name().equals(name)).toList();
    }

    public Optional<Item> findFolder(String parentId, String name) {
        return findFolders(parentId, name).stream().findFirst();
    }
    /** What a folder holds, not trashed, oldest first. */
    public List<Item> children(String folderId) {
        return store.children(folderId);
    }

    /** Everything under a folder, not trashed: relative path → sha-256 of a file's bytes, or "folder". */
    public Map<String, String> tree(String folderId) {
        Map<String, String> out = new TreeMap<>();
        collect(folderId, "", out);
        return out;
    }

    private void collect(String folderId, String prefix, Map<String, String> out) {
        for (Item child : children(folderId)) {
            String path = prefix + child.name();
            if (child.isFolder()) {
                out.put(path + "/", "folder");
                collect(child.id(), path + "/", out);
            } else {
                out.put(path, sha256(child.id()));
            }
        }
    }

    /** The stored bytes of a file (a path in the stand-in's temp directory). */
    public Path content(String fileId) {
        return store.content(fileId);
    }

    public String sha256(String fileId) {
        return sha256(content(fileId));
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Grant> permissions(String fileId) {
        return store.permissions(fileId);
    }

    // ---- counters

    /** Media bytes received in upload requests (chunks and multipart), failed ones included. */
    public long bytesReceived() {
        return protocol.bytesReceived();
    }

    public int requests(Call call) {
        return protocol.requests(call);
    }

    public int requestsTotal() {
        return protocol.requestsTotal();
    }

    /** API requests (token requests aside) that lacked {@code supportsAllDrives=true}, as "METHOD path?query". */
    public List<String> requestsWithoutSupportsAllDrives() {
        return protocol.requestsWithoutSupportsAllDrives();
    }

    /** Files created with content (resumable or multipart), since start. */
    public int uploadsCompleted() {
        return store.uploadsCompleted();
    }

    /** The {@code sub} claim of each token request (the delegate user), "" when none. */
    public List<String> tokenSubjects() {
        return oauth.subjects();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        store.close();
    }
}
