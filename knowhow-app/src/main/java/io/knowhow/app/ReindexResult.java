package io.knowhow.app;

/**
 * What a reindex did.
 *
 * @param chunks        chunks written into the rebuilt store (0 when nothing had to be done)
 * @param from          the embedder the store was built with
 * @param to            the configured embedder it is built with now
 * @param changed       false when the store already matched the configured embedder and format
 * @param vectorsCopied true when only the store's format was behind, so the vectors were copied rather than recomputed
 */
public record ReindexResult(long chunks, String from, String to, boolean changed, boolean vectorsCopied) {}
