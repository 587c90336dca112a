package io.knowhow.store.lucene;

import org.apache.lucene.search.IndexSearcher;

import java.io.IOException;

/**
 * Lends a searcher on the last commit an index shows to a function, and takes it back. Implemented by
 * the writer's side ({@link IndexWrites}) and by the read-only side; {@link IndexReads} reads through it.
 */
interface SearcherAccess {
    /** A function of a searcher that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /**
     * Applies {@code fn} to a searcher that stays valid until it returns.
     *
     * @throws IllegalStateException       when the store is closed or broken
     * @throws java.io.UncheckedIOException when reading fails; the message names the knowledge base
     */
    <T> T read(SearcherFunction<T> fn);
}
