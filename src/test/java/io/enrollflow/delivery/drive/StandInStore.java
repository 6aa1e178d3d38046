package io.enrollflow.delivery.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.delivery.drive.DriveStandIn.Grant;
import io.enrollflow.delivery.drive.DriveStandIn.Item;
import io.enrollflow.delivery.drive.StandInProtocol.Answer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.enrollflow.delivery.drive.DriveStandIn.FOLDER_MIME_TYPE;

/**
 * What the stand-in's Drive holds: files and folders (a file's bytes in a temp directory, so files of gigabytes are
 * fine), permissions, and resumable upload sessions; and how Drive renders them as JSON. Thread-safe: the tree under
 * one lock, each session under its own.
 */
final class StandInStore {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Object lock = new Object();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<Grant>> grants = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger uploadsCompleted = new AtomicInteger();
    private volatile boolean discardUploads;

    static final class Node {
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

    static final class Session {
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

    StandInStore() throws IOException {
        dir = Files.createTempDirectory("drive-stand-in");
        Files.createDirectories(dir.resolve("blobs"));
        Files.createDirectories(dir.resolve("sessions"));
    }

    /** Removes the stored bytes. */
    void close() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is harmless; the test's outcome does not depend on it.
        }
    }

    // ---- for setting up and for assertions

    String createFolder(String parentId, String name) {
        synchronized (lock) {
            Node node = new Node(newId(), name, FOLDER_MIME_TYPE, parentId, -1, null);
            nodes.put(node.id, node);
            return node.id;
        }
    }

    void trash(String id) {
        synchronized (lock) {
            nodes.get(id).trashed = true;
        }
    }

    java.util.Optional<Item> item(String id) {
        synchronized (lock) {
            return java.util.Optional.ofNullable(nodes.get(id)).map(this::item);
        }
    }

    List<Item> children(String folderId) {
        synchronized (lock) {
            return nodes.values().stream().filter(n -> folderId.equals(n.parentId) && !n.trashed).map(this::item).toList();
        }
    }

    Path content(String fileId) {
        synchronized (lock) {
            return nodes.get(fileId).blob;
        }
    }

    List<Grant> permissions(String fileId) {
        synchronized (lock) {
            return List.copyOf(grants.getOrDefault(fileId, List.of()));
        }
    }

    int uploadsCompleted() {
        return uploadsCompleted.get();
    }

    // ---- for the protocol

    /** The items a {@code files.list} query matches, oldest first. */
    List<Node> matching(Predicate<DriveQuery.Target> filter) {
        synchronized (lock) {
            return nodes.values().stream().filter(n -> filter.test(target(n))).toList();
        }
    }

    /** Applies a {@code files.update}: {@code trashed} and {@code name}. */
    void update(Node node, JsonNode meta) {
        synchronized (lock) {
            if (meta.has("trashed")) {
                node.trashed = meta.get("trashed").asBoolean();
            }
            if (meta.has("name")) {
                node.name = meta.get("name").asText();
            }
        }
    }

    void delete(Node node) {
        synchronized (lock) {
            nodes.remove(node.id);
        }
    }

    /** A resumable upload session, its bytes collected in a part file until complete. */
    Session newSession(JsonNode meta, String mimeType, long declaredLength) throws IOException {
        String id = "s" + ids.incrementAndGet();
        Path part = Files.createFile(dir.resolve("sessions").resolve(id));
        Session session = new Session(id, meta, mimeType, declaredLength, part);
        sessions.put(id, session);
        return session;
    }

    Session session(String id) {
        return sessions.get(id);
    }

    /** Where a resumable upload's next bytes go: its part file, or nowhere once uploads are discarded. */
    OutputStream append(Session session) throws IOException {
        return discardUploads ? OutputStream.nullOutputStream()
                : Files.newOutputStream(session.part, StandardOpenOption.APPEND);
    }

    /** Resumable uploads from now on are counted and completed, their bytes not kept (files then read as empty). */
    void discardUploads() {
        discardUploads = true;
    }

    Node finish(Session session) throws IOException {
        Path blob = dir.resolve("blobs").resolve(session.id);
        Files.move(session.part, blob, StandardCopyOption.REPLACE_EXISTING);
        Node node = newNode(session.metadata, session.metadata.path("mimeType").asText(session.mimeType), session.received, blob);
        uploadsCompleted.incrementAndGet();
        return node;
    }

    /** A file created whole (a multipart upload): its bytes are stored, and it counts as a completed upload. */
    Node created(JsonNode meta, String mimeType, byte[] bytes) throws IOException {
        Path blob = dir.resolve("blobs").resolve("m" + ids.incrementAndGet());
        Files.write(blob, bytes);
        Node node = newNode(meta, mimeType, bytes.length, blob);
        uploadsCompleted.incrementAndGet();
        return node;
    }

    /** A permission, or the user's existing one with the new role: Drive keeps one permission per user. */
    Grant grant(Node node, String type, String role, String email, boolean notify) {
        synchronized (lock) {
            List<Grant> list = grants.computeIfAbsent(node.id, k -> new ArrayList<>());
            Grant same = list.stream().filter(g -> g.type().equals(type) && g.emailAddress().equalsIgnoreCase(email))
                    .findFirst().orElse(null);
            Grant grant = same != null ? new Grant(same.id(), type, role, email, same.sendNotificationEmail())
                    : new Grant("p" + ids.incrementAndGet(), type, role, email, notify);
            list.remove(same);
            list.add(grant);
            return grant;
        }
    }

    Node newNode(JsonNode meta, String mimeType, long size, Path blob) {
        String parent = parentOf(meta);
        String name = meta.path("name").asText("Untitled");
        synchronized (lock) {
            Node node = new Node(newId(), name, mimeType, parent, FOLDER_MIME_TYPE.equals(mimeType) ? -1 : size,
                    FOLDER_MIME_TYPE.equals(mimeType) ? null : blob);
            nodes.put(node.id, node);
            return node;
        }
    }

    /**
     * The single parent named in metadata; 404 as Drive answers when it does not exist. {@code root}, Drive's alias for
     * the account's My Drive, is the top level (null).
     */
    String parentOf(JsonNode meta) {
        JsonNode parents = meta.path("parents");
        if (!parents.isArray() || parents.size() != 1) {
            throw new Answer(400, "invalid", "exactly one parent expected");
        }
        String parent = parents.get(0).asText();
        if ("root".equals(parent)) {
            return null;
        }
        synchronized (lock) {
            Node node = nodes.get(parent);
            if (node == null || !node.isFolder()) {
                throw new Answer(404, "notFound", "File not found: " + parent + ".");
            }
        }
        return parent;
    }

    Path emptyBlob() throws IOException {
        Path blob = dir.resolve("blobs").resolve("e" + ids.incrementAndGet());
        Files.createFile(blob);
        return blob;
    }

    Node existing(String id) {
        synchronized (lock) {
            Node node = nodes.get(id);
            if (node == null) {
                throw new Answer(404, "notFound", "File not found: " + id + ".");
            }
            return node;
        }
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
    ObjectNode render(Node n, String fields) {
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

    static ObjectNode renderGrant(Grant g, String fields) {
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
}
