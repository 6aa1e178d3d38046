package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A Google Drive stand-in on 127.0.0.1 that speaks the REST protocol the real Google Java client uses, so tests drive
 * the real client (through camel-google-drive) end to end:
 * <ul>
 *   <li>OAuth: the JWT bearer grant at {@link #tokenUri()}, the JWT's RS256 signature checked against the key pair
 *       written by {@link #writeKeyFile(Path)}; every API request must carry an issued bearer token;</li>
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
        UPLOAD_START, UPLOAD_CHUNK, UPLOAD_STATUS, UPLOAD_MULTIPART, PERMISSIONS_CREATE, PERMISSIONS_LIST
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
        private final int status;
        private final String reason;
        private final boolean drop;
        private Set<Call> calls = EnumSet.allOf(Call.class);
        private int nth;
        private int times = 1;
        private int every;
        private int afterUploads = -1;
        private long retryAfterSeconds = -1;
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

        private boolean fires(Call call, int uploadsCompleted) {
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

    /** The audiences Google's token endpoint accepts; the Java client sends the first whatever the token_uri. */
    private static final Set<String> AUDIENCES = Set.of("https://oauth2.googleapis.com/token",
            "https://accounts.google.com/o/oauth2/token");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/drive/v3/files";
    private static final String UPLOAD = "/upload/drive/v3/files";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path dir;
    private final KeyPair keyPair;
    private final Object lock = new Object();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<Grant>> grants = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Map<Call, AtomicInteger> requests = new EnumMap<>(Call.class);
    private final List<String> withoutSupportsAllDrives = new CopyOnWriteArrayList<>();
    private final List<String> tokenSubjects = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicInteger uploadsCompleted = new AtomicInteger();
    private volatile long chunkDelayMillis;
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int pageSize = DEFAULT_PAGE_SIZE;
    private volatile String refuseTokens;

    private static final class Node {
        final String id;
        String name;
        final String mimeType;
        final String parentId;
        final long size;
        boolean trashed;
        final Path blob;

        Node(String id, String name, String mimeType, String parentId, long size, Path blob) {
            this.id = id;
            this.name = name;
            this.mimeType = mimeType;
            this.parentId = parentId;
            this.size = size;
            this.blob = blob;
        }

        boolean isFolder() {
            return FOLDER_MIME_TYPE.equals(mimeType);
        }
    }

    private static final class Session {
        final String id;
        final JsonNode metadata;
        final String mimeType;
        final long declaredLength;
        final Path part;
        long received;
        Node result;

        Session(String id, JsonNode metadata, String mimeType, long declaredLength, Path part) {
            this.id = id;
            this.metadata = metadata;
            this.mimeType = mimeType;
            this.declaredLength = declaredLength;
            this.part = part;
        }
    }

    private final List<Long> apiArrivals = new CopyOnWriteArrayList<>();
    private final List<Long> firedAt = new CopyOnWriteArrayList<>();

    private DriveStandIn() throws IOException {
        for (Call call : Call.values()) {
            requests.put(call, new AtomicInteger());
        }
        dir = Files.createTempDirectory("drive-stand-in");
        Files.createDirectories(dir.resolve("blobs"));
        Files.createDirectories(dir.resolve("sessions"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keyPair = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "drive-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
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
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keyPair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = JSON.createObjectNode()
                .put("type", "service_account")
                .put("project_id", "stand-in")
                .put("private_key_id", "stand-in-key-1")
                .put("private_key", pem)
                .put("client_email", SERVICE_ACCOUNT_EMAIL)
                .put("client_id", "100000000000000000001")
                .put("auth_uri", rootUrl() + "auth")
                .put("token_uri", tokenUri());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(key));
        return file;
    }

    /** Largest page the stand-in answers, whatever the client asks for. */
    public void pageSize(int max) {
        pageSize = max;
    }

    /** The token endpoint answers 400 with this OAuth error ({@code invalid_grant}, {@code unauthorized_client}); null: normal. */
    public void refuseTokens(String oauthError) {
        refuseTokens = oauthError;
    }

    /** Forgets every issued token: the next API call gets 401 and the client must fetch a new one. */
    public void expireTokens() {
        tokens.clear();
    }

    /** When each Drive API request (the token endpoint's aside) arrived, {@link System#nanoTime()}, in order. */
    public List<Long> apiArrivalNanos() {
        return List.copyOf(apiArrivals);
    }

    /** When each injected fault answered, {@link System#nanoTime()}. */
    public List<Long> faultNanos() {
        return List.copyOf(firedAt);
    }

    public Fault inject(Fault fault) {
        faults.add(fault);
        return fault;
    }

    /** Shorthand: answer the next {@code call} with {@code status} and {@code reason}. */
    public Fault failNext(Call call, int status, String reason) {
        return inject(Fault.status(status, reason).on(call));
    }

    public void clearFaults() {
        faults.clear();
    }

    // ---- the tree, for setting up and for assertions

    /** Creates a folder directly (not through the API); {@code parentId} null for a top-level folder. */
    public String createFolder(String parentId, String name) {
        synchronized (lock) {
            Node node = new Node(newId(), name, FOLDER_MIME_TYPE, parentId, -1, null);
            nodes.put(node.id, node);
            return node.id;
        }
    }

    /** Trashes an item directly (not through the API). */
    public void trash(String id) {
        synchronized (lock) {
            nodes.get(id).trashed = true;
        }
    }

    public Optional<Item> item(String id) {
        synchronized (lock) {
            return Optional.ofNullable(nodes.get(id)).map(this::item);
        }
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
        synchronized (lock) {
            return nodes.values().stream().filter(n -> folderId.equals(n.parentId) && !n.trashed).map(this::item).toList();
        }
    }

    /** Everything under a folder, not trashed: relative path → sha-256 of a file's bytes, or "folder". */
    public Map<String, String> tree(String folderId) {
        Map<String, String> out = new java.util.TreeMap<>();
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
        synchronized (lock) {
            return nodes.get(fileId).blob;
        }
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
        synchronized (lock) {
            return List.copyOf(grants.getOrDefault(fileId, List.of()));
        }
    }

    // ---- counters

    /** Media bytes received in upload requests (chunks and multipart), failed ones included. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    public int requests(Call call) {
        return requests.get(call).get();
    }

    public int requestsTotal() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** API requests (token requests aside) that lacked {@code supportsAllDrives=true}, as "METHOD path?query". */
    public List<String> requestsWithoutSupportsAllDrives() {
        return List.copyOf(withoutSupportsAllDrives);
    }

    /** Files created with content (resumable or multipart), since start. */
    /** Answers every upload chunk only after this long (a slow link), until set back to zero. */
    public void chunkDelay(Duration delay) {
        chunkDelayMillis = delay.toMillis();
    }

    public int uploadsCompleted() {
        return uploadsCompleted.get();
    }

    /** The {@code sub} claim of each token request (the delegate user), "" when none. */
    public List<String> tokenSubjects() {
        return List.copyOf(tokenSubjects);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless; the test's outcome does not depend on it.
        }
    }

    // ---- HTTP

    private record Request(HttpExchange exchange, String method, String path, Map<String, String> query) {
        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        InputStream body() throws IOException {
            InputStream in = exchange.getRequestBody();
            return "gzip".equalsIgnoreCase(header("Content-Encoding")) ? new GZIPInputStream(in) : in;
        }

        JsonNode json() throws IOException {
            byte[] bytes = body().readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        }
    }

    /** Thrown by handlers to answer with Google's error JSON. */
    private static final class Answer extends RuntimeException {
        final int status;
        final String reason;

        Answer(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            if (override != null) {
                method = override.toUpperCase(Locale.ROOT);
            }
            Request request = new Request(exchange, method, uri.getRawPath(), query(uri.getRawQuery()));
            Call call = classify(request);
            if (call == null) {
                drain(exchange);
                error(exchange, 404, "notFound", "no such endpoint: " + method + " " + uri.getRawPath());
                return;
            }
            requests.get(call).incrementAndGet();
            if (call != Call.TOKEN) {
                apiArrivals.add(System.nanoTime());
            }
            if (call != Call.TOKEN && !"true".equals(request.query.get("supportsAllDrives"))) {
                withoutSupportsAllDrives.add(method + " " + uri);
            }
            for (Fault fault : faults) {
                if (fault.fires(call, uploadsCompleted.get())) {
                    countDrained(call, exchange);
                    if (fault.drop) {
                        throw new IOException("stand-in drops the connection (injected fault)");
                    }
                    if (fault.retryAfterSeconds >= 0) {
                        exchange.getResponseHeaders().add("Retry-After", Long.toString(fault.retryAfterSeconds));
                    }
                    firedAt.add(System.nanoTime());
                    error(exchange, fault.status, fault.reason, "injected " + fault.status + " " + fault.reason);
                    return;
                }
            }
            if (call != Call.TOKEN && !authorized(request)) {
                drain(exchange);
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"stand-in\", error=\"invalid_token\"");
                error(exchange, 401, "authError", "Request had invalid authentication credentials.");
                return;
            }
            long delay = chunkDelayMillis;
            if (call == Call.UPLOAD_CHUNK && delay > 0) {
                try {
                    Thread.sleep(delay); // a slow network: the upload is in progress long enough to stall it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                dispatch(call, request);
            } catch (Answer answer) {
                drain(exchange);
                error(exchange, answer.status, answer.reason, answer.getMessage());
            }
        }
    }

    private Call classify(Request r) {
        String p = r.path;
        if (p.equals("/token")) {
            return Call.TOKEN;
        }
        if (p.equals(UPLOAD)) {
            if (r.method.equals("POST") && "resumable".equals(r.query.get("uploadType")) && !r.query.containsKey("upload_id")) {
                return Call.UPLOAD_START;
            }
            if (r.method.equals("POST") && "multipart".equals(r.query.get("uploadType"))) {
                return Call.UPLOAD_MULTIPART;
            }
            if (r.method.equals("PUT") && r.query.containsKey("upload_id")) {
                String range = r.header("Content-Range");
                return range != null && range.startsWith("bytes */") ? Call.UPLOAD_STATUS : Call.UPLOAD_CHUNK;
            }
            return null;
        }
        if (p.equals(API)) {
            return switch (r.method) {
                case "GET" -> Call.FILES_LIST;
                case "POST" -> Call.FILES_CREATE;
                default -> null;
            };
        }
        if (p.startsWith(API + "/")) {
            String[] parts = p.substring(API.length() + 1).split("/");
            if (parts.length == 1) {
                return switch (r.method) {
                    case "GET" -> Call.FILES_GET;
                    case "PATCH" -> Call.FILES_UPDATE;
                    case "DELETE" -> Call.FILES_DELETE;
                    default -> null;
                };
            }
            if (parts.length == 2 && parts[1].equals("permissions")) {
                return switch (r.method) {
                    case "GET" -> Call.PERMISSIONS_LIST;
                    case "POST" -> Call.PERMISSIONS_CREATE;
                    default -> null;
                };
            }
        }
        return null;
    }

    private void dispatch(Call call, Request r) throws IOException {
        switch (call) {
            case TOKEN -> token(r);
            case FILES_GET -> send(r.exchange, 200, render(existing(pathId(r)), r.query.get("fields")));
            case FILES_LIST -> list(r);
            case FILES_CREATE -> createMetadata(r);
            case FILES_UPDATE -> update(r);
            case FILES_DELETE -> delete(r);
            case UPLOAD_START -> startUpload(r);
            case UPLOAD_CHUNK, UPLOAD_STATUS -> chunk(r);
            case UPLOAD_MULTIPART -> multipart(r);
            case PERMISSIONS_CREATE -> createPermission(r);
            case PERMISSIONS_LIST -> listPermissions(r);
        }
    }

    // ---- OAuth

    private void token(Request r) throws IOException {
        Map<String, String> form = query(new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            oauthError(r.exchange, "unsupported_grant_type", "expected the JWT bearer grant");
            return;
        }
        String[] jwt = String.valueOf(form.get("assertion")).split("\\.");
        if (jwt.length != 3) {
            oauthError(r.exchange, "invalid_grant", "assertion is not a JWT");
            return;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(keyPair.getPublic());
            verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                oauthError(r.exchange, "invalid_grant", "Invalid JWT Signature.");
                return;
            }
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            oauthError(r.exchange, "invalid_grant", "Invalid JWT Signature.");
            return;
        }
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        long now = System.currentTimeMillis() / 1000;
        if (!"RS256".equals(header.path("alg").asText())
                || !SERVICE_ACCOUNT_EMAIL.equals(claims.path("iss").asText())
                || !AUDIENCES.contains(claims.path("aud").asText()) && !tokenUri().equals(claims.path("aud").asText())
                || !Arrays.asList(claims.path("scope").asText().split(" ")).contains(DRIVE_SCOPE)
                || claims.path("exp").asLong() < now) {
            oauthError(r.exchange, "invalid_grant", "Invalid JWT: iss, aud, scope or exp is wrong in " + claims);
            return;
        }
        tokenSubjects.add(claims.path("sub").asText(""));
        if (refuseTokens != null) {
            oauthError(r.exchange, refuseTokens, "Client is unauthorized to retrieve access tokens using this method.");
            return;
        }
        String token = "ya29.stand-in-" + ids.incrementAndGet();
        tokens.add(token);
        send(r.exchange, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
                .put("token_type", "Bearer"));
    }

    private boolean authorized(Request r) {
        String auth = r.header("Authorization");
        return auth != null && auth.startsWith("Bearer ") && tokens.contains(auth.substring("Bearer ".length()));
    }

    // ---- files

    private void list(Request r) throws IOException {
        java.util.function.Predicate<DriveQuery.Target> filter;
        try {
            filter = DriveQuery.parse(r.query.get("q"));
        } catch (IllegalArgumentException e) {
            throw new Answer(400, "invalid", "Invalid Value: q (" + e.getMessage() + ")");
        }
        List<Node> matches;
        synchronized (lock) {
            matches = nodes.values().stream().filter(n -> filter.test(target(n))).toList();
        }
        int offset = r.query.containsKey("pageToken") ? Integer.parseInt(r.query.get("pageToken")) : 0;
        int size = Math.min(pageSize, r.query.containsKey("pageSize") ? Integer.parseInt(r.query.get("pageSize")) : 100);
        String fields = r.query.get("fields");
        ObjectNode out = JSON.createObjectNode().put("kind", "drive#fileList");
        ArrayNode files = out.putArray("files");
        for (Node n : matches.subList(Math.min(offset, matches.size()), Math.min(offset + size, matches.size()))) {
            files.add(render(n, fields));
        }
        if (offset + size < matches.size()) {
            out.put("nextPageToken", String.valueOf(offset + size));
        }
        send(r.exchange, 200, out);
    }

    private void createMetadata(Request r) throws IOException {
        JsonNode meta = r.json();
        Node node = newNode(meta, meta.path("mimeType").asText("application/octet-stream"), 0, emptyBlob());
        send(r.exchange, 200, render(node, r.query.get("fields")));
    }

    private void update(Request r) throws IOException {
        JsonNode meta = r.json();
        Node node = existing(pathId(r));
        synchronized (lock) {
            if (meta.has("trashed")) {
                node.trashed = meta.get("trashed").asBoolean();
            }
            if (meta.has("name")) {
                node.name = meta.get("name").asText();
            }
        }
        send(r.exchange, 200, render(node, r.query.get("fields")));
    }

    private void delete(Request r) throws IOException {
        Node node = existing(pathId(r));
        synchronized (lock) {
            nodes.remove(node.id);
        }
        r.exchange.sendResponseHeaders(204, -1);
    }

    // ---- uploads

    private void startUpload(Request r) throws IOException {
        JsonNode meta = r.json();
        parentOf(meta); // 404 now, as Drive does, when the parent is missing
        String length = r.header("X-Upload-Content-Length");
        String type = Optional.ofNullable(r.header("X-Upload-Content-Type")).orElse(meta.path("mimeType").asText("application/octet-stream"));
        String id = "s" + ids.incrementAndGet();
        sessions.put(id, new Session(id, meta, type, length == null ? -1 : Long.parseLong(length),
                dir.resolve("sessions").resolve(id)));
        Files.createFile(dir.resolve("sessions").resolve(id));
        String query = r.exchange.getRequestURI().getRawQuery();
        r.exchange.getResponseHeaders().add("Location", rootUrl() + UPLOAD.substring(1) + "?" + query + "&upload_id=" + id);
        r.exchange.sendResponseHeaders(200, -1);
    }

    private void chunk(Request r) throws IOException {
        Session session = sessions.get(r.query.get("upload_id"));
        if (session == null) {
            throw new Answer(404, "notFound", "upload session not found");
        }
        String range = Optional.ofNullable(r.header("Content-Range")).orElse("");
        if (!range.startsWith("bytes ")) {
            throw new Answer(400, "badRequest", "missing Content-Range");
        }
        String spec = range.substring("bytes ".length());
        String totalText = spec.substring(spec.indexOf('/') + 1);
        long total = totalText.equals("*") ? -1 : Long.parseLong(totalText);
        synchronized (session) {
            if (!spec.startsWith("*")) {
                long first = Long.parseLong(spec.substring(0, spec.indexOf('-')));
                if (first > session.received) {
                    throw new Answer(400, "badRequest", "chunk starts at " + first + " but " + session.received + " bytes are stored");
                }
                InputStream body = r.exchange.getRequestBody();
                long skip = session.received - first;
                try (OutputStream out = Files.newOutputStream(session.part, StandardOpenOption.APPEND)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        bytesReceived.addAndGet(n);
                        int from = (int) Math.min(n, skip);
                        skip -= from;
                        out.write(buffer, from, n - from);
                        session.received += n - from;
                    }
                }
            }
            if (total >= 0 && session.received >= total) {
                if (session.result == null) {
                    session.result = finish(session);
                }
                send(r.exchange, 200, render(session.result, r.query.get("fields")));
                return;
            }
            if (session.received > 0) {
                r.exchange.getResponseHeaders().add("Range", "bytes=0-" + (session.received - 1));
            }
            r.exchange.sendResponseHeaders(308, -1);
        }
    }

    private Node finish(Session session) throws IOException {
        Path blob = dir.resolve("blobs").resolve(session.id);
        Files.move(session.part, blob, StandardCopyOption.REPLACE_EXISTING);
        Node node = newNode(session.metadata, session.metadata.path("mimeType").asText(session.mimeType), session.received, blob);
        uploadsCompleted.incrementAndGet();
        return node;
    }

    private void multipart(Request r) throws IOException {
        String type = Optional.ofNullable(r.header("Content-Type")).orElse("");
        int at = type.indexOf("boundary=");
        if (at < 0) {
            throw new Answer(400, "badRequest", "multipart without boundary");
        }
        String boundary = type.substring(at + "boundary=".length()).replace("\"", "");
        byte[] body = r.body().readAllBytes();
        List<byte[]> parts = splitMultipart(body, ("--" + boundary).getBytes(StandardCharsets.US_ASCII));
        if (parts.size() != 2) {
            throw new Answer(400, "badRequest", "multipart upload needs metadata and media, got " + parts.size() + " parts");
        }
        JsonNode meta = JSON.readTree(parts.get(0));
        Path blob = dir.resolve("blobs").resolve("m" + ids.incrementAndGet());
        Files.write(blob, parts.get(1));
        bytesReceived.addAndGet(parts.get(1).length);
        Node node = newNode(meta, meta.path("mimeType").asText("application/octet-stream"), parts.get(1).length, blob);
        uploadsCompleted.incrementAndGet();
        send(r.exchange, 200, render(node, r.query.get("fields")));
    }

    /** The contents of each part (headers dropped), between {@code --boundary} lines. */
    private static List<byte[]> splitMultipart(byte[] body, byte[] delimiter) {
        List<Integer> marks = new ArrayList<>();
        for (int i = 0; i + delimiter.length <= body.length; i++) {
            if (Arrays.equals(body, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                marks.add(i);
                i += delimiter.length - 1;
            }
        }
        List<byte[]> parts = new ArrayList<>();
        for (int m = 0; m + 1 < marks.size(); m++) {
            int start = marks.get(m) + delimiter.length;
            int end = marks.get(m + 1);
            String head = new String(body, start, Math.min(end - start, 4096), StandardCharsets.ISO_8859_1);
            int blank = head.indexOf("\r\n\r\n");
            int content = start + blank + 4;
            int contentEnd = end - 2; // the CRLF before the next delimiter
            parts.add(Arrays.copyOfRange(body, content, Math.max(content, contentEnd)));
        }
        return parts;
    }

    // ---- permissions

    private void createPermission(Request r) throws IOException {
        Node node = existing(pathId(r));
        JsonNode body = r.json();
        String type = body.path("type").asText();
        String email = body.path("emailAddress").asText();
        String role = body.path("role").asText();
        if (!Set.of("user", "group", "domain", "anyone").contains(type) || role.isEmpty()) {
            throw new Answer(400, "invalid", "permission needs type and role");
        }
        boolean notify = !"false".equals(r.query.get("sendNotificationEmail"));
        Grant grant;
        synchronized (lock) {
            List<Grant> list = grants.computeIfAbsent(node.id, k -> new ArrayList<>());
            Grant same = list.stream().filter(g -> g.type().equals(type) && g.emailAddress().equalsIgnoreCase(email))
                    .findFirst().orElse(null);
            if (same != null) {
                // Drive keeps one permission per user: a second create changes its role, it adds none.
                list.remove(same);
                grant = new Grant(same.id(), type, role, email, same.sendNotificationEmail());
            } else {
                grant = new Grant("p" + ids.incrementAndGet(), type, role, email, notify);
            }
            list.add(grant);
        }
        send(r.exchange, 200, renderGrant(grant, r.query.get("fields")));
    }

    private void listPermissions(Request r) throws IOException {
        Node node = existing(pathId(r));
        List<Grant> all = permissions(node.id);
        int offset = r.query.containsKey("pageToken") ? Integer.parseInt(r.query.get("pageToken")) : 0;
        int size = Math.min(pageSize, r.query.containsKey("pageSize") ? Integer.parseInt(r.query.get("pageSize")) : 100);
        String fields = r.query.get("fields");
        ObjectNode out = JSON.createObjectNode().put("kind", "drive#permissionList");
        ArrayNode list = out.putArray("permissions");
        for (Grant g : all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()))) {
            list.add(renderGrant(g, fields));
        }
        if (offset + size < all.size()) {
            out.put("nextPageToken", String.valueOf(offset + size));
        }
        send(r.exchange, 200, out);
    }

    // ---- model helpers

    private Node newNode(JsonNode meta, String mimeType, long size, Path blob) {
        String parent = parentOf(meta);
        String name = meta.path("name").asText("Untitled");
        synchronized (lock) {
            Node node = new Node(newId(), name, mimeType, parent, FOLDER_MIME_TYPE.equals(mimeType) ? -1 : size,
                    FOLDER_MIME_TYPE.equals(mimeType) ? null : blob);
            nodes.put(node.id, node);
            return node;
        }
    }

    /** The single parent named in metadata; 404 as Drive answers when it does not exist. */
    private String parentOf(JsonNode meta) {
        JsonNode parents = meta.path("parents");
        if (!parents.isArray() || parents.size() != 1) {
            throw new Answer(400, "invalid", "exactly one parent expected");
        }
        String parent = parents.get(0).asText();
        synchronized (lock) {
            Node node = nodes.get(parent);
            if (node == null || !node.isFolder()) {
                throw new Answer(404, "notFound", "File not found: " + parent + ".");
            }
        }
        return parent;
    }

    private Path emptyBlob() throws IOException {
        Path blob = dir.resolve("blobs").resolve("e" + ids.incrementAndGet());
        Files.createFile(blob);
        return blob;
    }

    private Node existing(String id) {
        synchronized (lock) {
            Node node = nodes.get(id);
            if (node == null) {
                throw new Answer(404, "notFound", "File not found: " + id + ".");
            }
            return node;
        }
    }

    private static String pathId(Request r) {
        String rest = r.path.substring(API.length() + 1);
        int slash = rest.indexOf('/');
        return URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
    }

    private String newId() {
        return "f" + ids.incrementAndGet();
    }

    private Item item(Node n) {
        return new Item(n.id, n.name, n.mimeType, n.parentId, n.size, n.trashed, webViewLink(n));
    }

    private static String webViewLink(Node n) {
        return n.isFolder() ? "https://drive.google.com/drive/folders/" + n.id
                : "https://drive.google.com/file/d/" + n.id + "/view?usp=drivesdk";
    }

    private static DriveQuery.Target target(Node n) {
        return new DriveQuery.Target() {
            public String name() {
                return n.name;
            }

            public String mimeType() {
                return n.mimeType;
            }

            public String parentId() {
                return n.parentId;
            }

            public boolean trashed() {
                return n.trashed;
            }
        };
    }

    /** Drive answers only the fields asked for; here, the top-level keys named anywhere in {@code fields}. */
    private ObjectNode render(Node n, String fields) {
        ObjectNode all = JSON.createObjectNode().put("kind", "drive#file").put("id", n.id).put("name", n.name)
                .put("mimeType", n.mimeType).put("trashed", n.trashed).put("webViewLink", webViewLink(n));
        if (!n.isFolder()) {
            all.put("size", String.valueOf(n.size));
        }
        if (n.parentId != null) {
            all.putArray("parents").add(n.parentId);
        }
        return only(all, fields);
    }

    private static ObjectNode renderGrant(Grant g, String fields) {
        ObjectNode all = JSON.createObjectNode().put("kind", "drive#permission").put("id", g.id()).put("type", g.type())
                .put("role", g.role()).put("emailAddress", g.emailAddress());
        return only(all, fields);
    }

    private static ObjectNode only(ObjectNode all, String fields) {
        if (fields == null || fields.isBlank() || fields.contains("*")) {
            return all;
        }
        Set<String> wanted = Arrays.stream(fields.split("[^A-Za-z]+")).collect(Collectors.toSet());
        all.retain(wanted);
        return all;
    }

    // ---- wire helpers

    private void countDrained(Call call, HttpExchange exchange) throws IOException {
        long n = drain(exchange);
        if (call == Call.UPLOAD_CHUNK || call == Call.UPLOAD_MULTIPART) {
            bytesReceived.addAndGet(n);
        }
    }

    private static long drain(HttpExchange exchange) throws IOException {
        return exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange exchange, int status, String reason, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error").put("code", status).put("message", message);
        inner.putArray("errors").addObject().put("domain", status == 429 || reason.contains("RateLimit") ? "usageLimits" : "global")
                .put("reason", reason).put("message", message);
        send(exchange, status, error);
    }

    private static void oauthError(HttpExchange exchange, String error, String description) throws IOException {
        send(exchange, 400, JSON.createObjectNode().put("error", error).put("error_description", description));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
