package io.knowhow.app;

import java.util.List;

/**
 * What a delete removed.
 *
 * @param deleted   the sources removed, with all their chunks
 * @param unmatched the names given that matched no source
 */
public record DeleteResult(List<String> deleted, List<String> unmatched) {
    public DeleteResult {
        deleted = List.copyOf(deleted);
        unmatched = List.copyOf(unmatched);
    }
}
