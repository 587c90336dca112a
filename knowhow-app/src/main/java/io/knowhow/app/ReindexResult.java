package io.knowhow.app;

/**
 * What a reindex did.
 *
 * @param chunks  chunks re-embedded (0 when nothing had to be done)
 * @param from    the embedder the store was built with
 * @param to      the configured embedder it is built with now
 * @param changed false when the store already matched the configured embedder
 */
public record ReindexResult(long chunks, String from, String to, boolean changed) {}
