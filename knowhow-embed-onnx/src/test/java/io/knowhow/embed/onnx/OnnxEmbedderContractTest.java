package io.knowhow.embed.onnx;

import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderContract;
import org.junit.jupiter.api.AfterAll;

/** The bundled MiniLM on ONNX Runtime keeps the {@link Embedder} contract. */
class OnnxEmbedderContractTest extends EmbedderContract {
    private static final OnnxEmbedder EMBEDDER = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);

    @Override
    protected Embedder embedder() {
        return EMBEDDER;
    }

    @AfterAll
    static void close() {
        EMBEDDER.close();
    }
}
