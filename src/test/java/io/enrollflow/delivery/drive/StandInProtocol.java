package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.enrollflow.delivery.drive.DriveStandIn.Call;
import io.enrollflow.delivery.drive.DriveStandIn.Fault;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.StandInStore.Node;
import io.enrollflow.delivery.drive.StandInStore.Session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import static io.enrollflow.delivery.drive.StandInStore.JSON;
import static io.enrollflow.delivery.drive.StandInStore.renderGrant;

/**
 * The stand-in's REST protocol, as the real Google Java client speaks it: each request classified as a {@link Call},
 * counted, answered by an injected fault or refused without a valid bearer token, then handled: {@code files.get / list
 * / create / update / delete}, resumable and multipart uploads, {@code permissions.create / list}. Errors are Google's
 * JSON error bodies.
 */
final class StandInProtocol implements HttpHandler {

    private static final String API = "/drive/v3/files";
    private static final String UPLOAD = "/upload/drive/v3/files";

    private final StandInStore store;
    private final StandInFaults faults;
    private final StandInOAuth oauth;
    private final Supplier<String> rootUrl;
    private final Map<Call, AtomicInteger> requests = new EnumMap<>(Call.class);
    private final List<String> withoutSupportsAllDrives = new CopyOnWriteArrayList<>();
    private final List<Long> apiArrivals = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private volatile int pageSize = DriveStandIn.DEFAULT_PAGE_SIZE;

    /** @param rootUrl the stand-in's root URL (known once its server is bound), for upload session URLs */
    StandInProtocol(StandInStore store, StandInFaults faults, StandInOAuth oauth, Supplier<String> rootUrl) {
        this.store = store;
        this.faults = faults;
        this.oauth = oauth;
        this.rootUrl = rootUrl;
        for (Call call : Call.values()) {
            requests.put(call, new AtomicInteger());
        }
    }

    // ---- counters

    void pageSize(int max) {
        pageSize = max;
    }

    List<Long> apiArrivals() {
        return List.copyOf(apiArrivals);
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    int requests(Call call) {
        return requests.get(call).get();
    }

    int requestsTotal() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<String> requestsWithoutSupportsAllDrives() {
        return List.copyOf(withoutSupportsAllDrives);
    }

    // ---- HTTP

    record Request(HttpExchange exchange, String method, String path, Map<String, String> query) {
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
    static final class Answer extends RuntimeException {
        final int status;
        final String reason;

        Answer(int status, String reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
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
            boolean api = call != Call.TOKEN && call != Call.AUTHORIZE;
            if (api) {
                apiArrivals.add(System.nanoTime());
            }
            if (api && !"true".equals(request.query.get("supportsAllDrives"))) {
                withoutSupportsAllDrives.add(method + " " + uri);
            }
            Fault fault = faults.firing(call, store.uploadsCompleted());
            if (fault != null) {
                countDrained(call, exchange);
                if (fault.drop) {
                    throw new IOException("stand-in drops the connection (injected fault)");
                }
                if (fault.retryAfterSeconds >= 0) {
                    exchange.getResponseHeaders().add("Retry-After", Long.toString(fault.retryAfterSeconds));
                }
                faults.answered();
                error(exchange, fault.status, fault.reason, "injected " + fault.status + " " + fault.reason);
                return;
            }
            if (api && !oauth.authorized(request)) {
                drain(exchange);
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"stand-in\", error=\"invalid_token\"");
                error(exchange, 401, "authError", "Request had invalid authentication credentials.");
                return;
            }
            faults.delay(call);
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
        if (p.equals("/auth") && r.method.equals("GET")) {
            return Call.AUTHORIZE;
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
            case TOKEN -> oauth.token(r, rootUrl.get() + "token");
            case AUTHORIZE -> oauth.consent.authorize(r);
            case FILES_GET -> send(r.exchange, 200, store.render(store.existing(pathId(r)), r.query.get("fields")));
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

    // ---- files

    private void list(Request r) throws IOException {
        Predicate<DriveQuery.Target> filter;
        try {
            filter = DriveQuery.parse(r.query.get("q"));
        } catch (IllegalArgumentException e) {
            throw new Answer(400, "invalid", "Invalid Value: q (" + e.getMessage() + ")");
        }
        String fields = r.query.get("fields");
        send(r.exchange, 200, page(r, "drive#fileList", "files", store.matching(filter), n -> store.render(n, fields)));
    }

    /** One page of a listing, as Drive pages: {@code pageToken} is the offset, at most the stand-in's page size. */
    private <T> ObjectNode page(Request r, String kind, String name, List<T> all, Function<T, ObjectNode> render) {
        int offset = r.query.containsKey("pageToken") ? Integer.parseInt(r.query.get("pageToken")) : 0;
        int size = Math.min(pageSize, r.query.containsKey("pageSize") ? Integer.parseInt(r.query.get("pageSize")) : 100);
        ObjectNode out = JSON.createObjectNode().put("kind", kind);
        ArrayNode items = out.putArray(name);
        for (T item : all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()))) {
            items.add(render.apply(item));
        }
        if (offset + size < all.size()) {
            out.put("nextPageToken", String.valueOf(offset + size));
        }
        return out;
    }

    private void createMetadata(Request r) throws IOException {
        JsonNode meta = r.json();
        Node node = store.newNode(meta, meta.path("mimeType").asText("application/octet-stream"), 0, store.emptyBlob());
        send(r.exchange, 200, store.render(node, r.query.get("fields")));
    }

    private void update(Request r) throws IOException {
        JsonNode meta = r.json();
        Node node = store.existing(pathId(r));
        store.update(node, meta);
        send(r.exchange, 200, store.render(node, r.query.get("fields")));
    }

    private void delete(Request r) throws IOException {
        store.delete(store.existing(pathId(r)));
        r.exchange.sendResponseHeaders(204, -1);
    }

    // ---- uploads

    private void startUpload(Request r) throws IOException {
        JsonNode meta = r.json();
        store.parentOf(meta); // 404 now, as Drive does, when the parent is missing
        String length = r.header("X-Upload-Content-Length");
        String type = Optional.ofNullable(r.header("X-Upload-Content-Type")).orElse(meta.path("mimeType").asText("application/octet-stream"));
        Session session = store.newSession(meta, type, length == null ? -1 : Long.parseLong(length));
        String query = r.exchange.getRequestURI().getRawQuery();
        r.exchange.getResponseHeaders().add("Location", rootUrl.get() + UPLOAD.substring(1) + "?" + query + "&upload_id=" + session.id);
        r.exchange.sendResponseHeaders(200, -1);
    }

    private void chunk(Request r) throws IOException {
        Session session = store.session(r.query.get("upload_id"));
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
                try (OutputStream out = store.append(session)) {
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
                    session.result = store.finish(session);
                }
                send(r.exchange, 200, store.render(session.result, r.query.get("fields")));
                return;
            }
            if (session.received > 0) {
                r.exchange.getResponseHeaders().add("Range", "bytes=0-" + (session.received - 1));
            }
            r.exchange.sendResponseHeaders(308, -1);
        }
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
        bytesReceived.addAndGet(parts.get(1).length);
        Node node = store.created(meta, meta.path("mimeType").asText("application/octet-stream"), parts.get(1));
        send(r.exchange, 200, store.render(node, r.query.get("fields")));
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
        Node node = store.existing(pathId(r));
        JsonNode body = r.json();
        String type = body.path("type").asText();
        String email = body.path("emailAddress").asText();
        String role = body.path("role").asText();
        if (!Set.of("user", "group", "domain", "anyone").contains(type) || role.isEmpty()) {
            throw new Answer(400, "invalid", "permission needs type and role");
        }
        boolean notify = !"false".equals(r.query.get("sendNotificationEmail"));
        Grant grant = store.grant(node, type, role, email, notify);
        send(r.exchange, 200, renderGrant(grant, r.query.get("fields")));
    }

    private void listPermissions(Request r) throws IOException {
        Node node = store.existing(pathId(r));
        String fields = r.query.get("fields");
        send(r.exchange, 200, page(r, "drive#permissionList", "permissions", store.permissions(node.id),
                g -> renderGrant(g, fields)));
    }


    private static String pathId(Request r) {
        String rest = r.path.substring(API.length() + 1);
        int slash = rest.indexOf('/');
        return URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
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

    static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
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

    static void oauthError(HttpExchange exchange, String error, String description) throws IOException {
        send(exchange, 400, JSON.createObjectNode().put("error", error).put("error_description", description));
    }

    static Map<String, String> query(String raw) {
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
