package io.knowhow.app.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A knowledge base's {@code config.yaml}: flat dotted keys ({@code llm.base-url: ...}), each one of
 * {@link ConfigKeys}, with environment variables overriding the file.
 *
 * <p>Flat on purpose: {@code knowhow config set KEY VALUE} edits one line a user can read. A value is
 * checked against its key's type when it is set, and the whole configuration is checked again by the
 * caller's validator (settings that only make sense together, like the LLM's window and answer size),
 * so a value that would break every later command is refused at once. Writes go to a temporary file,
 * readable by the owner only (it may hold a secret), renamed over the old one, so a crash never leaves
 * half a config.
 */
public final class KnowhowConfig {
    public static final String FILE = "config.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;
    private final Map<String, String> values;
    private final Map<String, String> environment;

    private KnowhowConfig(Path file, Map<String, String> values, Map<String, String> environment) {
        this.file = file;
        this.values = values;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Reads {@code KB/config.yaml} (absent: every default applies).
     *
     * @throws IllegalArgumentException when the file is not YAML
     */
    public static KnowhowConfig load(Path kbDir, Map<String, String> environment) {
        Path file = kbDir.resolve(FILE);
        Map<String, String> values = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                Map<?, ?> raw = YAML.readValue(file.toFile(), Map.class);
                if (raw != null) raw.forEach((k, v) -> values.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " is not valid YAML (" + e.getMessage().lines().findFirst().orElse("")
                        + "); fix it or delete it");
            }
        }
        return new KnowhowConfig(file, values, environment);
    }

    public Path file() {
        return file;
    }

    /** The values written in the file (not the defaults, not the environment). */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** The file's values with the environment's overrides applied: what the parts are built from. */
    public Map<String, String> effectiveValues() {
        Map<String, String> all = new TreeMap<>(values);
        for (ConfigKey k : ConfigKeys.all()) {
            String v = environment.get(k.environmentVariable());
            if (v != null && !v.isBlank()) all.put(k.name(), v);
        }
        return all;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** The value in effect: the environment's, else the file's, else the default; empty when none. */
    public Optional<String> get(ConfigKey key) {
        String v = environment.get(key.environmentVariable());
        if (v == null || v.isBlank()) v = values.get(key.name());
        if (v == null || v.isBlank()) v = key.defaultValue();
        return Optional.ofNullable(v);
    }

    /** Where the value in effect comes from, for messages: the variable, the file, or "default". */
    public String origin(ConfigKey key) {
        String v = environment.get(key.environmentVariable());
        if (v != null && !v.isBlank()) return key.environmentVariable();
        return values.containsKey(key.name()) ? file + " (" + key.name() + ")" : "default";
    }

    public String text(ConfigKey key) {
        return get(key).orElseThrow(() -> new IllegalArgumentException(key.name() + " is not set: `knowhow config set " + key.name() + " VALUE`"));
    }

    public int integer(ConfigKey key) {
        String v = text(key);
        try {
            return Integer.parseInt(key.type().check(key.name(), v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin(key) + ": " + e.getMessage(), e);
        }
    }

    public long longValue(ConfigKey key) {
        String v = text(key);
        try {
            return Long.parseLong(key.type().check(key.name(), v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin(key) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets {@code key} to {@code value} after checking it against the key's type and {@code validator}
     * (which sees the whole resulting configuration and throws when it would not work), then writes the file.
     *
     * @return the value as stored (normalised)
     */
    public String set(String name, String value, UnaryOperator<Map<String, String>> validator) {
        ConfigKey key = ConfigKeys.require(name);
        String checked = key.type().check(name, value);
        Map<String, String> next = new TreeMap<>(values);
        next.put(name, checked);
        validator.apply(next);
        values.put(name, checked);
        save();
        return checked;
    }

    /** Removes {@code key}; returns false (and writes nothing) when it was not set. */
    public boolean unset(String name) {
        if (!values.containsKey(name)) {
            ConfigKeys.require(name); // an unknown name that is not in the file either: say which keys exist
            return false;
        }
        values.remove(name);
        save();
        return true;
    }

    /**
     * Keys in the file that knowhow does not know (a typo, or a key of another version): reported, not
     * fatal, so that {@code config unset} can still remove them.
     */
    public Set<String> unknownKeys() {
        Set<String> unknown = new java.util.TreeSet<>();
        for (String key : values.keySet()) if (ConfigKeys.find(key).isEmpty()) unknown.add(key);
        return unknown;
    }

    /** Whether the file can be read by others although it holds a secret: a warning for the user. */
    public Optional<String> permissionWarning() {
        boolean hasSecret = values.keySet().stream().map(ConfigKeys::find).flatMap(Optional::stream).anyMatch(ConfigKey::secret);
        if (!hasSecret || !Files.exists(file)) return Optional.empty();
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p)))
                return Optional.of(file + " holds a secret but is readable by others (" + PosixFilePermissions.toString(perms)
                        + "): run `chmod 600 " + file + "`, or move the key to KNOWHOW_LLM_API_KEY or llm.api-key-file");
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // not a POSIX file system: nothing we can check
        }
        return Optional.empty();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            YAML.writeValue(tmp.toFile(), values);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
