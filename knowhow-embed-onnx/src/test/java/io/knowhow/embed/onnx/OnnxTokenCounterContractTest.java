package io.knowhow.embed.onnx;

import io.knowhow.core.port.TokenCounter;
import io.knowhow.core.port.TokenCounterContract;
import org.junit.jupiter.api.AfterAll;

/** The bundled MiniLM's WordPiece tokenizer keeps the {@link TokenCounter} contract. */
class OnnxTokenCounterContractTest extends TokenCounterContract {
    private static final OnnxEmbedder EMBEDDER = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);

    @Override
    protected TokenCounter counter() {
        return EMBEDDER;
    }

    @AfterAll
    static void close() {
        EMBEDDER.close();
    }
}
