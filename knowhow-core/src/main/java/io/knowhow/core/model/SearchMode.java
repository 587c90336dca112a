package io.knowhow.core.model;

import java.util.Locale;

/** How the store ranks chunks. */
public enum SearchMode {
    /** BM25 over the chunk text. */
    BM25,
    /** Nearest neighbours of the query embedding (HNSW). */
    DENSE,
    /** BM25 and dense lists fused by the store's fusion (relative-score fusion at equal weights by default). */
    HYBRID;

    public static SearchMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown search mode '" + s + "': use hybrid, bm25 or dense");
        }
    }
}
