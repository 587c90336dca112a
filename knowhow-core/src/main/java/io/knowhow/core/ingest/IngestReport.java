package io.knowhow.core.ingest;

import java.util.List;

/**
 * The outcome of an ingest run, one entry per file (and per removed source, and per file left out of a
 * folder: hidden, of a format no parser reads, a link loop, not a regular file).
 */
public record IngestReport(List<FileResult> results, long elapsedMillis) {
    public enum Outcome { ADDED, UPDATED, UNCHANGED, REMOVED, FAILED, SKIPPED }

    /**
     * @param source the source key
     * @param error  why it failed or was skipped (null otherwise)
     */
    public record FileResult(String source, Outcome outcome, int chunks, String error) {}

    public IngestReport {
        results = List.copyOf(results);
    }

    public long count(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    public int chunksWritten() {
        return results.stream().filter(r -> r.outcome() == Outcome.ADDED || r.outcome() == Outcome.UPDATED)
                .mapToInt(FileResult::chunks).sum();
    }

    public List<FileResult> skipped() {
        return results.stream().filter(r -> r.outcome() == Outcome.SKIPPED).toList();
    }

    public List<FileResult> failures() {
        return results.stream().filter(r -> r.outcome() == Outcome.FAILED).toList();
    }
}
