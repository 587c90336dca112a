package io.knowhow.core.port;

import java.util.Objects;

/**
 * The embedder a store's vectors come from, recorded in the store: another one makes them meaningless.
 *
 * @param embedderId {@link EmbedderInfo#id()}
 * @param dimension  vector length
 */
public record StoreIdentity(String embedderId, int dimension) {
    public StoreIdentity {
        Objects.requireNonNull(embedderId, "embedderId");
        if (embedderId.isBlank()) throw new IllegalArgumentException("the embedder id must not be blank");
        if (dimension < 1) throw new IllegalArgumentException("the vector dimension must be positive, got " + dimension);
    }

    public static StoreIdentity of(EmbedderInfo info) {
        return new StoreIdentity(info.id(), info.dimension());
    }
}
