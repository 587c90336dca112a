package io.knowhow.eval.compare;

/**
 * A copy of the knowledge base that an update is ingested into, so the user's knowledge base is never modified
 * by an evaluation. Closing it deletes the copy.
 */
public interface UpdateSandbox extends AutoCloseable {
    /** The copy, to ask questions of. */
    EvalTarget target();

    /** Ingests the update into the copy; returns the ingest's wall time in seconds. */
    double applyUpdate();

    /** What the update did, e.g. "replaced pricing.md; added faq.md". */
    String description();

    @Override
    void close();
}
