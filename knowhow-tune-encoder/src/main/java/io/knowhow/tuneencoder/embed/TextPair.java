package io.knowhow.tuneencoder.embed;

/**
 * A query and the passage that answers it.
 *
 * @param query   the question or search text
 * @param passage the text that should be retrieved for it
 * @param line    1-based line in the source file (0 for pairs made in code)
 */
public record TextPair(String query, String passage, int line) {
    public TextPair {
        if (query == null || query.isBlank()) throw new IllegalArgumentException("query is blank" + (line > 0 ? " (line " + line + ")" : ""));
        if (passage == null || passage.isBlank()) throw new IllegalArgumentException("passage is blank" + (line > 0 ? " (line " + line + ")" : ""));
    }

    public TextPair(String query, String passage) {
        this(query, passage, 0);
    }
}
