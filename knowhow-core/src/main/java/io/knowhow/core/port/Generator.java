package io.knowhow.core.port;

import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;

/** Produces an answer from a question and numbered evidence (which may be empty). */
public interface Generator extends AutoCloseable {
    Generation generate(GenerationRequest request);

    /** Short name for reports, e.g. "extractive" or "openai:gpt-4o-mini". */
    String name();

    @Override
    default void close() {}
}
