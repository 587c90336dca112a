package io.knowhow.core.model;

import java.util.Objects;

/**
 * A search against the knowledge store.
 *
 * @param text   query text, for BM25 (may be null in DENSE mode)
 * @param vector query embedding, for DENSE (may be null in BM25 mode)
 * @param k      how many hits to return, at least 1
 */
public record SearchRequest(String text, float[] vector, int k, SearchMode mode, Filter filter) {
    /**
     * Most distinct query terms a store searches with. A longer text (a pasted page as a question) keeps the terms
     * that weigh most (rarest in the corpus, most repeated in the query), so it is searched, never refused.
     */
    public static final int MAX_QUERY_TERMS = 256;

    public SearchRequest {
        Objects.requireNonNull(mode, "mode");
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        filter = filter == null ? Filter.NONE : filter;
        if (mode != SearchMode.DENSE && (text == null || text.isBlank()))
            throw new IllegalArgumentException("a " + mode + " search needs query text");
        if (mode != SearchMode.BM25 && vector == null)
            throw new IllegalArgumentException("a " + mode + " search needs a query vector");
    }
}
