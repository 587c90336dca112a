package io.knowhow.app;

/**
 * What a migration did.
 *
 * @param to            the store kind the knowledge base was copied into
 * @param sources       sources copied
 * @param chunks        chunks copied
 * @param vectorsCopied true when the vectors came from the old store; false when they were re-embedded (the old
 *                      store cannot hand its vectors back)
 */
public record MigrateResult(String to, long sources, long chunks, boolean vectorsCopied) {}
