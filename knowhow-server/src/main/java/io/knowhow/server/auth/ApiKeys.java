package io.knowhow.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The API keys of a knowledge base, in {@code KB/keys.json} (owner-readable only). A key is 256 random bits shown
 * once at creation; the file keeps only a salted SHA-256 of it, which is enough for random keys (no password to
 * guess) and is compared in constant time. The CLI ({@code knowhow keys}) and a running server share the file:
 * every change takes {@code KB/keys.json.lock} and rewrites the file atomically, and the server rereads it when it
 * changes, so a key created or revoked while it runs counts at its next request.
 *
 * <p>Format: {@code {"version": 1, "keys": [{"name", "scope", "groups": [..], "salt": hex, "sha256": hex,
 * "created": ISO-8601, "last_used": ISO-8601 | null}]}}.
 */
public final class ApiKeys {
    public static final String FILE = "keys.json";
    static final String PREFIX = "kh_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key as listed: everything but the secret. */
    public record KeyInfo(String name, Scope scope, Set<String> groups, Instant created, Optional<Instant> lastUsed) {}

    /** A new key: {@code key} is shown once and stored nowhere. */
    public record Created(String key, KeyInfo info) {}

    private record Stored(KeyInfo info, byte[] salt, byte[] hash) {}

    private final Path file;
    private final Path lockFile;
    private List<Stored> keys = List.of();
    private FileTime loadedModified;
    private long loadedSize = -1;
    private final Map<String, Instant> usedSinceFlush = new LinkedHashMap<>();
    private long lastFlushNanos = System.nanoTime();

    public ApiKeys(Path kbDir) {
        Path dir = kbDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE);
        this.lockFile = dir.resolve(FILE + ".lock");
    }

    public Path file() {
        return file;
    }

    /** Creates a key; {@code name} must be new. */
    public synchronized Created create(String name, Scope scope, Set<String> groups) {
        String n = name == null || name.isBlank() ? null : name.strip();
        if (n != null && !NAME.matcher(n).matches())
            throw new IllegalArgumentException("key name '" + n + "' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        for (String g : groups)
            if (g.isBlank()) throw new IllegalArgumentException("an access group name must not be blank");
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return locked(() -> {
            List<Stored> all = new ArrayList<>(readFile());
            String chosen = n;
            if (chosen == null) {
                int i = all.size() + 1;
                while (true) {
                    String candidate = "key-" + i;
                    if (all.stream().noneMatch(s -> s.info().name().equals(candidate))) {
                        chosen = candidate;
                        break;
                    }
                    i++;
                }
            }
            String finalName = chosen;
            if (all.stream().anyMatch(s -> s.info().name().equals(finalName)))
                throw new IllegalArgumentException("a key named '" + finalName + "' exists already: choose another --name, or revoke it first");
            KeyInfo info = new KeyInfo(finalName, scope, new TreeSet<>(groups), Instant.now(), Optional.empty());
            all.add(new Stored(info, salt, hash(salt, key)));
            writeFile(all);
            return new Created(key, info);
        });
    }

    public synchronized List<KeyInfo> list() {
        reloadIfChanged();
        List<KeyInfo> out = new ArrayList<>();
        for (Stored s : keys) out.add(withPendingUse(s.info()));
        return out;
    }

    /** Removes the key named {@code name}; false when there is none. */
    public synchronized boolean revoke(String name) {
        return locked(() -> {
            List<Stored> all = new ArrayList<>(readFile());
            boolean removed = all.removeIf(s -> s.info().name().equals(name));
            if (removed) writeFile(all);
            usedSinceFlush.remove(name);
            return removed;
        });
    }

    /** Whether no key exists (the server then decides what anonymous callers may do). */
    public synchronized boolean isEmpty() {
        reloadIfChanged();
        return keys.isEmpty();
    }

    /**
     * The caller a presented key stands for, or empty. Every stored key is hashed and compared in constant time,
     * whether or not an earlier one matched, so timing does not tell how far a guess got.
     */
    public synchronized Optional<Principal> verify(String presented) {
        reloadIfChanged();
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 200) return Optional.empty();
        Stored match = null;
        for (Stored s : keys) if (MessageDigest.isEqual(hash(s.salt(), presented), s.hash()) && match == null) match = s;
        if (match == null) return Optional.empty();
        usedSinceFlush.put(match.info().name(), Instant.now());
        // last_used is written at most once a minute (and on close), not on every request.
        if (System.nanoTime() - lastFlushNanos > 60_000_000_000L) flushLastUsed();
        KeyInfo i = match.info();
        return Optional.of(new Principal(i.name(), i.scope(), i.groups(), false));
    }

    /** Writes pending last-used times into the file (merged into what is there now). */
    public synchronized void flushLastUsed() {
        lastFlushNanos = System.nanoTime();
        if (usedSinceFlush.isEmpty()) return;
        Map<String, Instant> pending = new LinkedHashMap<>(usedSinceFlush);
        usedSinceFlush.clear();
        try {
            locked(() -> {
                List<Stored> all = new ArrayList<>();
                for (Stored s : readFile()) {
                    Instant used = pending.get(s.info().name());
                    KeyInfo i = s.info();
                    all.add(used == null ? s : new Stored(new KeyInfo(i.name(), i.scope(), i.groups(), i.created(), Optional.of(used)), s.salt(), s.hash()));
                }
                writeFile(all);
                return null;
            });
        } catch (RuntimeException e) {
            // Last-used times are informative; failing to record them must not fail a request.
        }
    }

    private KeyInfo withPendingUse(KeyInfo i) {
        Instant used = usedSinceFlush.get(i.name());
        return used == null ? i : new KeyInfo(i.name(), i.scope(), i.groups(), i.created(), Optional.of(used));
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(loadedModified) && size == loadedSize) return;
            keys = readFile();
            loadedModified = modified;
            loadedSize = size;
        } catch (NoSuchFileException e) {
            keys = List.of();
            loadedModified = null;
            loadedSize = -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private List<Stored> readFile() {
        if (!Files.exists(file)) return List.of();
        try {
            JsonNode root = JsonViews.MAPPER.readTree(Files.readAllBytes(file));
            List<Stored> out = new ArrayList<>();
            for (JsonNode k : root.path("keys")) {
                Set<String> groups = new TreeSet<>();
                k.path("groups").forEach(g -> groups.add(g.asText()));
                Optional<Instant> used = k.hasNonNull("last_used") ? Optional.of(Instant.parse(k.get("last_used").asText())) : Optional.empty();
                KeyInfo info = new KeyInfo(k.path("name").asText(), Scope.parse(k.path("scope").asText()), groups,
                        Instant.parse(k.path("created").asText()), used);
                out.add(new Stored(info, HexFormat.of().parseHex(k.path("salt").asText()), HexFormat.of().parseHex(k.path("sha256").asText())));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(file + " is not a valid key file (" + e.getMessage()
                    + "): restore it, or delete it and create the keys again with `knowhow keys create`", e);
        }
    }

    private void writeFile(List<Stored> all) {
        ObjectNode root = JsonViews.object();
        root.put("version", 1);
        ArrayNode arr = root.putArray("keys");
        for (Stored s : all) {
            ObjectNode n = arr.addObject();
            n.put("name", s.info().name());
            n.put("scope", s.info().scope().label());
            ArrayNode g = n.putArray("groups");
            s.info().groups().forEach(g::add);
            n.put("salt", HexFormat.of().formatHex(s.salt()));
            n.put("sha256", HexFormat.of().formatHex(s.hash()));
            n.put("created", s.info().created().toString());
            n.put("last_used", s.info().lastUsed().map(Instant::toString).orElse(null));
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.write(tmp, JsonViews.pretty(root).getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            keys = List.copyOf(all);
            loadedModified = Files.getLastModifiedTime(file);
            loadedSize = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run();
    }

    /** Runs {@code work} holding the file lock, so the CLI and a server never write over each other's change. */
    private <T> T locked(Work<T> work) {
        try {
            Files.createDirectories(lockFile.getParent());
            // The class lock: a JVM may hold a file's lock once, and a test (or an embedding program) may have two ApiKeys.
            synchronized (ApiKeys.class) {
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    return work.run();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    static byte[] hash(byte[] salt, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            md.update(key.getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
