package io.knowhow.core.port;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a knowledge base's store is: the knowledge-base directory (an embedded store keeps its index
 * there; a remote one keeps nothing there) and the {@code store.*} settings a provider reads (a cluster
 * address, a collection name).
 */
public record StoreLocation(Path kbDir, Map<String, String> settings) {
    public StoreLocation {
        Objects.requireNonNull(kbDir, "kbDir");
        kbDir = kbDir.toAbsolutePath().normalize();
        settings = Map.copyOf(settings == null ? Map.of() : settings);
    }

    public static StoreLocation of(Path kbDir) {
        return new StoreLocation(kbDir, Map.of());
    }

    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
    }
}
