package io.knowhow.core.port;

import java.util.List;

/**
 * Turns text into vectors for dense retrieval. Implementations are thread-safe.
 *
 * <p>Documents and queries are embedded by separate methods because some models (bge, e5) prefix
 * queries with an instruction.
 */
public interface Embedder extends AutoCloseable {
    /** Embeds passages, batched; vectors are L2-normalised and {@link EmbedderInfo#dimension()} long. */
    List<float[]> embedAll(List<String> passages);

    /** Embeds one query. */
    float[] embedQuery(String query);

    /** Which model this is; stored in the knowledge base so a different model forces a re-embed. */
    EmbedderInfo info();

    @Override
    default void close() {}
}
