package io.knowhow.core.port;

import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;

import java.util.function.Consumer;

/**
 * A generator that can hand its text over piece by piece while the model is still writing.
 *
 * <p>A separate interface rather than a default method on {@link Generator} that throws, so that
 * "can this stream?" is a type check, not a runtime surprise.
 */
public interface StreamingGenerator extends Generator {
    /**
     * Generates like {@link #generate(GenerationRequest)}, calling {@code onToken} with each text delta
     * as it arrives, in order, on the calling thread. The returned generation's text equals the
     * concatenation of the deltas.
     */
    Generation generate(GenerationRequest request, Consumer<String> onToken);
}
